"""ServiceConfig: the generic service mixin of the core (identity, secrets, JWT, database)."""

from __future__ import annotations

import logging

import pytest

from confwarden.config.common import ServiceConfig
from confwarden.config.loader import load_config
from confwarden.config.sources import LoadContext
from confwarden.environment.detection import Environment


def test_jwt_warning_is_logged_once_however_often_the_secret_is_read(
    caplog: pytest.LogCaptureFixture,
) -> None:
    context = LoadContext(Environment.DEVELOPMENT, {"JWT_SECRET_KEY": "short-but-distinct-1"})
    config = load_config(ServiceConfig, context).config
    with caplog.at_level(logging.WARNING, logger="confwarden.components"):
        secrets = {config.get_jwt_secret(), config.get_jwt_secret(), config.jwt_fingerprint()}
    warnings = [r for r in caplog.records if "shorter than 32" in r.getMessage()]
    assert len(warnings) == 1
    assert len(secrets) == 2  # the secret and its fingerprint
    assert "short-but-distinct-1" not in caplog.text


def test_service_config_names_no_platform_url() -> None:
    names = {spec.canonical for spec in ServiceConfig.__confwarden_fields__}
    assert not names & {"FRONTEND_URL", "AUTH_SERVICE_URL"}
    assert {"SERVICE_SECRET", "JWT_SECRET_KEY", "POSTGRES_PASSWORD"} <= names
