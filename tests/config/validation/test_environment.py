"""environment.deployed_urls: no localhost and https only in staging and production."""

from __future__ import annotations

import pytest

from confwarden.config.spec import Severity
from confwarden.config.validation import ValidationContext
from confwarden.config.validation.environment import DeployedUrlRule
from confwarden.environment.detection import Environment

LOCAL = {
    "FRONTEND_URL": "http://localhost:3000",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "CLICKHOUSE_HOST": "localhost",
    "POSTGRES_HOST": "localhost",
}


def _problems(
    environment: Environment, variables: dict[str, str]
) -> dict[str, tuple[str, Severity]]:
    ctx = ValidationContext.from_variables(environment, variables)
    return {p.variable: (p.rule, p.severity) for p in DeployedUrlRule().check(ctx)}


@pytest.mark.parametrize("environment", [Environment.DEVELOPMENT, Environment.TESTING])
def test_deployed_url_rule_allows_localhost_locally(environment: Environment) -> None:
    assert _problems(environment, LOCAL) == {}


@pytest.mark.parametrize("environment", [Environment.STAGING, Environment.PRODUCTION])
def test_deployed_url_rule_refuses_localhost_when_deployed(environment: Environment) -> None:
    problems = _problems(environment, LOCAL)
    assert problems == {
        "FRONTEND_URL": ("environment.localhost", Severity.ERROR),
        "REDIS_URL": ("environment.localhost", Severity.ERROR),
        "CLICKHOUSE_HOST": ("environment.localhost", Severity.ERROR),
    }


def test_deployed_url_rule_requires_https_and_wss_in_production() -> None:
    problems = _problems(
        Environment.PRODUCTION,
        {
            "FRONTEND_URL": "http://app.example.com",
            "EVENTS_WS_URL": "ws://api.example.com/ws",
            "API_URL": "https://api.example.com",
            "REDIS_URL": "redis://cache.internal:6379",
        },
    )
    assert problems == {
        "FRONTEND_URL": ("environment.https_only", Severity.ERROR),
        "EVENTS_WS_URL": ("environment.https_only", Severity.ERROR),
        "REDIS_URL": ("environment.https_only", Severity.ERROR),
    }
