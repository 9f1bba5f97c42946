"""auth.oauth (agent platform preset): OAuth credentials under both naming conventions."""

from __future__ import annotations

from confwarden.config.spec import FieldSpec, Problem, Severity
from confwarden.config.validation import ValidationContext
from confwarden.environment.detection import Environment
from confwarden.presets.agent_platform import AppConfig, OAuthRule, oauth_names

CANARY = "CANARY-5f0e1d"


def _oauth(environment: Environment, variables: dict[str, str]) -> list[Problem]:
    return list(OAuthRule().check(ValidationContext.from_variables(environment, variables)))


def test_oauth_names_both_conventions() -> None:
    names = oauth_names("GOOGLE", Environment.PRODUCTION)
    assert names["simplified"] == ("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET")
    assert names["environment-specific"][0] == "GOOGLE_OAUTH_CLIENT_ID_PRODUCTION"


def test_oauth_rule_missing_oauth_is_fine_in_development() -> None:
    assert _oauth(Environment.DEVELOPMENT, {}) == []


def test_oauth_rule_half_a_client_is_reported() -> None:
    (problem,) = _oauth(Environment.STAGING, {"GOOGLE_OAUTH_CLIENT_ID_STAGING": "id.apps"})
    assert problem.variable == "GOOGLE_OAUTH_CLIENT_ID_STAGING"
    assert "GOOGLE_OAUTH_CLIENT_SECRET_STAGING" in problem.message


def test_oauth_rule_conventions_must_agree_without_showing_secrets() -> None:
    problems = _oauth(
        Environment.STAGING,
        {
            "GOOGLE_CLIENT_ID": "same.apps",
            "GOOGLE_CLIENT_SECRET": CANARY,
            "GOOGLE_OAUTH_CLIENT_ID_STAGING": "same.apps",
            "GOOGLE_OAUTH_CLIENT_SECRET_STAGING": CANARY + "-other",
        },
    )
    (problem,) = problems
    assert problem.variable == "GOOGLE_OAUTH_CLIENT_SECRET_STAGING"
    assert "different secrets" in problem.message
    assert CANARY not in str(problem)


def test_oauth_rule_production_using_staging_client_is_error() -> None:
    problems = _oauth(
        Environment.PRODUCTION,
        {
            "GOOGLE_OAUTH_CLIENT_ID_PRODUCTION": "one.apps",
            "GOOGLE_OAUTH_CLIENT_SECRET_PRODUCTION": CANARY,
            "GOOGLE_OAUTH_CLIENT_ID_STAGING": "one.apps",
            "GOOGLE_OAUTH_CLIENT_SECRET_STAGING": CANARY,
        },
    )
    errors = [p for p in problems if p.severity is Severity.ERROR]
    assert {p.variable for p in errors} == {
        "GOOGLE_OAUTH_CLIENT_ID_PRODUCTION",
        "GOOGLE_OAUTH_CLIENT_SECRET_PRODUCTION",
    }
    leaked = [p for p in problems if p.severity is Severity.WARNING]
    assert [p.variable for p in leaked] == ["GOOGLE_OAUTH_CLIENT_SECRET_STAGING"]
    assert all(CANARY not in str(p) for p in problems)


def test_oauth_rule_secret_supplied_through_field_alias_is_not_half_a_client() -> None:
    secret = FieldSpec(
        "client_secret",
        ("GOOGLE_CLIENT_SECRET", "GOOGLE_OAUTH_CLIENT_SECRET_{ENVIRONMENT}"),
        sensitive=True,
    )
    # The loader found the secret under its first name only (a secret store is not asked
    # for the alias once the field has a value), yet both conventions' ids are set.
    ctx = ValidationContext.from_variables(
        Environment.STAGING,
        {
            "GOOGLE_CLIENT_ID": "id.apps",
            "GOOGLE_OAUTH_CLIENT_ID_STAGING": "id.apps",
            "GOOGLE_CLIENT_SECRET": CANARY,
        },
        [secret],
    )
    assert list(OAuthRule().check(ctx)) == []


def test_oauth_rule_missing_required_secret_left_to_required_rule() -> None:
    secret = FieldSpec(
        "client_secret", ("GOOGLE_CLIENT_SECRET",), required_in=frozenset({Environment.STAGING})
    )
    ctx = ValidationContext.from_variables(
        Environment.STAGING, {"GOOGLE_CLIENT_ID": "id.apps"}, [secret]
    )
    assert list(OAuthRule().check(ctx)) == []


def test_oauth_half_client_reported_once_when_value_arrives_through_other_convention() -> None:
    from confwarden.config import inspect_service

    inspection = inspect_service(
        AppConfig,
        {"ENVIRONMENT": "development", "GOOGLE_CLIENT_ID": "abc.apps.googleusercontent.com"},
        Environment.DEVELOPMENT,
    )
    halves = [
        p
        for p in inspection.validation.errors + inspection.validation.warnings
        if p.rule == "auth.oauth" and "half an OAuth client" in p.message
    ]
    assert [p.variable for p in halves] == ["GOOGLE_CLIENT_ID"]
