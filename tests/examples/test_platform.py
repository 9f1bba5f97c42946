"""The example platform: both services start through bootstrap() and agree on the JWT secret."""

from __future__ import annotations

import re
import sys
from collections.abc import Generator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from confwarden.config.inspection import ConfigInspection, inspect_service
from confwarden.config.manager import reset_unified_config
from confwarden.config.spec import ValidationMode
from confwarden.environment.detection import Environment
from confwarden.environment.isolated import IsolatedEnvironment

PLATFORM = Path(__file__).resolve().parents[2] / "examples" / "platform"
PACKAGES = ("shared", "backend", "auth_service")


def _forget_packages() -> None:
    for name in list(sys.modules):
        if name.split(".")[0] in PACKAGES:
            del sys.modules[name]


@pytest.fixture
def platform(monkeypatch: pytest.MonkeyPatch) -> Generator[dict[str, ModuleType]]:
    """The example's modules, imported from examples/platform (and forgotten afterwards)."""
    _forget_packages()
    monkeypatch.syspath_prepend(str(PLATFORM))
    import auth_service.config
    import auth_service.main
    import backend.config
    import backend.main
    import shared.config

    yield {
        "backend_main": backend.main,
        "backend_config": backend.config,
        "auth_main": auth_service.main,
        "auth_config": auth_service.config,
        "shared": shared.config,
    }
    _forget_packages()
    reset_unified_config()


def _deployed_env(environment: str) -> IsolatedEnvironment:
    """The variables a deployment of ``environment`` would have (its .env file as os env)."""
    env = IsolatedEnvironment(environ={}, isolated=True)
    env.load_from_file(PLATFORM / f".env.{environment}")
    return env


def _inspect(schema: Any, environment: Environment) -> ConfigInspection:
    return inspect_service(
        schema,
        _deployed_env(environment.value),
        environment,
        secret_dirs=[PLATFORM / "secrets" / environment.value],
        include_dotenv=True,
    )


def test_both_services_start_in_development_with_the_same_jwt(
    platform: dict[str, ModuleType],
) -> None:
    backend_main, auth_main = platform["backend_main"], platform["auth_main"]
    development = {"ENVIRONMENT": "development"}
    backend = backend_main.start(IsolatedEnvironment(environ=dict(development), isolated=True))
    auth = auth_main.start(IsolatedEnvironment(environ=dict(development), isolated=True))
    assert backend.environment is Environment.DEVELOPMENT
    assert backend.service_id == "example-platform-dev"  # from .env.development
    assert backend.worker_count == 1  # the development profile
    assert backend_main.describe(backend)["jwt_fingerprint"] == auth.jwt_fingerprint()


def test_staging_deployment_is_valid_and_services_agree(platform: dict[str, ModuleType]) -> None:
    backend = _inspect(platform["backend_config"].BackendConfig, Environment.STAGING)
    auth = _inspect(platform["auth_config"].AuthServiceEnvironment, Environment.STAGING)
    assert backend.validation.is_valid, backend.validation.summary_lines()
    assert auth.validation.is_valid, auth.validation.summary_lines()
    assert backend.config is not None
    assert auth.config is not None
    assert type(backend.config).__name__ == "BackendStagingConfig"
    assert backend.config.jwt_fingerprint() == auth.config.jwt_fingerprint()
    jwt = backend.load.values["jwt_secret_key"]
    assert jwt.source.path == str(PLATFORM / "secrets" / "staging" / "JWT_SECRET_KEY")


def test_production_deployment_shows_what_would_fail(platform: dict[str, ModuleType]) -> None:
    backend = _inspect(platform["backend_config"].BackendConfig, Environment.PRODUCTION)
    assert backend.config is None
    failing = {p.variable for p in backend.validation.errors}
    assert "FRONTEND_URL" in failing
    assert failing & {"GOOGLE_CLIENT_SECRET", "GOOGLE_OAUTH_CLIENT_SECRET_PRODUCTION"}
    # The JWT secret still agrees across services: judged in WARN mode, both build.
    relaxed = {
        schema: inspect_service(
            schema,
            _deployed_env("production"),
            Environment.PRODUCTION,
            secret_dirs=[PLATFORM / "secrets" / "production"],
            include_dotenv=True,
            mode=ValidationMode.WARN,
        ).config
        for schema in (
            platform["backend_config"].BackendConfig,
            platform["auth_config"].AuthServiceEnvironment,
        )
    }
    fingerprints = {config.jwt_fingerprint() for config in relaxed.values()}  # type: ignore[union-attr]
    assert len(fingerprints) == 1


def test_testing_profile_uses_the_memory_database(platform: dict[str, ModuleType]) -> None:
    config = inspect_service(
        platform["backend_config"].BackendConfig, {}, Environment.TESTING
    ).config
    assert config is not None
    assert config.use_memory_db  # type: ignore[attr-defined]


def test_example_never_touches_the_environment_directly() -> None:
    forbidden = re.compile(r"os\.environ|os\.getenv|getenv\(|load_dotenv|dotenv_values")
    for path in PLATFORM.rglob("*.py"):
        assert not forbidden.search(path.read_text()), path


def test_services_never_import_each_other() -> None:
    for service, other in (("backend", "auth_service"), ("auth_service", "backend")):
        for path in (PLATFORM / service).rglob("*.py"):
            assert not re.search(rf"^\s*(from|import) {other}\b", path.read_text(), re.M), path


def test_static_checker_finds_nothing_in_the_example() -> None:
    from click.testing import CliRunner

    from confwarden.cli.main import cli

    result = CliRunner().invoke(cli, ["check", str(PLATFORM), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("0 finding(s)")
