"""database.url_builder: DatabaseURLBuilder's findings, with origins and criticality."""

from __future__ import annotations

from typing import Any

from confwarden.config.spec import FieldSpec, Problem, Severity
from confwarden.config.validation import ValidationContext
from confwarden.config.validation.database import DatabaseRule
from confwarden.environment.detection import Environment
from confwarden.environment.provenance import Source, SourceKind

CANARY = "CANARY-5f0e1d-long-enough"
GOOD = {
    "POSTGRES_HOST": "db.internal",
    "POSTGRES_USER": "app",
    "POSTGRES_PASSWORD": "t9Xq2mV7rT4wZp8L",
    "POSTGRES_DB": "app",
}


def _problems(environment: Environment, variables: dict[str, str], **kwargs: Any) -> list[Problem]:
    ctx = ValidationContext.from_variables(environment, variables, **kwargs)
    return list(DatabaseRule().check(ctx))


def test_database_rule_accepts_good_staging_settings() -> None:
    assert _problems(Environment.STAGING, GOOD) == []


def test_database_rule_skips_service_without_database() -> None:
    assert _problems(Environment.PRODUCTION, {"FRONTEND_URL": "https://x.example"}) == []


def test_database_rule_runs_when_schema_declares_database_group() -> None:
    spec = FieldSpec("db_host", ("POSTGRES_HOST",), group="database")
    problems = _problems(Environment.PRODUCTION, {}, fields=[spec])
    assert {p.variable for p in problems} >= {"POSTGRES_HOST", "POSTGRES_PASSWORD"}
    assert all(p.critical for p in problems if p.variable != "POSTGRES_SSLMODE")


def test_database_rule_localhost_in_staging_is_critical_error_with_origin() -> None:
    source = Source(SourceKind.DOTENV, path=".env.staging", line=2)
    problems = _problems(
        Environment.STAGING,
        {**GOOD, "POSTGRES_HOST": "localhost"},
        fields=[FieldSpec("db_host", ("POSTGRES_HOST",), group="database")],
        sources={"POSTGRES_HOST": source},
    )
    (problem,) = [p for p in problems if p.variable == "POSTGRES_HOST"]
    assert problem.severity is Severity.ERROR
    assert problem.critical
    assert problem.origin == ".env file .env.staging:2"


def test_database_rule_localhost_fine_in_development() -> None:
    problems = _problems(Environment.DEVELOPMENT, {**GOOD, "POSTGRES_HOST": "localhost"})
    assert problems == []


def test_database_rule_database_url_is_reported_not_trusted() -> None:
    problems = _problems(
        Environment.STAGING, {**GOOD, "DATABASE_URL": f"postgresql://u:{CANARY}@h/db"}
    )
    (problem,) = problems
    assert problem.variable == "DATABASE_URL"
    assert problem.severity is Severity.WARNING
    assert not problem.critical
    assert CANARY not in str(problem)


def test_database_rule_weak_password_never_shown() -> None:
    problems = _problems(Environment.PRODUCTION, {**GOOD, "POSTGRES_PASSWORD": "CANARY"})
    (problem,) = problems
    assert problem.variable == "POSTGRES_PASSWORD"
    assert "CANARY" not in str(problem)


def test_database_rule_leaves_missing_required_field_to_required_rule() -> None:
    spec = FieldSpec(
        "db_password", ("POSTGRES_PASSWORD",), required_in=frozenset({Environment.STAGING})
    )
    problems = _problems(
        Environment.STAGING,
        {k: v for k, v in GOOD.items() if k != "POSTGRES_PASSWORD"},
        fields=[spec],
    )
    assert problems == []
