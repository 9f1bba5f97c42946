"""ConfigurationValidator: default modes, mode semantics, crashing rules, secrets never shown."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Annotated

import pytest

from confwarden.config.inspection import inspect_service
from confwarden.config.schema import ConfigSchema, Env
from confwarden.config.spec import FieldSpec, Problem, Severity, ValidationMode
from confwarden.config.validation import (
    ConfigurationValidator,
    Rule,
    ValidationContext,
    default_rules,
    is_error_in_mode,
)
from confwarden.environment.detection import Environment
from confwarden.errors import ConfigurationError

from .conftest import MakeCtx

CANARY = "CANARY-5f0e1d"


class Fixed(Rule):
    """Yields the problems it was given."""

    code = "fixed"

    def __init__(self, *problems: Problem) -> None:
        self.problems = problems

    def check(self, ctx: ValidationContext) -> Iterator[Problem]:
        yield from self.problems


class Crashing(Rule):
    code = "crashing"

    def check(self, ctx: ValidationContext) -> Iterator[Problem]:
        raise ValueError(f"cannot parse {ctx.variables['SECRET_KEY']}")


_CRITICAL_ERROR = Problem(
    variable="A",
    origin="os",
    message="bad",
    fix="fix",
    rule="fixed",
    severity=Severity.ERROR,
    critical=True,
)
_PLAIN_ERROR = Problem(
    variable="B", origin="os", message="bad", fix="fix", rule="fixed", severity=Severity.ERROR
)
_WARNING = Problem(
    variable="C",
    origin="os",
    message="meh",
    fix="fix",
    rule="fixed",
    severity=Severity.WARNING,
    critical=True,
)


@pytest.mark.parametrize(
    ("environment", "mode"),
    [
        (Environment.DEVELOPMENT, ValidationMode.WARN),
        (Environment.TESTING, ValidationMode.WARN),
        (Environment.STAGING, ValidationMode.ENFORCE_CRITICAL),
        (Environment.PRODUCTION, ValidationMode.ENFORCE_ALL),
    ],
)
def test_validator_default_mode_comes_from_policy(
    environment: Environment, mode: ValidationMode
) -> None:
    ctx = ValidationContext.from_variables(environment, {})
    assert ConfigurationValidator(rules=[]).validate(ctx).mode is mode


def test_validator_explicit_mode_wins() -> None:
    ctx = ValidationContext.from_variables(Environment.PRODUCTION, {})
    assert ConfigurationValidator(ValidationMode.WARN, rules=[]).validate(ctx).mode is (
        ValidationMode.WARN
    )


@pytest.mark.parametrize(
    ("mode", "errors"),
    [
        (ValidationMode.WARN, []),
        (ValidationMode.ENFORCE_CRITICAL, ["A"]),
        (ValidationMode.ENFORCE_ALL, ["A", "B"]),
    ],
)
def test_validator_mode_sorts_errors_and_warnings(mode: ValidationMode, errors: list[str]) -> None:
    ctx = ValidationContext.from_variables(Environment.STAGING, {})
    result = ConfigurationValidator(mode, rules=[Fixed(_CRITICAL_ERROR, _PLAIN_ERROR, _WARNING)])
    outcome = result.validate(ctx)
    assert [p.variable for p in outcome.errors] == errors
    assert len(outcome.errors) + len(outcome.warnings) == 3


def test_is_error_in_mode_keeps_warnings_as_warnings_everywhere() -> None:
    assert not any(is_error_in_mode(_WARNING, mode) for mode in ValidationMode)


def test_validator_marks_problems_on_critical_fields_critical() -> None:
    ctx = ValidationContext.from_variables(
        Environment.STAGING, {}, [FieldSpec("b", ("B",), critical=True)]
    )
    result = ConfigurationValidator(rules=[Fixed(_PLAIN_ERROR)]).validate(ctx)
    assert [p.critical for p in result.errors] == [True]


def test_validator_reports_extra_problems_with_rule_problems() -> None:
    extra = Problem(
        variable="PORT",
        origin="os",
        message="is not an int",
        fix="Use a number",
        rule="loader.convert",
    )
    ctx = ValidationContext(Environment.PRODUCTION, (), {}, {}, extra_problems=[extra])
    result = ConfigurationValidator(rules=[Fixed(_PLAIN_ERROR)]).validate(ctx)
    assert [p.rule for p in result.errors] == ["loader.convert", "fixed"]


def test_validator_deduplicates_identical_problems() -> None:
    ctx = ValidationContext.from_variables(Environment.PRODUCTION, {})
    result = ConfigurationValidator(rules=[Fixed(_PLAIN_ERROR), Fixed(_PLAIN_ERROR)]).validate(ctx)
    assert len(result.errors) == 1


def test_validator_turns_a_crashing_rule_into_a_masked_problem() -> None:
    ctx = ValidationContext.from_variables(Environment.PRODUCTION, {"SECRET_KEY": CANARY})
    result = ConfigurationValidator(rules=[Crashing(), Fixed(_PLAIN_ERROR)]).validate(ctx)
    crashed = [p for p in result.errors if p.rule == "crashing"]
    assert len(crashed) == 1
    assert "ValueError" in crashed[0].message
    assert CANARY not in json.dumps(result.to_dict())


def test_validator_health_score_uses_penalties() -> None:
    ctx = ValidationContext.from_variables(Environment.STAGING, {})
    result = ConfigurationValidator(
        ValidationMode.ENFORCE_ALL, rules=[Fixed(_CRITICAL_ERROR, _PLAIN_ERROR, _WARNING)]
    ).validate(ctx)
    assert result.health_score == 100 - 25 - 10 - 5
    assert [d.rule for d in result.deductions] == ["fixed"] * 3


def test_validator_default_rules_have_unique_codes() -> None:
    codes = [rule.code for rule in default_rules()]
    assert len(codes) == len(set(codes)) == 13


def test_validator_clean_production_config_is_valid(make_ctx: MakeCtx, strong: str) -> None:
    variables = {
        "ENVIRONMENT": "production",
        "JWT_SECRET_KEY": strong,
        "SECRET_KEY": strong[::-1],
        "SERVICE_SECRET": strong.upper(),
        "FRONTEND_URL": "https://app.example.com",
        "REDIS_URL": "rediss://:Wq8Er5Ty2Ui9Op3As6Df1@cache.internal:6380/0",
        "BACKEND_PORT": "8000",
        "AUTH_SERVICE_PORT": "8081",
    }
    result = ConfigurationValidator().validate(make_ctx("production", variables))
    assert result.problems == []
    assert result.health_score == 100


def test_validator_reports_everything_at_once(make_ctx: MakeCtx) -> None:
    variables = {
        "ENVIRONMENT": "production",
        "SECRET_KEY": "short-secret",
        "FRONTEND_URL": "http://localhost:3000",
        "REDIS_URL": "redis.internal:6379",
        "BACKEND_PORT": "8000",
        "AUTH_SERVICE_PORT": "8000",
        "JWT_SECRET_KY": "typo",
    }
    result = ConfigurationValidator().validate(make_ctx("production", variables))
    rules = {p.rule for p in result.problems}
    assert {
        "required.missing",
        "secrets.length",
        "environment.localhost",
        "urls.format",
        "ports.conflict",
        "unknown.near_miss",
    } <= rules
    with pytest.raises(ConfigurationError) as info:
        result.raise_for_errors()
    assert "JWT_SECRET_KEY" in str(info.value)
    assert "FRONTEND_URL" in str(info.value)


def test_validator_canary_never_appears_in_any_output(make_ctx: MakeCtx) -> None:
    variables = {
        "ENVIRONMENT": "production",
        "JWT_SECRET_KEY": CANARY,
        "SECRET_KEY": CANARY,
        "SERVICE_SECRET": CANARY,
        "FRONTEND_URL": f"http://user:{CANARY}@localhost:3000",
        "REDIS_URL": f"ftp://:{CANARY}@cache",
        "OPENAI_API_KEY": CANARY,
        "ANTHROPIC_API_KEY": CANARY,
        "GOOGLE_OAUTH_CLIENT_SECRET_PRODUCTION": CANARY,
        "GOOGLE_OAUTH_CLIENT_SECRET_STAGING": CANARY,
        "GOOGLE_CLIENT_SECRET": CANARY + "x",
        "POSTGRES_HOST": "localhost",
        "POSTGRES_PASSWORD": CANARY,
        "BACKEND_PORT": CANARY,
        "APP_UNKNOWN_SETTING": CANARY,
        "JWT_SECRET_KY": CANARY,
    }
    result = ConfigurationValidator().validate(make_ctx("production", variables, prefix="APP_"))
    assert len(result.errors) > 5
    out = io.StringIO()
    result.print_validation_summary(file=out)
    with pytest.raises(ConfigurationError) as info:
        result.raise_for_errors()
    outputs = [out.getvalue(), json.dumps(result.to_dict()), str(info.value), repr(result)]
    outputs += [str(p) for p in result.problems]
    for text in outputs:
        assert CANARY not in text


class _PortsConfig(ConfigSchema, env_prefix="SHOP_"):
    port: int = 8000
    redis_port: Annotated[int, Env("REDIS_PORT")] = 6379


@pytest.mark.parametrize("environment", list(Environment))
@pytest.mark.parametrize(("variable", "value"), [("SHOP_PORT", "8080,9090"), ("REDIS_PORT", "abc")])
def test_validator_reports_a_value_that_cannot_be_converted_once(
    environment: Environment, variable: str, value: str
) -> None:
    inspection = inspect_service(_PortsConfig, {variable: value}, environment)
    about = [p for p in inspection.validation.problems if p.variable == variable]
    assert [p.rule for p in about] == ["schema.type"]
    assert about[0].blocking
