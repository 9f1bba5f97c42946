"""required.missing: a field required in the environment and no value for it."""

from __future__ import annotations

from confwarden.config.spec import DEPLOYED, FieldSpec, ResolvedValue
from confwarden.config.validation import ValidationContext
from confwarden.config.validation.required import RequiredRule
from confwarden.environment.detection import Environment
from confwarden.environment.provenance import Source, SourceKind

OAUTH = FieldSpec(
    "client_id",
    ("GOOGLE_OAUTH_CLIENT_ID_{ENVIRONMENT}", "GOOGLE_CLIENT_ID"),
    critical=True,
    required_in=DEPLOYED,
    description="Google OAuth client id.",
)


def _check(environment: Environment, variables: dict[str, str]) -> list[str]:
    ctx = ValidationContext.from_variables(environment, variables, [OAUTH])
    return [f"{p.variable}: {p.message} | {p.fix}" for p in RequiredRule().check(ctx)]


def test_required_missing_names_every_variable_that_could_supply_it() -> None:
    (message,) = _check(Environment.PRODUCTION, {})
    assert message.startswith("GOOGLE_OAUTH_CLIENT_ID_PRODUCTION: is not set")
    assert "GOOGLE_CLIENT_ID" in message
    assert "Google OAuth client id" in message


def test_required_missing_is_critical_for_critical_fields() -> None:
    ctx = ValidationContext.from_variables(Environment.STAGING, {}, [OAUTH])
    (problem,) = RequiredRule().check(ctx)
    assert problem.critical
    assert problem.origin == "not set"


def test_required_missing_not_reported_where_not_required() -> None:
    assert _check(Environment.DEVELOPMENT, {}) == []


def test_required_missing_satisfied_by_alias() -> None:
    assert _check(Environment.STAGING, {"GOOGLE_CLIENT_ID": "abc.apps"}) == []


def test_required_missing_reports_blank_value_with_its_origin() -> None:
    source = Source(SourceKind.DOTENV, path=".env", line=4)
    ctx = ValidationContext.from_variables(
        Environment.STAGING,
        {"GOOGLE_CLIENT_ID": "  "},
        [OAUTH],
        sources={"GOOGLE_CLIENT_ID": source},
    )
    (problem,) = RequiredRule().check(ctx)
    assert problem.variable == "GOOGLE_CLIENT_ID"
    assert "empty value" in problem.message
    assert problem.origin == ".env file .env:4"


def test_required_missing_default_source_without_value() -> None:
    ctx = ValidationContext(
        Environment.PRODUCTION,
        [OAUTH],
        {"client_id": ResolvedValue("client_id", None, None, Source(SourceKind.DEFAULT))},
        {},
    )
    assert [p.rule for p in RequiredRule().check(ctx)] == ["required.missing"]


def test_required_in_staging_means_staging_refuses_it() -> None:
    # issue 10.9: "FRONTEND_URL is required in staging" and staging started anyway.

    from confwarden.config.validation import ConfigurationValidator

    fields = (FieldSpec("frontend_url", ("FRONTEND_URL",), required_in=DEPLOYED),)
    ctx = ValidationContext.from_variables(Environment.STAGING, {}, fields)
    result = ConfigurationValidator().validate(ctx)
    assert [p.variable for p in result.errors] == ["FRONTEND_URL"]
    assert "required in staging" in result.errors[0].message
