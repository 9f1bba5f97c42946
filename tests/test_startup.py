"""bootstrap(): one startup for every service: detect, .env where allowed, validate, log, return."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Annotated

import pytest

from confwarden import ConfigSchema, Env, SecretStr
from confwarden.config.change_tracker import ChangeTracker
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


def test_bootstrap_refuses_two_jwt_secrets_in_production(
    deployed_vars: Callable[..., dict[str, str]],
) -> None:
    # Gap: JWT_SECRET_KEY=A and JWT_SECRET_PRODUCTION=B started with a warning; the config
    # signed with A, the manager and `jwt fingerprint` with B.
    other = "CANARY-5f0e1d-" + "Zz9aY8bX7cW6dV5eU4fT3Lk2Pz8"
    env = _env(**deployed_vars("production", JWT_SECRET_PRODUCTION=other))
    with pytest.raises(ConfigurationError) as excinfo:
        bootstrap("backend", env=env, env_files=(), install=False)
    message = str(excinfo.value)
    assert "JWT_SECRET_KEY" in message
    assert "JWT_SECRET_PRODUCTION" in message
    assert "CANARY" not in message


def test_bootstrap_development_config_and_manager_agree_on_the_jwt_secret() -> None:
    from confwarden.components.jwt_secret import SharedJWTSecretManager

    first, second = "a" * 8 + "Q7x9Lk2Pz8Mn4Vb6Rt1Wy3Hd", "b" * 8 + "Q7x9Lk2Pz8Mn4Vb6Rt1Wy3Hd"
    variables = {
        "ENVIRONMENT": "development",
        "JWT_SECRET_KEY": first,
        "JWT_SECRET_DEVELOPMENT": second,
    }
    config = bootstrap("backend", env=_env(**variables), env_files=(), install=False)
    assert config.get_jwt_secret() == SharedJWTSecretManager(variables).get_jwt_secret()


@pytest.mark.parametrize(
    ("environment", "foreign"),
    [("production", "JWT_SECRET_STAGING"), ("production", "JWT_SECRET_DEVELOPMENT")],
)
def test_bootstrap_refuses_another_environments_jwt_secret(
    deployed_vars: Callable[..., dict[str, str]], environment: str, foreign: str
) -> None:
    env = _env(**deployed_vars(environment, **{foreign: "CANARY-5f0e1d-" + "x1Y2" * 8}))
    with pytest.raises(ConfigurationError) as excinfo:
        bootstrap("backend", env=env, env_files=(), install=False)
    named = foreign.removeprefix("JWT_SECRET_").lower()
    assert f"is {named}'s secret, set in {environment}" in str(excinfo.value)
    assert "CANARY" not in str(excinfo.value)


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_bootstrap_refuses_credentials_in_url_fields_where_deployed(
    deployed_vars: Callable[..., dict[str, str]], environment: str
) -> None:
    # Gap: GRAFANA_URL=https://admin:hunter2@... started with only a warning.
    urls = {
        "GRAFANA_URL": "https://admin:CANARYhunter2@grafana.example.com",
        "FRONTEND_URL": "https://u:CANARYpw@app.example.com",
        "PROMETHEUS_URL": "https://p:CANARYpw@prometheus.example.com",
        "LANGFUSE_HOST": "https://l:CANARYpw@langfuse.example.com",
    }
    env = _env(**deployed_vars(environment, **urls))
    with pytest.raises(ConfigurationError) as excinfo:
        bootstrap("backend", env=env, env_files=(), install=False)
    message = str(excinfo.value)
    for variable in urls:
        assert f"{variable} [critical] (urls.credentials)" in message
    assert "CANARY" not in message


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SERVICE_ID", "test-service"),
        ("SERVICE_ID", "dev-service"),
        ("GOOGLE_CLIENT_ID", "test-oauth-client-id.apps.googleusercontent.com"),
    ],
)
def test_bootstrap_refuses_the_librarys_own_defaults_in_production(
    deployed_vars: Callable[..., dict[str, str]], variable: str, value: str
) -> None:
    # Gap: the library's published test/development defaults started production.
    env = _env(**deployed_vars("production", **{variable: value}))
    with pytest.raises(ConfigurationError) as excinfo:
        bootstrap("backend", env=env, env_files=(), install=False)
    assert f"{variable} [critical] (defaults.library_value)" in str(excinfo.value)


def test_bootstrap_refuses_a_blank_environment_from_dotenv_in_development(tmp_path: Path) -> None:
    # Gap: ENVIRONMENT= in .env only warned in development and the service started.
    (tmp_path / ".env").write_text("ENVIRONMENT=\nLOG_LEVEL=INFO\n")
    with pytest.raises(ConfigurationError) as excinfo:
        bootstrap("backend", env=_env(), environment="development", root=tmp_path, install=False)
    assert "ENVIRONMENT" in str(excinfo.value)
    assert "blank" in str(excinfo.value)


_TESTING_IN_A_DEPLOYMENT = """
from confwarden.components.jwt_secret import SharedJWTSecretManager
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.errors import ConfigurationError, ComponentConfigError
from confwarden.presets.agent_platform import register_services
from confwarden.startup import bootstrap

register_services()
variables = {"ENVIRONMENT": "testing", "K_SERVICE": "backend-prod"}
try:
    config = bootstrap(
        "backend", env=IsolatedEnvironment(environ=variables, isolated=True), env_files=(),
        install=False,
    )
    print("memory-db", config.use_memory_db)
except ConfigurationError as error:
    print("refused", str(error).splitlines()[0])
try:
    secret = SharedJWTSecretManager(variables).get_jwt_secret()
    print("jwt", secret.startswith("confwarden-test-"))
except ComponentConfigError:
    print("jwt refused")
"""


def test_testing_without_a_test_runner_gets_no_test_defaults(tmp_path: Path) -> None:
    # Gap: ENVIRONMENT=testing with K_SERVICE and no test runner got an in-memory SQLite
    # database and a generated confwarden-test- JWT secret. A fresh interpreter: no pytest.
    import os
    import subprocess
    import sys

    environ = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join(sys.path),
        "CONFWARDEN_DEV_SECRETS_DIR": str(tmp_path / "dev-secrets"),
    }
    result = subprocess.run(
        [sys.executable, "-c", _TESTING_IN_A_DEPLOYMENT],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "memory-db True" not in result.stdout
    assert "jwt True" not in result.stdout
    assert "jwt refused" in result.stdout


class _SigningConfig(ConfigSchema, env_prefix="SVC_"):
    signing: SecretStr | None = None
    rotated: Annotated[
        SecretStr | None, Env("SVC_SIGN_{ENVIRONMENT}", deprecated=("SVC_OLD_SIGN",))
    ] = None
    page_size: int = 50


def test_bootstrap_marks_the_schema_secrets_on_its_environment(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "SVC_SIGNING=CANARYSIGNING000\nSVC_OLD_SIGN=CANARYOLDSIGN11\nCOPY=${SVC_SIGNING}\n"
    )
    env = _env(ENVIRONMENT="development", SVC_SIGN_PRODUCTION="CANARYPRODSIGN2")
    bootstrap(_SigningConfig, env=env, root=tmp_path, install=False)
    tracker = ChangeTracker()
    tracker.attach(env)
    env.set("SVC_SIGNING", "CANARYROTATED42", source="test")
    shown = [
        repr(env.explain("SVC_SIGNING")),
        repr(env.explain("COPY")),
        repr(env.get_debug_info()),
        repr(list(env.iter_variables())),
        repr(tracker.records),
    ]
    for canary in ("CANARYSIGNING000", "CANARYOLDSIGN11", "CANARYPRODSIGN2", "CANARYROTATED42"):
        assert all(canary not in text for text in shown), canary
    change = tracker.records[-1].change
    assert change.before == change.after == "***"
    assert any("secret rotated" in reason for reason in change.reasons)


def test_bootstrap_warns_about_a_fifo_dotenv_and_starts(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    os.mkfifo(tmp_path / ".env")
    env = _env(ENVIRONMENT="development")
    with caplog.at_level(logging.WARNING, logger="confwarden"):
        config = bootstrap(_SigningConfig, env=env, root=tmp_path, install=False)
    assert config.page_size == 50
    assert any(
        f"{tmp_path / '.env'} skipped: not a regular file" in r.getMessage() for r in caplog.records
    )
