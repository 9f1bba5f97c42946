"""consistency: ENVIRONMENT matches, secrets are not reused, URLs stay in their environment."""

from __future__ import annotations

from confwarden.config.spec import FieldSpec, Severity
from confwarden.config.validation import ValidationContext
from confwarden.config.validation.consistency import ConsistencyRule, secret_family
from confwarden.environment.detection import Environment
from confwarden.environment.provenance import Source, SourceKind

CANARY = "CANARY-5f0e1d-reused"


def _problems(environment: Environment, variables: dict[str, str]) -> list[tuple[str, str]]:
    ctx = ValidationContext.from_variables(environment, variables)
    return [(p.variable, p.rule) for p in ConsistencyRule().check(ctx)]


def test_consistency_environment_mismatch_is_critical() -> None:
    ctx = ValidationContext.from_variables(Environment.PRODUCTION, {"ENVIRONMENT": "stage"})
    (problem,) = ConsistencyRule().check(ctx)
    assert problem.rule == "consistency.environment"
    assert problem.critical
    assert "says staging" in problem.message


def test_consistency_environment_alias_matches() -> None:
    assert _problems(Environment.PRODUCTION, {"ENVIRONMENT": "prod"}) == []


def test_consistency_unknown_environment_name() -> None:
    assert _problems(Environment.PRODUCTION, {"ENVIRONMENT": "qa"}) == [
        ("ENVIRONMENT", "consistency.environment")
    ]


def test_consistency_reused_secret_reported_without_value() -> None:
    ctx = ValidationContext.from_variables(
        Environment.DEVELOPMENT, {"SECRET_KEY": CANARY, "SERVICE_SECRET": CANARY}
    )
    (problem,) = ConsistencyRule().check(ctx)
    assert (problem.variable, problem.rule) == ("SECRET_KEY", "consistency.reused_secret")
    assert "SERVICE_SECRET" in problem.message
    assert CANARY not in str(problem)


def test_consistency_many_copies_of_one_secret_are_one_problem() -> None:
    variables = {f"VENDOR_{i:02d}_SECRET": CANARY for i in range(30)}
    ctx = ValidationContext.from_variables(Environment.PRODUCTION, variables)
    (problem,) = ConsistencyRule().check(ctx)
    assert problem.variable == "VENDOR_00_SECRET"
    assert "VENDOR_05_SECRET and 24 more" in problem.message


def test_consistency_aliases_of_one_secret_may_agree() -> None:
    assert (
        _problems(
            Environment.STAGING,
            {
                "JWT_SECRET_KEY": CANARY,
                "JWT_SECRET_STAGING": CANARY,
                "GOOGLE_CLIENT_SECRET": CANARY + "g",
                "GOOGLE_OAUTH_CLIENT_SECRET_STAGING": CANARY + "g",
            },
        )
        == []
    )


def test_secret_family_groups_aliases() -> None:
    assert secret_family("JWT_SECRET") == secret_family("JWT_SECRET_PRODUCTION") == "JWT_SECRET"
    assert secret_family("SECRET_KEY") == "SECRET_KEY"


def test_consistency_url_of_other_environment_warns() -> None:
    ctx = ValidationContext.from_variables(
        Environment.PRODUCTION,
        {"FRONTEND_URL": "https://app.staging.example.com", "API_URL": "https://api.example.com"},
    )
    (problem,) = ConsistencyRule().check(ctx)
    assert (problem.variable, problem.severity) == ("FRONTEND_URL", Severity.WARNING)


def test_consistency_other_environment_urls_fine_in_development() -> None:
    assert _problems(Environment.DEVELOPMENT, {"API_URL": "https://api.staging.example.com"}) == []


def test_consistency_blank_environment_is_an_error() -> None:
    ctx = ValidationContext.from_variables(Environment.STAGING, {"ENVIRONMENT": " "})
    (problem,) = [p for p in ConsistencyRule().check(ctx) if p.variable == "ENVIRONMENT"]
    assert "blank" in problem.message
    assert problem.critical


def test_consistency_environment_from_dotenv_naming_another_blocks() -> None:
    # Gap (audit 2, item 1): a .env with ENVIRONMENT=production, judged for development,
    # only warned and the service started with development rules (weak password accepted).
    dotenv = Source(SourceKind.DOTENV, path="/srv/app/.env", line=1)
    ctx = ValidationContext.from_variables(
        Environment.DEVELOPMENT,
        {"ENVIRONMENT": "production"},
        fields=(FieldSpec("environment", ("ENVIRONMENT",)),),
        sources={"ENVIRONMENT": dotenv},
    )
    (problem,) = ConsistencyRule().check(ctx)
    assert problem.blocking
    assert "/srv/app/.env:1" in str(problem)
    assert "process environment" in problem.fix
    assert "remove" in problem.fix


def test_consistency_environment_mismatch_from_process_is_not_blocking() -> None:
    ctx = ValidationContext.from_variables(Environment.PRODUCTION, {"ENVIRONMENT": "stage"})
    (problem,) = ConsistencyRule().check(ctx)
    assert not problem.blocking
