"""components: startup runs every component's own validation and fails fast on its errors."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Annotated

import pytest
from pydantic import SecretStr

from confwarden.components.redis_url import RedisURLBuilder
from confwarden.config.common import ServiceConfig
from confwarden.config.schema import Env
from confwarden.config.validation.base import ValidationContext
from confwarden.config.validation.components import ComponentRule
from confwarden.environment.detection import Environment
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.errors import ConfigurationError
from confwarden.startup import bootstrap

CANARY = "hunter2CANARY"


class CacheConfig(ServiceConfig):
    """A service with a Redis cache (a generic schema, no preset)."""

    redis_url: Annotated[SecretStr | None, Env("REDIS_URL", sensitive=True, group="redis")] = None
    auth_service_url: Annotated[str, Env("AUTH_SERVICE_URL")] = "http://localhost:8081"


def _start(variables: dict[str, str]) -> CacheConfig:
    env = IsolatedEnvironment(environ=variables, isolated=True)
    config = bootstrap(CacheConfig, env=env, env_files=(), install=False)
    assert isinstance(config, CacheConfig)
    return config


def _refused(variables: dict[str, str]) -> str:
    with pytest.raises(ConfigurationError) as exc:
        _start(variables)
    return str(exc.value)


def test_components_valid_deployed_config_starts(
    deployed_vars: Callable[..., dict[str, str]],
) -> None:
    redis = "rediss://:Xq9Lk2Pz8Mn4Vb6Rt1Wy3aBcD@cache.example.com:6380/0"
    assert _start(deployed_vars("production", REDIS_URL=redis)).redis_url is not None


@pytest.mark.parametrize(
    ("extra", "variable"),
    [
        ({"POSTGRES_SSLMODE": "disable"}, "POSTGRES_SSLMODE"),
        ({"USE_MEMORY_DB": "true"}, "USE_MEMORY_DB"),
    ],
)
def test_components_staging_database_refused_at_startup_not_first_use(
    deployed_vars: Callable[..., dict[str, str]], extra: dict[str, str], variable: str
) -> None:
    message = _refused(deployed_vars("staging", **extra))
    assert f"- {variable}" in message


def test_components_production_redis_and_service_url_refused_together(
    deployed_vars: Callable[..., dict[str, str]],
) -> None:
    variables = deployed_vars(
        "production",
        REDIS_URL=f"redis://:{CANARY}@cache.example.com:6379/0",
        AUTH_SERVICE_URL=f"https://admin:{CANARY}@auth.example.com",
        POSTGRES_SSLMODE="disable",
    )
    message = _refused(variables)
    # plain text, and the URL's weak password: both REDIS_URL's to fix (REDIS_PASSWORD
    # was never set: not the place to look)
    assert message.count("- REDIS_URL") == 2
    assert "- REDIS_PASSWORD" not in message
    assert "- AUTH_SERVICE_URL" in message
    assert "- POSTGRES_SSLMODE" in message
    assert "contains credentials" in message
    assert CANARY not in message
    assert message.count("- AUTH_SERVICE_URL") == 1


def test_components_development_only_warns(tmp_path: object) -> None:
    config = _start({"ENVIRONMENT": "development", "AUTH_SERVICE_URL": "http://u:p@localhost:1"})
    assert config.auth_service_url.startswith("http://")


def test_components_plain_text_redis_refused_in_production(
    deployed_vars: Callable[..., dict[str, str]],
) -> None:
    redis = "redis://:Xq9Lk2Pz8Mn4Vb6Rt1Wy3aBcD@cache.example.com:6379/0"
    message = _refused(deployed_vars("production", REDIS_URL=redis))
    assert "uses unencrypted redis://" in message
    assert "Xq9Lk2Pz8Mn4Vb6Rt1Wy3aBcD" not in message


def test_components_rule_reports_the_component_problem_itself_with_origin_and_code() -> None:
    # One Problem class: the rule fills in origin, rule code and criticality, nothing is
    # rebuilt, so the component's message and fix reach startup word for word.
    variables = {"REDIS_HOST": "localhost", "REDIS_PASSWORD": "short"}
    found = RedisURLBuilder(variables, environment=Environment.PRODUCTION, in_docker=False)
    ctx = ValidationContext.from_variables(Environment.PRODUCTION, variables)
    reported = list(ComponentRule().check(ctx))
    assert [p.variable for p in reported] == ["REDIS_HOST", "REDIS_PASSWORD"]
    assert reported == [
        dataclasses.replace(
            p, origin="os environment", rule="components.RedisURLBuilder", critical=True
        )
        for p in found.validate().problems
    ]
