"""urls.format: URL settings parse, have a host and a scheme their client accepts."""

from __future__ import annotations

import pytest

from confwarden.config.validation import ValidationContext
from confwarden.config.validation.urls import UrlFormatRule, allowed_schemes, parse_url
from confwarden.environment.detection import Environment

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
