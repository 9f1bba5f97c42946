"""auth.jwt_secret: the shared JWT secret per environment, judged by SharedJWTSecretManager."""

from __future__ import annotations

from collections.abc import Sequence

from confwarden.config.spec import DEPLOYED, FieldSpec, Problem, Severity
from confwarden.config.validation import ValidationContext
from confwarden.config.validation.jwt import JwtSecretRule
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
    assert problem.variable == "JWT_SECRET_KEY"
    assert "no JWT secret" in problem.message


def test_jwt_rule_missing_secret_left_to_required_rule_when_declared() -> None:
    assert _jwt(Environment.PRODUCTION, {}, fields=[JWT_FIELD]) == []


def test_jwt_rule_skipped_for_service_without_jwt() -> None:
    assert _jwt(Environment.PRODUCTION, {"FRONTEND_URL": "https://x"}) == []


def test_jwt_rule_bad_algorithm() -> None:
    problems = _jwt(Environment.STAGING, {"JWT_SECRET_KEY": STRONG, "JWT_ALGORITHM": "none"})
    assert [p.variable for p in problems] == ["JWT_ALGORITHM"]
