"""UnifiedConfigManager: the one place a service gets its validated, immutable configuration.

spec/003 "Layer 2" and spec/001: every read of configuration goes through the manager, so
there is one cache, one validation and one answer per process. The manager:

* detects the environment (or is told), loads the service's profile class through the
  precedence tuple, validates it in the environment's mode, and fails fast with one
  :class:`~confwarden.errors.ConfigurationError` listing every problem where the mode says so;
* caches the config for the process, or for 30 seconds under test (DESIGN.md; the clock is
  injectable);
* rejects a :meth:`~UnifiedConfigManager.reload` that fails validation and keeps the last
  known good configuration;
* summarises the config masked (:meth:`~UnifiedConfigManager.get_config_summary`).

:func:`get_unified_config` is the process-wide shortcut; once cached it costs about as much as
a function returning a global.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, overload

from confwarden.config.inspection import ConfigInspection, inspect_service
from confwarden.config.schema import ConfigSchema
from confwarden.config.services import find_service
from confwarden.config.sources import EnvInput
from confwarden.config.spec import ValidationMode
from confwarden.environment.detection import Environment, EnvironmentDetector
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.environment.policy import policy_for
from confwarden.errors import ConfigurationError
from confwarden.secrets.base import ValueSource

if TYPE_CHECKING:
    from confwarden.config.common import SecurityConfig

__all__ = [
    "UnifiedConfigManager",
    "get_config_summary",
    "get_unified_config",
    "get_unified_manager",
    "reset_unified_config",
    "set_unified_manager",
]

logger = logging.getLogger("confwarden.config")

C = TypeVar("C", bound=ConfigSchema)

_USE_POLICY = -1.0  # ttl sentinel: take the cache lifetime from the environment's policy


class UnifiedConfigManager:
    """Load, validate, cache and summarise one service's configuration.

    Args:
        service: a service of the project (``[tool.confwarden.configs]``), one registered
            in code, or a schema class; None for the project's only service.
        env: where variables come from; by default the process-wide ``get_env()``.
        environment: the environment; by default detected from ``env``.
        mode: the validation mode; by default the environment's.
        overrides: values set in code (highest precedence).
        secret_dirs: mounted secret directories.
        secret_sources: remote secret stores (Secret Manager, Vault...), highest first.
        clock: a monotonic clock (tests inject a fake one for the 30-second cache).
        ttl: cache lifetime in seconds (None: the life of the process); by default the
            environment policy's (30 s in testing).

    Example:
        >>> from confwarden.config.common import ServiceConfig
        >>> manager = UnifiedConfigManager(ServiceConfig, env={}, environment=Environment.TESTING)
        >>> manager.get_config().service_id
        'test-service'
    """

    def __init__(
        self,
        service: str | type[ConfigSchema] | None = None,
        *,
        env: EnvInput | None = None,
        environment: Environment | None = None,
        mode: ValidationMode | None = None,
        overrides: Mapping[str, str] | None = None,
        secret_dirs: Sequence[str | os.PathLike[str]] = (),
        secret_sources: Sequence[ValueSource] = (),
        clock: Callable[[], float] = time.monotonic,
        ttl: float | None = _USE_POLICY,
    ) -> None:
        self.service, self.schema = find_service(service)
        self._env = env
        self._environment = environment
        self.mode = mode
        self.overrides = dict(overrides or {})
        self.secret_dirs = tuple(secret_dirs)
        self.secret_sources = tuple(secret_sources)
        self._clock = clock
        self._ttl = ttl
        self._lock = threading.RLock()
        self._config: ConfigSchema | None = None
        self._expires: float | None = None
        self._inspection: ConfigInspection | None = None
        self._listeners: list[Callable[[], None]] = []

    # -- inputs ---------------------------------------------------------------------------

    @property
    def env(self) -> EnvInput:
        """The variables this manager reads."""
        if self._env is None:
            from confwarden.environment.process import get_env

            self._env = get_env()
        return self._env

    @property
    def environment(self) -> Environment:
        """The environment: given, or detected from the variables."""
        if self._environment is None:
            env = self.env
            variables = env.get_all() if isinstance(env, IsolatedEnvironment) else env
            self._environment = EnvironmentDetector(variables).detect().environment
        return self._environment

    @property
    def ttl(self) -> float | None:
        """The cache lifetime in seconds, None for the life of the process."""
        if self._ttl == _USE_POLICY:
            return policy_for(self.environment).config_cache_ttl
        return self._ttl

    # -- the config -----------------------------------------------------------------------

    def inspect(self, *, full_chain: bool = False) -> ConfigInspection:
        """Load and validate now, without raising and without touching the cache."""
        return inspect_service(
            self.schema,
            self.env,
            self.environment,
            mode=self.mode,
            overrides=self.overrides,
            secret_dirs=self.secret_dirs,
            secret_sources=self.secret_sources,
            full_chain=full_chain,
        )

    def get_config(self) -> ConfigSchema:
        """The validated, immutable config (cached).

        Raises:
            ConfigurationError: the first load found errors in this mode (every problem
                listed). A failed refresh of an expired cache keeps the last good config.
        """
        config = self._config
        if config is not None:
            expires = self._expires
            if expires is None or self._clock() < expires:
                return config
        with self._lock:
            if self._config is not None and (
                self._expires is None or self._clock() < self._expires
            ):
                return self._config
            if self._config is None:
                return self.reload()
            try:
                return self.reload()
            except ConfigurationError as exc:
                logger.error("configuration refresh rejected, keeping the last good one: %s", exc)
                ttl = self.ttl
                self._expires = None if ttl is None else self._clock() + ttl
                return self._config

    def reload(self) -> ConfigSchema:
        """Load and validate again; on success replace the cached config.

        Raises:
            ConfigurationError: the new configuration is invalid; the previous one (if any)
                stays in use.
        """
        with self._lock:
            inspection = self.inspect()
            self._inspection = inspection
            config = inspection.raise_for_errors()
            self._config = config
            ttl = self.ttl
            self._expires = None if ttl is None else self._clock() + ttl
            listeners = tuple(self._listeners)
        for listener in listeners:
            listener()
        return config

    def clear_cache(self) -> None:
        """Forget the cached config; the next :meth:`get_config` loads again."""
        with self._lock:
            self._config = None
            self._expires = None
            self._inspection = None
            listeners = tuple(self._listeners)
        for listener in listeners:
            listener()

    def add_listener(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` whenever the cached config changes or is cleared."""
        with self._lock:
            self._listeners.append(listener)

    @property
    def last_inspection(self) -> ConfigInspection | None:
        """The inspection behind the cached config (values, provenance, validation)."""
        return self._inspection

    def get_security_config(self) -> SecurityConfig:
        """The inter-service security values of the current config (spec/001).

        Raises:
            ConfigurationError: the configuration is invalid, or its schema has no security
                values.
        """
        from confwarden.config.common import ServiceConfig  # pydantic: only when asked

        config = self.get_config()
        if not isinstance(config, ServiceConfig):
            raise ConfigurationError(
                f"{type(config).__name__} has no security values; derive it from ServiceConfig."
            )
        return config.get_security_config()

    def get_config_summary(self) -> dict[str, Any]:
        """A masked summary: environment, mode, health, problems and every field's source."""
        self.get_config()
        inspection = self._inspection
        assert inspection is not None
        return summarize(inspection, service=self.service)

    def __repr__(self) -> str:
        state = "cached" if self._config is not None else "not loaded"
        return (
            f"<UnifiedConfigManager service={self.service} schema={self.schema.__name__} {state}>"
        )


def summarize(inspection: ConfigInspection, *, service: str) -> dict[str, Any]:
    """The masked, JSON-ready summary of an inspection (what ``get_config_summary`` returns)."""
    load = inspection.load
    validation = inspection.validation
    fields: dict[str, dict[str, Any]] = {}
    for spec in load.fields:
        resolved = load.values[spec.name]
        fields[spec.name] = {
            "variable": resolved.variable or spec.canonical,
            "value": load.shown_value(spec),
            "source": str(resolved.source),
            "group": spec.group,
            "sensitive": spec.sensitive,
        }
    return {
        "service": service,
        "schema": load.schema.__name__,
        "environment": load.environment.value,
        "mode": validation.mode.value,
        "valid": validation.is_valid,
        "health_score": validation.health_score,
        "errors": [str(p) for p in validation.errors],
        "warnings": [str(p) for p in validation.warnings],
        "sources": list(load.sources),
        "fields": fields,
    }


# -- the process-wide manager -----------------------------------------------------------------

_lock = threading.Lock()
_manager: UnifiedConfigManager | None = None
# The cached config of the process-wide manager when it has no time limit: the fast path of
# get_unified_config() is one global read and one comparison.
_fast: ConfigSchema | None = None


def _invalidate_fast() -> None:
    global _fast
    _fast = None


def set_unified_manager(manager: UnifiedConfigManager | None) -> None:
    """Make ``manager`` the process-wide one (``bootstrap`` does this)."""
    global _manager, _fast
    with _lock:
        _manager = manager
        _fast = None
        if manager is not None:
            manager.add_listener(_invalidate_fast)


def get_unified_manager() -> UnifiedConfigManager:
    """The process-wide manager, created for the project's only service on first use."""
    global _manager
    manager = _manager
    if manager is None:
        with _lock:
            if _manager is None:
                _manager = UnifiedConfigManager()
                _manager.add_listener(_invalidate_fast)
            manager = _manager
    return manager


@overload
def get_unified_config() -> ConfigSchema: ...
@overload
def get_unified_config(schema: type[C]) -> C: ...
def get_unified_config(schema: type[ConfigSchema] | None = None) -> ConfigSchema:
    """The validated, immutable config of this process (cached; 30 s under test).

    Args:
        schema: the class the config must be an instance of: the result is then typed as
            that class (``get_unified_config(ShopConfig).page_size`` type-checks).

    Raises:
        ConfigurationError: the configuration is invalid in this environment's mode.
        TypeError: the process-wide config is not a ``schema``.
    """
    config = _fast
    if config is None:
        config = _slow_get_unified_config()
    if schema is not None and not isinstance(config, schema):
        raise TypeError(
            f"the process-wide configuration is a {type(config).__name__}, not a "
            f"{schema.__name__}: start the service with bootstrap({schema.__name__})."
        )
    return config


def _slow_get_unified_config() -> ConfigSchema:
    global _fast
    manager = get_unified_manager()
    config = manager.get_config()
    if manager.ttl is None and manager is _manager:
        _fast = config
    return config


def reset_unified_config() -> None:
    """Drop the process-wide manager and its cached config (the pytest plugin calls this)."""
    set_unified_manager(None)


def get_config_summary() -> dict[str, Any]:
    """The masked summary of the process-wide configuration."""
    return get_unified_manager().get_config_summary()
