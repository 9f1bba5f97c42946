"""secrets.strength: signing secrets are long and not placeholders, per the environment policy."""

from __future__ import annotations

from collections.abc import Callable

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
    assert problem.message == "is shorter than the 32 characters required (value not shown)"
    assert CANARY not in str(problem)


def test_secret_rule_refuses_placeholder() -> None:
    assert _problems(
        Environment.PRODUCTION, {"SECRET_KEY": "change-me-please-change-me-please!"}
    ) == [("SECRET_KEY", "secrets.weak_value", Severity.ERROR)]


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


# issue 10.6: development-, test- and library-looking values, for every sensitive field.
WEAK_DEPLOYED = [
    ("POSTGRES_PASSWORD", "development_password"),
    ("POSTGRES_PASSWORD", "dev_password"),
    ("POSTGRES_PASSWORD", "test_password"),
    ("JWT_SECRET_KEY", "development-jwt-secret-minimum-32-characters-long"),
    ("SECRET_KEY", "test-secret-key-not-for-production-0000000000"),
    ("GOOGLE_CLIENT_SECRET", "test-oauth-client-secret"),
    ("OPENAI_API_KEY", "sk-your-api-key-here"),
    ("SERVICE_SECRET", "confwarden-dev-" + "Q7x9Lk2Pz8Mn4Vb6Rt1Wy3abcdefghijklmnop"),
    ("SERVICE_SECRET", "dev-" + "0" * 63 + "1"),
]


@pytest.mark.parametrize("environment", [Environment.STAGING, Environment.PRODUCTION])
@pytest.mark.parametrize(("name", "value"), WEAK_DEPLOYED)
def test_secret_rule_refuses_development_values_when_deployed(
    environment: Environment, name: str, value: str
) -> None:
    ctx = ValidationContext.from_variables(environment, {name: value})
    problems = [p for p in SecretStrengthRule().check(ctx) if p.rule == "secrets.weak_value"]
    assert len(problems) == 1
    assert problems[0].severity is Severity.ERROR
    assert problems[0].critical  # staging (ENFORCE_CRITICAL) refuses it too
    assert value not in str(problems[0])


@pytest.mark.parametrize(("name", "value"), WEAK_DEPLOYED[:3])
def test_secret_rule_development_values_fine_in_development(name: str, value: str) -> None:
    ctx = ValidationContext.from_variables(Environment.DEVELOPMENT, {name: value})
    assert [p for p in SecretStrengthRule().check(ctx) if p.rule == "secrets.weak_value"] == []


def test_secret_rule_judges_only_the_password_of_a_url() -> None:
    ok = "rediss://:Xq9Lk2Pz8Mn4Vb6Rt1Wy3aB@dev-cache.example.com:6380/0"
    weak = "rediss://:dev_password@cache.example.com:6380/0"
    assert _problems(Environment.PRODUCTION, {"REDIS_URL": ok}) == []
    assert _problems(Environment.PRODUCTION, {"REDIS_URL": weak}) == [
        ("REDIS_URL", "secrets.weak_value", Severity.ERROR)
    ]


def test_library_test_defaults_refused_when_deployed() -> None:
    from confwarden.components.weak_secrets import weak_value_reason
    from confwarden.config.fallbacks import TEST_DEFAULTS
    from confwarden.presets.agent_platform.app import AppConfig

    for value in [*TEST_DEFAULTS.values(), *AppConfig.TEST_DEFAULTS.values()]:
        assert weak_value_reason(value, deployed=True) is not None, value


def test_weak_value_table_never_flags_random_secrets() -> None:
    import secrets as random_secrets

    from confwarden.components.weak_secrets import weak_value_reason

    for _ in range(2000):
        assert weak_value_reason(random_secrets.token_urlsafe(48), deployed=True) is None
        assert weak_value_reason(random_secrets.token_hex(32), deployed=True) is None


@pytest.mark.parametrize("environment", ["staging", "production"])
@pytest.mark.parametrize("variable", ["POSTGRES_PASSWORD", "JWT_SECRET_KEY"])
def test_secret_weak_value_stops_deployed_startup_once(
    deployed_vars: Callable[..., dict[str, str]], environment: str, variable: str
) -> None:
    from confwarden.config.common import ServiceConfig
    from confwarden.config.schema import fields_of
    from confwarden.config.validation import ConfigurationValidator

    value = "development-jwt-secret-minimum-32-characters-long"
    variables = deployed_vars(environment, **{variable: value})
    ctx = ValidationContext.from_variables(
        Environment.parse(environment), variables, fields_of(ServiceConfig)
    )
    result = ConfigurationValidator().validate(ctx)
    assert [p.variable for p in result.errors] == [variable]
    assert value not in "\n".join(result.summary_lines())
