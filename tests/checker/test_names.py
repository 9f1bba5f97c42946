"""The checker's secret-name heuristic (issue 12, false positive 2)."""

from __future__ import annotations

import pytest

from confwarden.checker.names import is_secret_variable


@pytest.mark.parametrize(
    "name",
    [
        "TOKEN_VALIDATION_ENABLED",
        "ACCESS_TOKEN_EXPIRE_MINUTES",
        "SHOP_SECRETS_DIR",
        "JWT_SECRET_KEY_FILE",
        "API_TOKEN_MAX_RETRIES",
        "USE_SECRET_MANAGER",
        "PASSWORD_MIN_LENGTH",
        "REFRESH_TOKEN_TTL",
        "SECRET_MANAGER_PROJECT",
        "LOG_LEVEL",
    ],
)
def test_is_secret_variable_settings_about_secrets_are_not_secrets(name: str) -> None:
    assert not is_secret_variable(name)


@pytest.mark.parametrize(
    "name",
    [
        "SERVICE_SECRET",
        "JWT_SECRET_KEY",
        "POSTGRES_PASSWORD",
        "REFRESH_TOKEN",
        "OPENAI_API_KEY",
        "GOOGLE_CLIENT_SECRET",
        "TOKEN",
        "password",
    ],
)
def test_is_secret_variable_secrets_are_secrets(name: str) -> None:
    assert is_secret_variable(name)
