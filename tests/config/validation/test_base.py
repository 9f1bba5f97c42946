"""ValidationContext, Rule and ValidationResult: the shared vocabulary of the rules."""

from __future__ import annotations

import io
import json

import pytest

from confwarden.config.spec import FieldSpec, Problem, Severity, ValidationMode
from confwarden.config.validation import Rule, ValidationContext, ValidationResult
from confwarden.config.validation.base import policy_severity
from confwarden.environment.detection import Environment
from confwarden.environment.policy import Severity as PolicySeverity
from confwarden.environment.provenance import Source, SourceKind
from confwarden.errors import ConfigurationError

CANARY = "CANARY-5f0e1d"


def test_context_from_variables_resolves_first_bound_name() -> None:
    spec = FieldSpec("client_id", ("GOOGLE_OAUTH_CLIENT_ID_{ENVIRONMENT}", "GOOGLE_CLIENT_ID"))
    ctx = ValidationContext.from_variables(
        Environment.STAGING,
        {"GOOGLE_CLIENT_ID": "simple", "GOOGLE_OAUTH_CLIENT_ID_STAGING": "specific"},
        [spec],
    )
    resolved = ctx.values["client_id"]
    assert (resolved.variable, resolved.raw) == ("GOOGLE_OAUTH_CLIENT_ID_STAGING", "specific")


def test_context_from_variables_marks_deprecated_name() -> None:
    spec = FieldSpec("jwt", ("JWT_SECRET_KEY",), deprecated_names=("JWT_SECRET",))
    ctx = ValidationContext.from_variables(Environment.DEVELOPMENT, {"JWT_SECRET": "x"}, [spec])
    assert ctx.values["jwt"].deprecated_name_used == "JWT_SECRET"


def test_context_from_variables_unset_field_is_default_without_value() -> None:
    ctx = ValidationContext.from_variables(Environment.DEVELOPMENT, {}, [FieldSpec("a", ("A",))])
    assert ctx.values["a"].raw is None
    assert ctx.values["a"].source.kind is SourceKind.DEFAULT


def test_context_origin_uses_resolved_source() -> None:
    source = Source(SourceKind.DOTENV, path=".env.staging", line=7)
    ctx = ValidationContext.from_variables(
        Environment.STAGING, {"A": "1"}, [FieldSpec("a", ("A",))], sources={"A": source}
    )
    assert ctx.origin("A") == ".env file .env.staging:7"
    assert ctx.origin("MISSING") == "not set"


def test_context_items_without_fields_are_every_variable() -> None:
    ctx = ValidationContext.from_variables(Environment.STAGING, {"B": "2", "A": "1"})
    assert [item.variable for item in ctx.items()] == ["A", "B"]


def test_context_items_with_fields_are_resolved_values_only() -> None:
    ctx = ValidationContext.from_variables(
        Environment.STAGING,
        {"A": "1", "OTHER": "2"},
        [FieldSpec("a", ("A",)), FieldSpec("b", ("B",))],
    )
    assert [item.variable for item in ctx.items()] == ["A"]


def test_context_known_variables_cover_every_environment() -> None:
    spec = FieldSpec("cid", ("GOOGLE_OAUTH_CLIENT_ID_{ENVIRONMENT}",))
    ctx = ValidationContext.from_variables(Environment.STAGING, {}, [spec])
    assert "GOOGLE_OAUTH_CLIENT_ID_PRODUCTION" in ctx.known_variables()


def test_policy_severity_maps_ignore_to_none() -> None:
    assert policy_severity(PolicySeverity.IGNORE) is None
    assert policy_severity(PolicySeverity.WARNING) is Severity.WARNING
    assert policy_severity(PolicySeverity.ERROR) is Severity.ERROR


def test_rule_problem_fills_origin_and_critical_from_field() -> None:
    class Probe(Rule):
        code = "probe"

        def check(self, ctx: ValidationContext) -> list[Problem]:
            return [self.problem(ctx, "A", "is odd", "Make it even")]

    ctx = ValidationContext.from_variables(
        Environment.STAGING, {"A": "1"}, [FieldSpec("a", ("A",), critical=True)]
    )
    (problem,) = Probe().check(ctx)
    assert (problem.origin, problem.critical, problem.rule) == ("os environment", True, "probe")


def test_rule_base_check_is_abstract() -> None:
    ctx = ValidationContext.from_variables(Environment.STAGING, {})
    with pytest.raises(NotImplementedError):
        Rule().check(ctx)


def _result(errors: list[Problem], warnings: list[Problem]) -> ValidationResult:
    return ValidationResult(
        errors, warnings, ValidationMode.ENFORCE_ALL, Environment.PRODUCTION, 65
    )


_ERROR = Problem(
    "SECRET_KEY",
    "os environment",
    "is 12 characters, needs at least 32",
    "Use a longer secret",
    "secrets.length",
    critical=True,
)
_WARNING = Problem(
    "FRONTEND_URL",
    ".env file .env:3",
    "uses unencrypted http://",
    "Use https://",
    "environment.https_only",
    Severity.WARNING,
)


def test_result_raise_for_errors_lists_every_error_in_one_exception() -> None:
    other = Problem("REDIS_URL", "os environment", "has no host", "Add a host", "urls.format")
    with pytest.raises(ConfigurationError) as info:
        _result([_ERROR, other], [_WARNING]).raise_for_errors()
    text = str(info.value)
    for part in (
        "SECRET_KEY",
        "os environment",
        "needs at least 32",
        "Use a longer secret",
        "REDIS_URL",
        "has no host",
        "1 warning(s): FRONTEND_URL",
    ):
        assert part in text


def test_result_raise_for_errors_is_silent_when_valid() -> None:
    result = _result([], [_WARNING])
    result.raise_for_errors()
    assert result.is_valid


def test_result_summary_names_origin_problem_fix_and_deduction() -> None:
    out = io.StringIO()
    _result([_ERROR], [_WARNING]).print_validation_summary(file=out)
    text = out.getvalue()
    assert "INVALID for production" in text
    assert "origin: .env file .env:3" in text
    assert "fix: Use https://" in text
    assert "health 65/100" in text


def test_result_to_dict_is_json_ready() -> None:
    data = _result([_ERROR], [_WARNING]).to_dict()
    parsed = json.loads(json.dumps(data))
    assert parsed["valid"] is False
    assert parsed["errors"][0]["rule"] == "secrets.length"
    assert parsed["warnings"][0]["severity"] == "warning"
    assert parsed["health_status"] == "degraded"
