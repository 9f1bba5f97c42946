"""The four environment profiles; database URL via DatabaseURLBuilder, JWT via its manager."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from confwarden.components.jwt_secret import SharedJWTSecretManager, fingerprint
from confwarden.config.inspection import inspect_service
from confwarden.config.loader import load_config
from confwarden.config.sources import LoadContext
from confwarden.config.spec import ValidationMode
from confwarden.environment.detection import Environment
from confwarden.errors import ComponentConfigError
from confwarden.presets.agent_platform import (
    AppConfig,
    AuthEnvironment,
    DevelopmentConfig,
    ProductionConfig,
    StagingConfig,
    TestingConfig,
    profile_for,
)

CANARY = "CANARY-5f0e1d-0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("environment", "profile"),
    [
        (Environment.DEVELOPMENT, DevelopmentConfig),
        (Environment.TESTING, TestingConfig),
        (Environment.STAGING, StagingConfig),
        (Environment.PRODUCTION, ProductionConfig),
    ],
)
def test_profile_for_each_environment(environment: Environment, profile: type[AppConfig]) -> None:
    assert profile_for(environment) is profile
    assert profile.ENVIRONMENT is environment
    assert profile().policy.environment is environment


def test_development_profile_defaults() -> None:
    config = DevelopmentConfig()
    assert (config.debug, config.log_level, config.policy.validation_mode) == (
        True,
        "DEBUG",
        "warn",
    )


def test_testing_profile_uses_test_defaults_and_memory_database() -> None:
    config = load_config(TestingConfig, LoadContext(Environment.TESTING, {})).config
    assert config is not None
    assert config.use_memory_db
    assert config.google_client_id == "test-oauth-client-id.apps.googleusercontent.com"
    assert config.get_database_url().scheme.startswith("sqlite")
    assert config.policy.config_cache_ttl == 30.0


def test_staging_profile_defaults() -> None:
    config = StagingConfig()
    assert (config.debug, config.postgres_sslmode) == (False, "require")
    assert config.policy.validation_mode == "enforce_critical"


def test_production_profile_defaults() -> None:
    config = ProductionConfig()
    assert (config.debug, config.log_level) == (False, "WARNING")
    assert config.policy.validation_mode == "enforce_all"


def test_database_url_is_built_from_components_never_from_database_url(
    deployed_vars: Callable[..., dict[str, str]],
) -> None:
    variables = deployed_vars("production", DATABASE_URL="postgresql://wrong:wrong@elsewhere/db")
    config = load_config(ProductionConfig, LoadContext(Environment.PRODUCTION, variables)).config
    assert config is not None
    url = config.database_url
    assert (url.host, url.username, url.path) == ("db.internal.example.com", "app", "app")
    assert "elsewhere" not in url.render(hide_password=False)
    assert variables["POSTGRES_PASSWORD"] not in str(url)


def test_database_url_errors_come_from_the_builder() -> None:
    config = load_config(
        ProductionConfig, LoadContext(Environment.PRODUCTION, {"POSTGRES_HOST": "localhost"})
    ).config
    assert config is not None
    with pytest.raises(ComponentConfigError, match="POSTGRES_HOST"):
        config.get_database_url()


def test_jwt_secret_goes_through_shared_manager(
    deployed_vars: Callable[..., dict[str, str]],
) -> None:
    variables = deployed_vars("staging", JWT_SECRET_KEY=CANARY)
    config = load_config(StagingConfig, LoadContext(Environment.STAGING, variables)).config
    assert config is not None
    assert config.get_jwt_secret() == CANARY
    expected = SharedJWTSecretManager({"JWT_SECRET_KEY": CANARY}, environment="staging")
    assert config.jwt_fingerprint() == expected.get_fingerprint()


@pytest.mark.parametrize("environment", list(Environment))
def test_backend_and_auth_resolve_the_same_jwt_secret(
    environment: Environment, deployed_vars: Callable[..., dict[str, str]]
) -> None:
    variables = {} if not environment.is_deployed else deployed_vars(environment.value)
    backend = inspect_service(AppConfig, variables, environment, mode=ValidationMode.WARN)
    auth = inspect_service(AuthEnvironment, variables, environment, mode=ValidationMode.WARN)
    assert backend.config is not None
    assert auth.config is not None
    assert isinstance(backend.config, AppConfig)
    assert isinstance(auth.config, AuthEnvironment)
    assert backend.config.jwt_fingerprint() == auth.config.jwt_fingerprint()
    assert len(backend.config.jwt_fingerprint()) == len(fingerprint("x"))


def test_security_config_is_reached_through_the_config_object() -> None:
    config = load_config(TestingConfig, LoadContext(Environment.TESTING, {})).config
    assert config is not None
    security = config.get_security_config()
    assert security.service_id == "test-service"
    assert security.service_secret is not None
    assert security.environment is Environment.TESTING
