"""The checker's secret-name heuristic (issue 12, false positive 2)."""

from __future__ import annotations

import pytest

from confwarden.checker.excerpts import mask_secrets
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
        "MAX_TOKENS",
        "OPENAI_MAX_TOKENS",
        "NUM_TOKENS",
        "PASSWORD_MIN_CHARS",
        "TOKEN_EXPIRE_MINUTES_STAGING",
        "SECRETS_DIR_PRODUCTION",
        "SKIP_TOKEN_VALIDATION",
        "ACCESS_TOKEN_EXPIRES_IN",
        "AUTH_DEBUG",
        "AUTH_LOG_LEVEL",
        "AUTH_WORKERS",
        "AUTH_READY",
        "AUTH_SERVICE_URL",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_SAMESITE",
        "SESSION_COOKIE_DOMAIN",
        "RANDOM_SEED",
        "OTP_DIGITS",
        "OTP_ISSUER_NAME",
        "SEED_DATA",
        "AUTH_ENABLED",
        "AUTH_HOST",
        "AUTH_PORT",
        "AUTH_TIMEOUT",
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
        "JWT_SECRET_KEY_STAGING",
        "GITHUB_TOKEN",
        "DB_PASSWORD",
        "API_KEY_PRODUCTION",
        "SECRET_TESTING",
        "AUTH_TOKEN",
        "SESSION_COOKIE_SECRET",
        "OTP_SECRET",
        "BASIC_AUTH",
        "PROXY_AUTH",
        "SESSION_COOKIE",
        "WALLET_SEED",
        "AUTH_KEY",
    ],
)
def test_is_secret_variable_secrets_are_secrets(name: str) -> None:
    assert is_secret_variable(name)


@pytest.mark.parametrize(
    "name",
    [
        "OPENAI_API_KEY",
        "JWT_SECRET_KEY_STAGING",
        "GITHUB_TOKEN",
        "DB_PASSWORD",
        "AUTH_TOKEN",
        "SESSION_COOKIE_SECRET",
        "OTP_SECRET",
        "BASIC_AUTH",
    ],
)
def test_mask_secrets_canary_real_secrets_stay_masked_in_excerpts(name: str) -> None:
    canary = "CANARY-7c1e"
    line = f'{name} = "{canary}"'
    assert canary not in mask_secrets(line)
    assert canary not in mask_secrets(f'get_env().get("{name}", "{canary}")')


def test_mask_secrets_shows_settings_about_secrets() -> None:
    assert mask_secrets('MAX_TOKENS = "4096"') == 'MAX_TOKENS = "4096"'
