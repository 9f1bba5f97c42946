"""ValidationContext and Rule: the shared vocabulary of the rules."""

from __future__ import annotations

import pytest

from confwarden.config.spec import FieldSpec, Problem, ResolvedValue, Severity
from confwarden.config.validation import Rule, ValidationContext
from confwarden.config.validation.base import policy_severity
from confwarden.environment.detection import Environment
from confwarden.environment.policy import Severity as PolicySeverity
from confwarden.environment.provenance import Source, SourceKind


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


def test_rule_adopt_keeps_a_component_problem_and_fills_origin_rule_critical() -> None:
    class Probe(Rule):
        code = "probe"

        def check(self, ctx: ValidationContext) -> list[Problem]:
            return []

    found = Problem(
        variable="A/B",
        message="is odd",
        fix="Make it even",
        severity=Severity.WARNING,
    )
    ctx = ValidationContext.from_variables(
        Environment.STAGING, {"B": "1"}, [FieldSpec("b", ("B",), critical=True)]
    )
    adopted = Probe().adopt(ctx, found, variable="B")
    assert adopted == Problem(
        variable="B",
        origin="os environment",
        message="is odd",
        fix="Make it even",
        rule="probe",
        severity=Severity.WARNING,
        critical=True,
    )
    assert Probe().adopt(ctx, found, critical=False, code="other").rule == "other"


def test_rule_base_check_is_abstract() -> None:
    ctx = ValidationContext.from_variables(Environment.STAGING, {})
    with pytest.raises(NotImplementedError):
        Rule().check(ctx)


def test_merged_variables_answer_as_get_for_every_name() -> None:
    os_source = Source(SourceKind.OS)
    fields = (
        FieldSpec("redis_url", ("REDIS_URL", "CACHE_URL")),
        FieldSpec("port", ("PORT",)),
    )
    variables = {"REDIS_URL": "redis://raw", "CACHE_URL": "redis://alias", "OTHER": "x"}
    values = {
        "redis_url": ResolvedValue("redis_url", "CACHE_URL", "redis://alias", os_source),
        "port": ResolvedValue("port", "PORT", "8000", Source(SourceKind.SET, "launcher")),
    }
    ctx = ValidationContext(Environment.STAGING, fields, values, variables)
    merged = ctx.merged_variables
    names = {*variables, "PORT", "MISSING"}
    assert {name: merged.get(name) for name in names} == {name: ctx.get(name) for name in names}
    assert all(type(value) is str for value in merged.values())
