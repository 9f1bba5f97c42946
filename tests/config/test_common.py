"""ServiceConfig: the generic service mixin of the core (identity, secrets, JWT, database)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from confwarden.config.common import ServiceConfig
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.startup import bootstrap


class JwtServiceConfig(ServiceConfig):
    pass


def test_jwt_warning_is_logged_once_per_start(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    env = IsolatedEnvironment(environ={"JWT_SECRET_KEY": "short-but-distinct-1"}, isolated=True)
    with caplog.at_level(logging.WARNING):
        config = bootstrap(
            JwtServiceConfig, env=env, environment="development", root=tmp_path, install=False
        )
        secrets = {config.get_jwt_secret(), config.get_jwt_secret(), config.jwt_fingerprint()}
    warnings = [r for r in caplog.records if "shorter than the 32" in r.getMessage()]
    assert [r.name for r in warnings] == ["confwarden.startup"]
    assert len(secrets) == 2  # the secret and its fingerprint
    assert "short-but-distinct-1" not in caplog.text


def test_service_config_names_no_platform_url() -> None:
    names = {spec.canonical for spec in ServiceConfig.__confwarden_fields__}
    assert not names & {"FRONTEND_URL", "AUTH_SERVICE_URL"}
    assert {"SERVICE_SECRET", "JWT_SECRET_KEY", "POSTGRES_PASSWORD"} <= names
