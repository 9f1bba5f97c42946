"""urls.format: URL settings parse, have a host and a scheme their client accepts."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from confwarden.config.inspection import inspect_service
from confwarden.config.schema import ConfigSchema
from confwarden.config.validation import ValidationContext
from confwarden.config.validation.urls import UrlFormatRule, allowed_schemes, parse_url
from confwarden.environment.detection import Environment
from confwarden.problems import Problem

CANARY = "CANARY-5f0e1d"


def _messages(variables: dict[str, str]) -> list[str]:
    ctx = ValidationContext.from_variables(Environment.DEVELOPMENT, variables)
    return [f"{p.variable}: {p.message}" for p in UrlFormatRule().check(ctx)]


def test_url_rule_accepts_good_urls() -> None:
    assert (
        _messages(
            {
                "REDIS_URL": "redis://:pw@cache:6379/0",
                "CLICKHOUSE_URL": "clickhouse+native://u:p@ch:9000/db",
                "FRONTEND_URL": "https://app.example.com",
                "BACKEND_WS_URL": "wss://api.example.com/ws",
                "DATABASE_URL": "not judged here",
            }
        )
        == []
    )


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("REDIS_URL", f"cache:{CANARY}", "has no scheme"),
        ("CLICKHOUSE_URL", f"redis://:{CANARY}@ch:6379", "has scheme 'redis'"),
        ("FRONTEND_URL", "https://", "has no host"),
        ("FRONTEND_URL", "https://app:99999", "port"),
        ("FRONTEND_URL", "https://app example.com", "whitespace"),
        ("BACKEND_WS_URL", "http://api/ws", "has scheme 'http'"),
    ],
)
def test_url_rule_reports_malformed_url_without_value(
    variable: str, value: str, expected: str
) -> None:
    (message,) = _messages({variable: value})
    assert expected in message
    assert CANARY not in message


def test_parse_url_returns_none_without_scheme() -> None:
    assert parse_url("localhost:8000") is None


def test_allowed_schemes_match_suffix() -> None:
    assert allowed_schemes("CACHE_REDIS_URL") == allowed_schemes("REDIS_URL")
    assert allowed_schemes("SOMETHING_URL") is None


@pytest.mark.parametrize(
    ("environment", "severity", "critical"),
    [
        (Environment.DEVELOPMENT, "warning", False),
        (Environment.TESTING, "warning", False),
        (Environment.STAGING, "error", True),
        (Environment.PRODUCTION, "error", True),
    ],
)
def test_url_rule_credentials_in_a_plain_url_field_refused_where_deployed(
    environment: Environment, severity: str, critical: bool
) -> None:
    from confwarden.config.spec import FieldSpec

    fields = (FieldSpec("webhook_url", ("BILLING_WEBHOOK_URL",)),)
    url = "https://admin:hunter2CANARY@hooks.example.com/in"
    ctx = ValidationContext.from_variables(environment, {"BILLING_WEBHOOK_URL": url}, fields)
    (problem,) = [p for p in UrlFormatRule().check(ctx) if p.rule == "urls.credentials"]
    assert (problem.severity.value, problem.critical) == (severity, critical)
    assert "sensitive" in problem.fix
    assert "hunter2CANARY" not in str(problem)


def test_url_rule_credentials_allowed_in_a_sensitive_url_field() -> None:
    from confwarden.config.spec import FieldSpec

    fields = (FieldSpec("redis_url", ("REDIS_URL",), sensitive=True),)
    url = "rediss://:Xq9Lk2Pz8Mn4Vb6Rt1Wy3aBcD@cache.example.com:6380/0"
    ctx = ValidationContext.from_variables(Environment.PRODUCTION, {"REDIS_URL": url}, fields)
    assert [p for p in UrlFormatRule().check(ctx) if p.rule == "urls.credentials"] == []


# -- audit 2, item 3: credentials wherever a URL hides them -------------------------------

_PW = "Pw0rdCANARY9"


class _Upstream(BaseModel):
    url: str = "https://up.example.com"


class _Service(ConfigSchema, env_prefix="SVC_"):
    webhook_url: str | None = None
    mirrors: list[str] = []  # noqa: RUF012 - a field default, copied per config
    upstream: _Upstream = _Upstream()


def _credential_problems(environment: Environment, variables: dict[str, str]) -> list[Problem]:
    inspection = inspect_service(_Service, variables, environment)
    problems = [*inspection.validation.errors, *inspection.validation.warnings]
    for problem in problems:
        assert _PW not in str(problem)
    return [p for p in problems if p.rule.startswith("urls.credentials")]


@pytest.mark.parametrize(
    ("variable", "value", "reported"),
    [
        (
            "SVC_MIRRORS",
            f"https://a.example.com,https://u:{_PW}@b.example.com",
            "SVC_MIRRORS",
        ),
        ("SVC_MIRRORS", f'["https://u:{_PW}@b.example.com"]', "SVC_MIRRORS"),
        ("SVC_UPSTREAM__URL", f"https://u:{_PW}@up.example.com", "SVC_UPSTREAM__URL"),
        ("SVC_UPSTREAM", f'{{"url": "https://u:{_PW}@up.example.com"}}', "SVC_UPSTREAM__URL"),
        (
            "SVC_WEBHOOK_URL",
            "https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/org/repo.git",
            "SVC_WEBHOOK_URL",
        ),
        ("SVC_WEBHOOK_URL", f"https://hooks.example.com/in?api_key={_PW}", "SVC_WEBHOOK_URL"),
        ("SVC_WEBHOOK_URL", f"https://hooks.example.com/in?password={_PW}", "SVC_WEBHOOK_URL"),
        ("SVC_WEBHOOK_URL", f"https://hooks.example.com/in?a=1&token={_PW}", "SVC_WEBHOOK_URL"),
        ("SVC_WEBHOOK_URL", f"//u:{_PW}@hooks.example.com", "SVC_WEBHOOK_URL"),
        ("SVC_WEBHOOK_URL", f"u:{_PW}@hooks.example.com", "SVC_WEBHOOK_URL"),
    ],
)
def test_url_rule_credentials_refused_wherever_the_url_hides_them(
    variable: str, value: str, reported: str
) -> None:
    (problem,) = _credential_problems(Environment.PRODUCTION, {variable: value})
    assert (problem.variable, problem.severity.value, problem.critical) == (
        reported,
        "error",
        True,
    )


def test_url_rule_nested_and_list_urls_without_credentials_pass() -> None:
    variables = {
        "SVC_MIRRORS": "https://a.example.com,https://b.example.com",
        "SVC_UPSTREAM__URL": "https://up2.example.com",
        "SVC_WEBHOOK_URL": "https://hooks.example.com/in?page=2",
    }
    inspection = inspect_service(_Service, variables, Environment.PRODUCTION)
    assert inspection.validation.errors == []


def test_url_rule_nested_json_url_judged_by_its_leaf() -> None:
    variables = {"SVC_UPSTREAM": '{"url": "https://up2.example.com"}'}
    inspection = inspect_service(_Service, variables, Environment.PRODUCTION)
    assert inspection.validation.errors == []
