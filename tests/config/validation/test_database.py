"""database.url_builder: DatabaseURLBuilder's findings, with origins and criticality."""

from __future__ import annotations

from typing import Annotated, Any

from confwarden.config.inspection import inspect_service
from confwarden.config.schema import ConfigSchema, Env, SecretStr
from confwarden.config.spec import DEPLOYED, FieldSpec, Problem, Severity
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


def test_database_rule_runs_when_schema_declares_database_variables() -> None:
    fields = [
        FieldSpec("db_host", ("POSTGRES_HOST",), group="database"),
        FieldSpec("db_password", ("POSTGRES_PASSWORD",), sensitive=True),
    ]
    problems = _problems(Environment.PRODUCTION, {}, fields=fields)
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


# -- project-first: the schema's own variables and defaults, nothing else ----------------------


class HostAndPassword(ConfigSchema):
    """A service declaring only two of the builder's variables, with its own host default."""

    postgres_host: Annotated[str, Env("POSTGRES_HOST")] = "localhost"
    postgres_password: Annotated[SecretStr | None, Env("POSTGRES_PASSWORD")] = None


class HostAndPasswordDeployed(ConfigSchema):
    postgres_host: Annotated[str, Env("POSTGRES_HOST", required_in=DEPLOYED)] = "localhost"
    postgres_password: Annotated[SecretStr | None, Env("POSTGRES_PASSWORD")] = None


def _database_problems(
    schema: type[ConfigSchema], environment: Environment, variables: dict[str, str]
) -> list[Problem]:
    inspection = inspect_service(schema, variables, environment)
    return [p for p in inspection.validation.problems if p.rule == DatabaseRule.code]


def test_database_rule_counts_the_schema_default_as_set_in_development() -> None:
    variables = {"POSTGRES_PASSWORD": "t9Xq2mV7rT4wZp8L"}
    assert _database_problems(HostAndPassword, Environment.DEVELOPMENT, variables) == []
    inspection = inspect_service(HostAndPassword, variables, Environment.DEVELOPMENT)
    assert inspection.validation.health_score == 100


def test_database_rule_ignores_variables_the_schema_does_not_declare() -> None:
    strong = {"POSTGRES_HOST": "db.internal", "POSTGRES_PASSWORD": "t9Xq2mV7rT4wZp8L"}
    for environment in (Environment.STAGING, Environment.PRODUCTION):
        problems = _database_problems(HostAndPassword, environment, strong)
        assert {p.variable for p in problems} <= {"POSTGRES_HOST", "POSTGRES_PASSWORD"}
        assert not [p for p in problems if p.severity is Severity.ERROR]


def test_database_rule_does_not_judge_a_neighbours_database_url() -> None:
    variables = {
        "POSTGRES_HOST": "db.internal",
        "POSTGRES_PASSWORD": "t9Xq2mV7rT4wZp8L",
        "DATABASE_URL": "postgresql://other:weak@localhost/other",
        "POSTGRES_SSLMODE": "disable",
    }
    assert _database_problems(HostAndPassword, Environment.PRODUCTION, variables) == []


def test_database_rule_still_judges_a_declared_default_in_production() -> None:
    # The schema's own default is what the service would use: localhost in production is wrong.
    problems = _database_problems(
        HostAndPassword, Environment.PRODUCTION, {"POSTGRES_PASSWORD": "t9Xq2mV7rT4wZp8L"}
    )
    assert [p.variable for p in problems if p.severity is Severity.ERROR] == ["POSTGRES_HOST"]


def test_database_rule_leaves_a_required_field_default_to_the_required_rule() -> None:
    inspection = inspect_service(
        HostAndPasswordDeployed, {"POSTGRES_PASSWORD": "t9Xq2mV7rT4wZp8L"}, Environment.STAGING
    )
    host = [p for p in inspection.validation.problems if p.variable == "POSTGRES_HOST"]
    assert [p.rule for p in host] == ["required.missing"]


def test_database_rule_never_reports_a_database_url_the_schema_reads() -> None:
    class OrdersConfig(ConfigSchema):
        database_url: Annotated[SecretStr, Env("DATABASE_URL")]

    variables = {"DATABASE_URL": f"postgresql://u:{CANARY}@db.internal/orders"}
    for environment in (Environment.DEVELOPMENT, Environment.PRODUCTION):
        ctx = ValidationContext.from_variables(
            environment, variables, fields=OrdersConfig.__confwarden_fields__
        )
        assert list(DatabaseRule().check(ctx)) == []
    inspection = inspect_service(OrdersConfig, variables, Environment.DEVELOPMENT)
    assert not [p for p in inspection.validation.warnings if p.variable == "DATABASE_URL"]
