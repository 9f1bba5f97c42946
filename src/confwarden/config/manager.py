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
* summarises the config masked (:meth:`~UnifiedConfigManager.get_config_summary`);
* reads the secret stores the project configured (``[tool.confwarden.secret_sources]``) when
  given none, and follows its sources while the service runs once
  :meth:`~UnifiedConfigManager.start_live` hands it to a
  :class:`~confwarden.config.live.LiveConfig`.

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

from confwarden.config.inspection import ConfigInspection, inspect_service, summarize
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
    from confwarden.config.last_known_good import LastKnownGood
    from confwarden.config.live import ConfigUpdate, LiveConfig

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
        secret_sources: remote secret stores (Secret Manager, Vault...), highest first; by
            default (None) the ones the project's ``[tool.confwarden.secret_sources]``
            configures for the environment, built on first use.
        root: where the project (its ``pyproject.toml``) is looked for, at or above; by
            default the working directory.
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
        secret_sources: Sequence[ValueSource] | None = None,
        root: str | os.PathLike[str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        ttl: float | None = _USE_POLICY,
    ) -> None:
        self.service, self.schema = find_service(service)
        self._env = env
        self._environment = environment
        self.mode = mode
        self.overrides = dict(overrides or {})
        self.secret_dirs = tuple(secret_dirs)
        self.root = root
        self._secret_sources = None if secret_sources is None else tuple(secret_sources)
        self._owns_sources = secret_sources is None  # built from the project: ours to close
        self._live: LiveConfig[ConfigSchema] | None = None
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
    def secret_sources(self) -> tuple[ValueSource, ...]:
        """The remote secret stores: given, else the project's for this environment.

        Raises:
            ConfigurationError: a configured store's settings are wrong.
            MissingDependencyError: a configured store's extra is not installed.
        """
        sources = self._secret_sources
        if sources is None:
            from confwarden.config.configured_sources import configured_secret_sources

            env = self.env
            with self._lock:
                if self._secret_sources is None:
                    self._secret_sources = configured_secret_sources(
                        self.root,
                        service=self.service,
                        schema=self.schema,
                        environment=self.environment,
                        environ=env.get_all() if isinstance(env, IsolatedEnvironment) else env,
                    )
                sources = self._secret_sources
        return sources

    @property
    def ttl(self) -> float | None:
        """The cache lifetime in seconds, None for the life of the process (or while live)."""
        if self._live is not None:
            return None
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
        live = self._live
        if live is not None:
            return live.config
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

        A live manager (:meth:`start_live`) re-resolves through its ``LiveConfig``.

        Raises:
            ConfigurationError: the new configuration is invalid; the previous one (if any)
                stays in use.
        """
        live = self._live
        if live is not None:
            update = live.refresh()
            if update.rejected:
                raise ConfigurationError("\n".join(update.rejected))
            return live.config
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

    def close(self) -> None:
        """Stop following changes and close the stores this manager built (idempotent).

        The remote stores the project configures are built by the manager and closed here;
        stores passed as ``secret_sources`` belong to the caller and stay open.
        """
        with self._lock:
            live, self._live = self._live, None
            # A live config closes the stores built for it itself (close_remote).
            built = self._secret_sources if self._owns_sources and live is None else None
            self._secret_sources = None
        if live is not None:
            live.close()
        for source in built or ():
            close = getattr(source, "close", None)
            if callable(close):
                close()

    def add_listener(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` whenever the cached config changes or is cleared."""
        with self._lock:
            self._listeners.append(listener)

    def start_live(
        self, *, last_known_good: LastKnownGood | None = None
    ) -> LiveConfig[ConfigSchema]:
        """Load, validate and from now on follow every source that can change (hot reload).

        The same inputs as :meth:`get_config` (variables, overrides, secret directories,
        secret stores) go to a :class:`~confwarden.config.live.LiveConfig`; the secret
        stores are its remote sources (covered by ``last_known_good``). From then on
        :meth:`get_config` (and ``get_unified_config()`` when this manager is the process's)
        answers the live snapshot. Idempotent: a second call returns the same LiveConfig.

        Raises:
            ConfigurationError: the configuration is invalid, or a store is down in a
                deployed environment without a usable last-known-good copy.

        Example:
            >>> from confwarden.config.schema import ConfigSchema
            >>> class ShopConfig(ConfigSchema):
            ...     page_size: int = 50
            >>> manager = UnifiedConfigManager(ShopConfig, env={}, environment=Environment.TESTING)
            >>> with manager.start_live() as live:
            ...     manager.get_config() is live.config
            True
        """
        from confwarden.config.live import LiveConfig
        from confwarden.config.schema import fields_of
        from confwarden.config.sources import LoadContext

        with self._lock:
            if self._live is not None:
                return self._live
            profile = self.schema.for_environment(self.environment)
            base = profile.config_sources(
                LoadContext(
                    self.environment,
                    self.env,
                    overrides=self.overrides,
                    secret_dirs=self.secret_dirs,
                    fields=fields_of(profile),
                )
            )
            live: LiveConfig[ConfigSchema] = LiveConfig(
                self.schema,
                environment=self.environment,
                env=self.env,
                sources=base,
                remote=self.secret_sources,
                mode=self.mode,
                last_known_good=last_known_good,
                close_remote=self._owns_sources,
            )
            live.add_callback(self._on_live_update)
            live.start()
            self._live = live
            self._config = live.config
            self._inspection = live.inspection
            self._expires = None
            listeners = tuple(self._listeners)
        for listener in listeners:
            listener()
        return live

    def _current(self) -> ConfigSchema | None:
        # The config in use, without loading (get_unified_config's cache check).
        live = self._live
        return live.config if live is not None else self._config

    @property
    def live(self) -> LiveConfig[ConfigSchema] | None:
        """The LiveConfig this manager follows (:meth:`start_live`), or None."""
        return self._live

    def _on_live_update(self, update: ConfigUpdate) -> None:
        if not update.applied:
            return
        with self._lock:
            self._config = update.config
            live = self._live
            if live is not None:
                self._inspection = live.inspection
            listeners = tuple(self._listeners)
        for listener in listeners:
            listener()

    @property
    def last_inspection(self) -> ConfigInspection | None:
        """The inspection behind the cached config (values, provenance, validation)."""
        live = self._live
        if live is not None:
            return live.inspection
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
        state = "live" if self._live else "cached" if self._config is not None else "not loaded"
        return (
            f"<UnifiedConfigManager service={self.service} schema={self.schema.__name__} {state}>"
        )


# -- the process-wide manager -----------------------------------------------------------------

_lock = threading.Lock()
_manager: UnifiedConfigManager | None = None
# The cached config of the process-wide manager when it has no time limit: the fast path of
# get_unified_config() is one global read and one comparison.
_fast: ConfigSchema | None = None


def _invalidate_fast() -> None:
    global _fast
    with _lock:
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
    if manager.ttl is None:
        with _lock:
            # A reload (a live update) may have swapped the config since the read above and
            # already invalidated the cache: cache only what is still current.
            if manager is _manager and manager._current() is config:
                _fast = config
    return config


def reset_unified_config() -> None:
    """Close and drop the process-wide manager and its cached config (the pytest plugin
    calls this between tests)."""
    manager = _manager
    set_unified_manager(None)
    if manager is not None:
        manager.close()


def get_config_summary() -> dict[str, Any]:
    """The masked summary of the process-wide configuration."""
    return get_unified_manager().get_config_summary()
