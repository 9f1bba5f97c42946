"""secrets.strength: signing secrets are long and not placeholders, per the environment policy."""

from __future__ import annotations

import pytest

from confwarden.config.spec import Severity
from confwarden.config.validation import ValidationContext
from confwarden.config.validation.base import ConfigItem
from confwarden.config.validation.secrets import SecretStrengthRule, is_signing_secret
from confwarden.environment.detection import Environment

CANARY = "CANARY-5f0e1d"


def _problems(
    environment: Environment, variables: dict[str, str]
) -> list[tuple[str, str, Severity]]:
    ctx = ValidationContext.from_variables(environment, variables)
    return [(p.variable, p.rule, p.severity) for p in SecretStrengthRule().check(ctx)]


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        (Environment.DEVELOPMENT, [("SECRET_KEY", "secrets.length", Severity.WARNING)]),
        (Environment.TESTING, []),
        (Environment.STAGING, [("SECRET_KEY", "secrets.length", Severity.ERROR)]),
        (Environment.PRODUCTION, [("SECRET_KEY", "secrets.length", Severity.ERROR)]),
    ],
)
def test_secret_rule_severity_comes_from_policy(
    environment: Environment, expected: list[tuple[str, str, Severity]]
) -> None:
    assert _problems(environment, {"SECRET_KEY": CANARY}) == expected


def test_secret_rule_message_describes_shape_only() -> None:
    ctx = ValidationContext.from_variables(Environment.STAGING, {"SERVICE_SECRET": CANARY})
    (problem,) = SecretStrengthRule().check(ctx)
    assert problem.message == "is 13 characters, needs at least 32"
    assert CANARY not in str(problem)


def test_secret_rule_refuses_placeholder() -> None:
    assert _problems(
        Environment.PRODUCTION, {"SECRET_KEY": "change-me-please-change-me-please!"}
    ) == [("SECRET_KEY", "secrets.placeholder", Severity.ERROR)]


def test_secret_rule_accepts_long_random_secret() -> None:
    assert (
        _problems(Environment.PRODUCTION, {"SECRET_KEY": "k9Xq2mV7rT4wZp8LbN3cH6yF1sJ5dG0a"}) == []
    )


@pytest.mark.parametrize(
    ("name", "judged"),
    [
        ("SECRET_KEY", True),
        ("SERVICE_SECRET", True),
        ("SESSION_SECRET_KEY", True),
        ("FERNET_KEY", True),
        ("JWT_SECRET_KEY", False),
        ("GOOGLE_CLIENT_SECRET", False),
        ("POSTGRES_PASSWORD", False),
        ("OPENAI_API_KEY", False),
        ("SECRET_MANAGER_PROJECT", False),
    ],
)
def test_is_signing_secret_selects_names(name: str, judged: bool) -> None:
    assert is_signing_secret(ConfigItem(name, "x", "os", None)) is judged
