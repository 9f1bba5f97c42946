"""UnifiedConfigManager: cache, 30-second test cache, reload, fail fast, masked summary."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from confwarden.config import configured_sources
from confwarden.config import manager as manager_module
from confwarden.config.common import ServiceConfig
from confwarden.config.manager import (
    UnifiedConfigManager,
    get_unified_config,
    get_unified_manager,
    reset_unified_config,
    set_unified_manager,
)
from confwarden.environment.detection import Environment
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.errors import ConfigurationError
from confwarden.presets.agent_platform import ProductionConfig, StagingConfig, TestingConfig
from confwarden.secrets.base import SourceHit, ValueSource

CANARY = "CANARY-5f0e1d-0123456789abcdef0123456789abcdef"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_manager_caches_for_the_process(deployed_vars: Callable[..., dict[str, str]]) -> None:
    manager = UnifiedConfigManager("backend", env=deployed_vars(), environment=Environment.STAGING)
    first = manager.get_config()
    assert isinstance(first, StagingConfig)
    assert manager.get_config() is first
    assert manager.ttl is None


def test_manager_caches_30_seconds_under_test() -> None:
    clock = FakeClock()
    env = IsolatedEnvironment(environ={}, isolated=True)
    manager = UnifiedConfigManager("backend", env=env, environment=Environment.TESTING, clock=clock)
    first = manager.get_config()
    env.set("LOG_LEVEL", "ERROR", source="test")
    clock.now += 29.9
    assert manager.get_config() is first
    clock.now += 0.2
    second = manager.get_config()
    assert second is not first
    assert second.log_level == "ERROR"


def test_manager_detects_the_environment_from_its_variables(
    deployed_vars: Callable[..., dict[str, str]],
) -> None:
    manager = UnifiedConfigManager("backend", env=deployed_vars("production"))
    assert manager.environment is Environment.PRODUCTION
    assert isinstance(manager.get_config(), ProductionConfig)


def test_fail_fast_lists_every_problem_at_once() -> None:
    env = {"ENVIRONMENT": "production", "PORT": "eighty", "SERVICE_SECRET": CANARY}
    manager = UnifiedConfigManager("backend", env=env)
    with pytest.raises(ConfigurationError) as excinfo:
        manager.get_config()
    message = str(excinfo.value)
    for variable in ("SERVICE_ID", "SECRET_KEY", "JWT_SECRET_KEY", "POSTGRES_HOST", "PORT"):
        assert variable in message
    assert "schema.type" in message  # the type error is in the same list as rule errors
    assert CANARY not in message


def test_development_fills_missing_values_with_generated_fallbacks() -> None:
    manager = UnifiedConfigManager("backend", env={}, environment=Environment.DEVELOPMENT)
    config = manager.get_config()
    assert config.port == 8000
    inspection = manager.last_inspection
    assert inspection is not None
    assert "fallback.generated" in {p.rule for p in inspection.validation.warnings}


def test_development_rejects_a_set_value_that_cannot_be_converted() -> None:
    manager = UnifiedConfigManager(
        "backend", env={"PORT": "eighty"}, environment=Environment.DEVELOPMENT
    )
    with pytest.raises(ConfigurationError) as excinfo:
        manager.get_config()
    message = str(excinfo.value)
    assert "PORT (schema.type)" in message
    assert "origin: os environment" in message
    assert "valid integer" in message
    assert "fix: Set PORT to a valid value" in message


def test_reload_rejects_invalid_config_and_keeps_the_last_good(
    deployed_vars: Callable[..., dict[str, str]],
) -> None:
    env = IsolatedEnvironment(environ=deployed_vars("production"), isolated=True)
    manager = UnifiedConfigManager("backend", env=env)
    good = manager.get_config()
    env.delete("SERVICE_SECRET")
    with pytest.raises(ConfigurationError, match="SERVICE_SECRET"):
        manager.reload()
    assert manager.get_config() is good


def test_expired_cache_refresh_failure_keeps_the_last_good() -> None:
    clock = FakeClock()
    env = IsolatedEnvironment(environ={}, isolated=True)
    manager = UnifiedConfigManager(
        "backend", env=env, environment=Environment.TESTING, clock=clock, mode=None
    )
    good = manager.get_config()
    manager.mode = manager_module.ValidationMode.ENFORCE_ALL
    env.set("PORT", "not-a-port", source="test")
    clock.now += 31
    assert manager.get_config() is good


def test_summary_is_masked(deployed_vars: Callable[..., dict[str, str]]) -> None:
    manager = UnifiedConfigManager(
        "backend",
        env=deployed_vars(
            "staging", SERVICE_SECRET=CANARY + "x" * 10, REDIS_URL=f"redis://:{CANARY}@cache:6379/0"
        ),
    )
    summary = manager.get_config_summary()
    text = json.dumps(summary)
    assert CANARY not in text
    assert summary["fields"]["service_secret"]["value"] == "***"
    assert summary["fields"]["service_id"]["source"] == "os environment"
    assert summary["environment"] == "staging"


def test_get_unified_config_is_cached_and_reset(
    deployed_vars: Callable[..., dict[str, str]],
) -> None:
    set_unified_manager(UnifiedConfigManager("backend", env=deployed_vars()))
    first = get_unified_config()
    assert get_unified_config() is first
    assert manager_module._fast is first
    reset_unified_config()
    assert manager_module._fast is None


def test_get_unified_config_reload_invalidates_the_fast_path(
    deployed_vars: Callable[..., dict[str, str]],
) -> None:
    env = IsolatedEnvironment(environ=deployed_vars(), isolated=True)
    set_unified_manager(UnifiedConfigManager("backend", env=env))
    first = get_unified_config()
    env.set("LOG_LEVEL", "ERROR", source="test")
    get_unified_manager().reload()
    assert get_unified_config() is not first
    assert get_unified_config().log_level == "ERROR"


def test_get_unified_config_with_time_cache_skips_the_fast_path() -> None:
    set_unified_manager(
        UnifiedConfigManager("backend", env={}, environment=Environment.TESTING, clock=FakeClock())
    )
    assert isinstance(get_unified_config(), TestingConfig)
    assert manager_module._fast is None


def test_unknown_service_is_a_clear_error() -> None:
    with pytest.raises(ConfigurationError, match=r"known services: auth, backend"):
        UnifiedConfigManager("billing")


def test_security_config_through_the_manager(deployed_vars: Callable[..., dict[str, str]]) -> None:
    variables = deployed_vars("staging", SERVICE_SECRET=CANARY)
    security = UnifiedConfigManager("backend", env=variables).get_security_config()
    assert security.service_secret is not None
    assert security.service_secret.get_secret_value() == CANARY
    assert CANARY not in repr(security)


class ClosableStore(ValueSource):
    """A remote store that holds a connection until closed."""

    name = "closable store"

    def __init__(self) -> None:
        self.closed = 0

    def lookup(self, variable: str) -> SourceHit | None:
        return None

    def close(self) -> None:
        self.closed += 1


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> ClosableStore:
    """The store the project's [tool.confwarden.secret_sources] makes the manager build."""
    store = ClosableStore()
    monkeypatch.setattr(
        configured_sources, "configured_secret_sources", lambda *args, **kwargs: (store,)
    )
    return store


def test_close_stops_live_and_closes_the_stores_the_manager_built(built: ClosableStore) -> None:
    # The stores [tool.confwarden.secret_sources] configures are built by the manager: it
    # owns them, so closing it (or dropping the process-wide one) must close them, or an
    # etcd connection and its thread outlive every reset.
    manager = UnifiedConfigManager(ServiceConfig, env={}, environment=Environment.TESTING)
    live = manager.start_live()
    assert built in manager.secret_sources
    set_unified_manager(manager)
    reset_unified_config()
    assert built.closed == 1
    assert manager.live is None
    assert live.status().to_dict()["state"] == "stopped"
    manager.close()  # idempotent
    assert built.closed == 1


def test_close_leaves_the_stores_it_was_given_open() -> None:
    given = ClosableStore()
    manager = UnifiedConfigManager(
        ServiceConfig, env={}, environment=Environment.TESTING, secret_sources=[given]
    )
    manager.start_live()
    manager.close()
    assert given.closed == 0
    assert manager.live is None


def test_closing_the_live_config_closes_the_stores_the_manager_built(
    built: ClosableStore,
) -> None:
    # The docs end a live service with live.close(): the etcd thread and connection the
    # manager built for it must go too (an audit found them alive after close()).
    manager = UnifiedConfigManager(ServiceConfig, env={}, environment=Environment.TESTING)
    manager.start_live().close()
    assert built.closed >= 1
    given = ClosableStore()
    other = UnifiedConfigManager(
        ServiceConfig, env={}, environment=Environment.TESTING, secret_sources=[given]
    )
    other.start_live().close()
    assert given.closed == 0  # the caller's store: the caller closes it
