"""auth.jwt_secret and auth.oauth: the shared JWT secret and OAuth credentials per environment."""

from __future__ import annotations

from collections.abc import Sequence

from confwarden.config.spec import DEPLOYED, FieldSpec, Problem, Severity
from confwarden.config.validation import ValidationContext
from confwarden.config.validation.auth import JwtSecretRule, OAuthRule, oauth_names
from confwarden.environment.detection import Environment

CANARY = "CANARY-5f0e1d"
STRONG = "k9Xq2mV7rT4wZp8LbN3cH6yF1sJ5dG0a"
JWT_FIELD = FieldSpec(
    "jwt", ("JWT_SECRET_KEY",), sensitive=True, critical=True, required_in=DEPLOYED
)


def _jwt(
    environment: Environment, variables: dict[str, str], fields: Sequence[FieldSpec] = ()
) -> list[Problem]:
    ctx = ValidationContext.from_variables(environment, variables, fields)
    return list(JwtSecretRule().check(ctx))


def _oauth(environment: Environment, variables: dict[str, str]) -> list[Problem]:
    return list(OAuthRule().check(ValidationContext.from_variables(environment, variables)))


def test_jwt_rule_strong_secret_passes() -> None:
    assert _jwt(Environment.PRODUCTION, {"JWT_SECRET_KEY": STRONG}) == []


def test_jwt_rule_short_secret_is_critical_error_in_staging_without_value() -> None:
    (problem,) = _jwt(Environment.STAGING, {"JWT_SECRET_KEY": CANARY})
    assert (problem.variable, problem.severity, problem.critical) == (
        "JWT_SECRET_KEY",
        Severity.ERROR,
        True,
    )
    assert CANARY not in str(problem)


def test_jwt_rule_short_secret_is_warning_in_development() -> None:
    (problem,) = _jwt(Environment.DEVELOPMENT, {"JWT_SECRET_KEY": "short-dev-secret"})
    assert problem.severity is Severity.WARNING


def test_jwt_rule_missing_secret_reported_when_no_field_covers_it() -> None:
    (problem,) = _jwt(Environment.PRODUCTION, {"JWT_ALGORITHM": "HS256"})
    assert problem.variable == "JWT_SECRET_PRODUCTION"
    assert "no JWT secret" in problem.message


def test_jwt_rule_missing_secret_left_to_required_rule_when_declared() -> None:
    assert _jwt(Environment.PRODUCTION, {}, fields=[JWT_FIELD]) == []


def test_jwt_rule_skipped_for_service_without_jwt() -> None:
    assert _jwt(Environment.PRODUCTION, {"FRONTEND_URL": "https://x"}) == []


def test_jwt_rule_bad_algorithm() -> None:
    problems = _jwt(Environment.STAGING, {"JWT_SECRET_KEY": STRONG, "JWT_ALGORITHM": "none"})
    assert [p.variable for p in problems] == ["JWT_ALGORITHM"]


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
    from confwarden.config import AppConfig, inspect_service

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
