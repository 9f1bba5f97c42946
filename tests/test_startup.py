"""bootstrap(): one startup for every service: detect, .env where allowed, validate, log, return."""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator
from pathlib import Path

import pytest

from confwarden.config.manager import get_unified_config, reset_unified_config
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.environment.provenance import SourceKind
from confwarden.errors import ConfigurationError
from confwarden.presets.agent_platform import (
    AuthEnvironment,
    DevelopmentConfig,
    ProductionConfig,
    TestingConfig,
)
from confwarden.startup import bootstrap, default_env_files

CANARY = "CANARY-5f0e1d-0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def _fresh() -> Generator[None]:
    reset_unified_config()
    yield
    reset_unified_config()


def _env(**values: str) -> IsolatedEnvironment:
    return IsolatedEnvironment(environ=dict(values), isolated=True)


def test_bootstrap_loads_dotenv_in_development(tmp_path: Path) -> None:
    (tmp_path / ".env.development").write_text("LOG_LEVEL=WARNING\nSERVICE_ID=from-env-file\n")
    (tmp_path / ".env").write_text("LOG_LEVEL=ERROR\nAPP_NAME=generic\n")
    env = _env(ENVIRONMENT="development", SERVICE_ID="from-os")
    config = bootstrap("backend", env=env, root=tmp_path)
    assert isinstance(config, DevelopmentConfig)
    assert (config.log_level, config.app_name, config.service_id) == (
        "WARNING",
        "generic",
        "from-os",
    )
    assert env.get_variable_source("LOG_LEVEL").kind is SourceKind.DOTENV  # type: ignore[union-attr]


def test_bootstrap_never_loads_dotenv_in_production(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"SERVICE_SECRET={CANARY}\n")
    env = _env(ENVIRONMENT="production")
    with pytest.raises(ConfigurationError) as excinfo:
        bootstrap("backend", env=env, root=tmp_path)
    assert "SERVICE_SECRET" in str(excinfo.value)
    assert env.get("SERVICE_SECRET") is None
    assert CANARY not in str(excinfo.value)


def test_bootstrap_fails_fast_with_every_problem_in_one_error() -> None:
    env = _env(ENVIRONMENT="staging", POSTGRES_HOST="localhost", JWT_SECRET_KEY="short")
    with pytest.raises(ConfigurationError) as excinfo:
        bootstrap("backend", env=env, env_files=())
    message = str(excinfo.value)
    for variable in ("SERVICE_SECRET", "SECRET_KEY", "POSTGRES_HOST", "JWT_SECRET_KEY"):
        assert variable in message


def test_bootstrap_installs_the_process_wide_config() -> None:
    config = bootstrap("backend", env=_env(ENVIRONMENT="testing"), env_files=())
    assert isinstance(config, TestingConfig)
    assert get_unified_config() is config


def test_bootstrap_for_the_auth_service() -> None:
    config = bootstrap("auth", env=_env(ENVIRONMENT="testing"), env_files=(), install=False)
    assert isinstance(config, AuthEnvironment)
    assert config.port == 8081


def test_bootstrap_accepts_a_forced_environment_and_overrides(
    deployed_vars: Callable[..., dict[str, str]],
) -> None:
    env = _env(ENVIRONMENT="development")
    config = bootstrap(
        "backend",
        env=env,
        env_files=(),
        environment="prod",
        overrides=deployed_vars("production"),
        install=False,
    )
    assert isinstance(config, ProductionConfig)


def test_bootstrap_logs_a_masked_summary(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    (tmp_path / ".env.development").write_text(f"SERVICE_SECRET={CANARY}\nSECRET_KEY=short\n")
    caplog.set_level(logging.DEBUG)
    bootstrap("backend", env=_env(ENVIRONMENT="development"), root=tmp_path, install=False)
    text = caplog.text
    assert "backend started in development" in text
    assert ".env.development" in text
    assert CANARY not in text


def test_default_env_files_most_specific_first(tmp_path: Path) -> None:
    files = default_env_files(TestingConfig.ENVIRONMENT, tmp_path)  # type: ignore[arg-type]
    assert [p.name for p in files] == [".env.testing", ".env"]
