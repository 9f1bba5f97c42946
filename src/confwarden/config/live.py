"""LiveConfig: the one reload mechanism for configuration that changes while a service runs.

Every source that can change at runtime (an etcd prefix, mounted secret files swapped by
Kubernetes, a Secret Manager version, a Vault lease) tells :class:`LiveConfig` through
:meth:`~confwarden.secrets.base.ValueSource.watch`, and so does an
:class:`~confwarden.environment.isolated.IsolatedEnvironment` changed with ``set()``.
LiveConfig then:

1. re-resolves the whole schema through the same loader and validator as startup;
2. **rejects** the change when the new snapshot has an error (a value that does not convert,
   a rule the environment's mode enforces, a source that failed): the running configuration
   stays, the rejection goes to the callbacks and to :meth:`LiveConfig.status`;
3. holds back fields declared ``Env(..., restart_required=True)``: they are reported as
   pending a restart, never applied to the running process;
4. swaps the new immutable config in with one reference assignment: a reader gets the old
   snapshot or the new one, never a mix;
5. calls the callbacks with the changed fields, old and new values masked for secrets;
6. writes the last-known-good copy (:mod:`confwarden.config.last_known_good`).

Threads: sources call back from their own watcher threads; LiveConfig only records that a
reload is due and wakes its own reload thread, which coalesces bursts and runs one reload at a
time. Callbacks run on that reload thread; an asyncio application passes ``loop=`` to
:meth:`LiveConfig.add_callback` and gets them through ``loop.call_soon_threadsafe``. Reading
:attr:`LiveConfig.config` takes no lock and never blocks.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Generic, NamedTuple, TypeVar

from confwarden.config.inspection import ConfigInspection, inspect_service
from confwarden.config.last_known_good import LastKnownGood, LastKnownGoodError
from confwarden.config.live_updates import (
    ConfigUpdate,
    FieldChange,
    LiveState,
    LiveStatus,
    SnapshotSource,
    source_failure,
    with_remote_sources,
)
from confwarden.config.schema import ConfigSchema, fields_of
from confwarden.config.sources import EnvInput, LoadContext
from confwarden.config.spec import DEPLOYED, Problem, ValidationMode
from confwarden.environment.detection import Environment
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.errors import ConfigurationError
from confwarden.secrets.base import Subscription, ValueSource

__all__ = [
    "ConfigUpdate",
    "FieldChange",
    "LiveConfig",
    "LiveState",
    "LiveStatus",
    "SnapshotSource",
    "with_remote_sources",
]

logger = logging.getLogger("confwarden.config.live")

T = TypeVar("T", bound=ConfigSchema)
UpdateCallback = Callable[["ConfigUpdate"], Any]


class _Snapshot(NamedTuple):
    config: ConfigSchema
    inspection: ConfigInspection
    generation: int
    shown: dict[str, str | None]  # what each running value may be shown as (held ones kept)


class LiveConfig(Generic[T]):
    """A configuration that follows its sources while the service runs.

    Args:
        schema: the configuration class (its profile for ``environment`` is loaded).
        environment: the environment.
        env: the variables (mapping or IsolatedEnvironment); by default the process's.
        remote: sources that may be down and are covered by the last-known-good copy (etcd),
            inserted where DESIGN.md puts secret sources.
        sources: a whole precedence tuple instead (``remote`` is then added to it).
        mode: the validation mode; by default the environment's.
        secret_dirs: mounted secret directories (watched for Kubernetes' symlink swap).
        last_known_good: where to keep the last-known-good copy, if anywhere.
        close_remote: :meth:`close` also closes the ``remote`` stores (their connections
            and threads); ``bootstrap(live=True)`` sets it for the stores it builds.

    Example:
        >>> from confwarden.config.profiles import AppConfig
        >>> with LiveConfig(AppConfig, environment=Environment.TESTING, env={}) as live:
        ...     live.config.log_level
        'INFO'
    """

    def __init__(
        self,
        schema: type[T],
        *,
        environment: Environment,
        env: EnvInput | None = None,
        remote: Sequence[ValueSource] = (),
        sources: Sequence[ValueSource] | None = None,
        mode: ValidationMode | None = None,
        secret_dirs: Sequence[str] = (),
        last_known_good: LastKnownGood | None = None,
        close_remote: bool = False,
    ) -> None:
        if env is None:
            from confwarden.environment.process import get_env

            env = get_env()
        self.schema = schema.for_environment(environment)
        self.environment = environment
        self.env = env
        self.mode = mode
        self.remote = tuple(remote)
        self._close_remote = close_remote  # the remote stores are ours (built for us)
        self.last_known_good = last_known_good
        base = (
            tuple(sources)
            if sources is not None
            else self.schema.config_sources(
                LoadContext(
                    environment,
                    env,
                    secret_dirs=tuple(secret_dirs),
                    fields=fields_of(self.schema),
                )
            )
        )
        self._sources = with_remote_sources(base, self.remote)
        self._stand_ins: dict[str, SnapshotSource] = {}  # source name -> LKG values
        self._snapshot: _Snapshot | None = None
        self._callbacks: list[tuple[UpdateCallback, asyncio.AbstractEventLoop | None]] = []
        self._subscriptions: list[Subscription] = []
        self._lock = threading.Lock()  # callbacks, pending trigger, status fields
        self._reload_lock = threading.Lock()  # one reload at a time
        self._pending: set[str] = set()
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._last_reload: float | None = None
        self._last_rejection: tuple[str, ...] = ()
        self._pending_restart: tuple[FieldChange, ...] = ()

    # -- reading ------------------------------------------------------------------------

    @property
    def config(self) -> T:
        """The configuration in use (one attribute read: never blocks, never half-updated).

        Raises:
            RuntimeError: :meth:`start` has not run.
        """
        snapshot = self._snapshot
        if snapshot is None:
            raise RuntimeError("LiveConfig.start() has not been called.")
        return snapshot.config  # type: ignore[return-value]

    @property
    def generation(self) -> int:
        """The number of the snapshot in use (0 before :meth:`start`)."""
        snapshot = self._snapshot
        return 0 if snapshot is None else snapshot.generation

    @property
    def inspection(self) -> ConfigInspection | None:
        """The load and validation behind the snapshot in use."""
        snapshot = self._snapshot
        return None if snapshot is None else snapshot.inspection

    def status(self) -> LiveStatus:
        """Health: degraded while a source is down or values come from the on-disk copy."""
        statuses = tuple(source.status() for source in self._sources)
        with self._lock:
            stand_ins = tuple(self._stand_ins)
            degraded = bool(stand_ins) or not all(s.up for s in statuses)
            stopped = self._stopping
            return LiveStatus(
                LiveState.STOPPED if stopped else LiveState.DEGRADED if degraded else LiveState.OK,
                self.generation,
                statuses,
                stand_ins,
                self._last_reload,
                self._last_rejection,
                self._pending_restart,
            )

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> T:
        """Load, validate, subscribe to every source and start the reload thread.

        A remote source that is down is replaced by its last-known-good copy (state
        DEGRADED until it answers again); without a usable copy, staging and production
        fail fast.

        Raises:
            ConfigurationError: the configuration is invalid, or a remote source is down in
                a deployed environment without a usable last-known-good copy.
        """
        inspection = self._inspect(self._startup_sources())
        errors = self._rejection(inspection)
        if errors or inspection.config is None:
            inspection.raise_for_errors()
            raise ConfigurationError("\n".join(errors))
        shown = {spec.name: inspection.load.shown_value(spec) for spec in inspection.load.fields}
        self._snapshot = _Snapshot(inspection.config, inspection, 1, shown)
        self._last_reload = time.time()
        self._save_last_known_good()
        self._thread = threading.Thread(
            target=self._run, name=f"confwarden-live-{self.schema.__name__}", daemon=True
        )
        self._thread.start()
        for source in self._sources:
            subscription = source.watch(self._on_change)
            if subscription is not None:
                self._subscriptions.append(subscription)
        if isinstance(self.env, IsolatedEnvironment):
            # env.set() at runtime goes through the same validation as a remote change.
            self.env.add_change_callback(self._on_env_change)
        # A file changed between the first load and its watch's first fingerprint would
        # otherwise go unnoticed: one reload now (a no-op when nothing changed).
        self._on_change(frozenset())
        return self.config

    def close(self) -> None:
        """Stop watching and stop the reload thread (idempotent)."""
        with self._lock:
            self._stopping = True
            subscriptions, self._subscriptions = self._subscriptions, []
        for subscription in subscriptions:
            subscription.close()
        if isinstance(self.env, IsolatedEnvironment):
            self.env.remove_change_callback(self._on_env_change)
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
        for source in self.remote if self._close_remote else ():
            close = getattr(source, "close", None)
            if callable(close):
                close()  # the store's connection and thread (etcd) go with the config

    def __enter__(self) -> LiveConfig[T]:
        if self._snapshot is None:
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def add_callback(
        self, callback: UpdateCallback, *, loop: asyncio.AbstractEventLoop | None = None
    ) -> None:
        """Call ``callback(update)`` after every reload that changed or rejected something.

        Without ``loop`` the callback runs on the reload thread (keep it short; a failing
        callback is logged and the others still run). With ``loop`` it is scheduled on that
        event loop with ``call_soon_threadsafe`` (a coroutine function becomes a task).
        """
        with self._lock:
            self._callbacks.append((callback, loop))

    def remove_callback(self, callback: UpdateCallback) -> None:
        """Stop calling ``callback``; unknown callbacks are ignored."""
        with self._lock:
            self._callbacks = [(c, lp) for c, lp in self._callbacks if c is not callback]

    # -- reloading ----------------------------------------------------------------------

    def _on_change(self, variables: frozenset[str]) -> None:
        # Called from a source's thread: record and wake, never reload here.
        with self._lock:
            self._pending.update(variables or ("",))
        self._wake.set()

    def _on_env_change(self, key: str, old: str | None, new: str | None, source: str) -> None:
        self._on_change(frozenset({key}))

    def _run(self) -> None:
        while True:
            self._wake.wait()
            with self._lock:
                if self._stopping:
                    return
                self._wake.clear()
                trigger, self._pending = self._pending, set()
            try:
                self.refresh(frozenset(trigger - {""}))
            except Exception:  # a reload must never kill the reload thread
                logger.exception("configuration reload failed; the running config stays")

    def refresh(self, trigger: frozenset[str] = frozenset()) -> ConfigUpdate:
        """Re-resolve now and swap the result in if it is valid (what a source change does).

        Returns:
            What happened (also given to the callbacks when something changed).
        """
        with self._reload_lock:
            current = self._snapshot
            if current is None:
                raise RuntimeError("LiveConfig.start() has not been called.")
            self._recover_sources()
            inspection = self._inspect(self._current_sources())
            errors = self._rejection(inspection)
            if errors or inspection.config is None:
                with self._lock:
                    self._last_rejection = tuple(errors)
                logger.warning(
                    "configuration change rejected, keeping generation %d: %s",
                    current.generation,
                    "; ".join(errors),
                )
                update = ConfigUpdate(
                    current.generation, current.config, rejected=tuple(errors), trigger=trigger
                )
                self._notify(update)
                return update
            applied, held = self._diff(current, inspection)
            config = inspection.config
            if held:
                config = config.replace(**{c.field: getattr(current.config, c.field) for c in held})
            new_restart = held != self._pending_restart
            with self._lock:
                self._pending_restart = held
                self._last_rejection = ()
            if applied:
                shown = {
                    spec.name: inspection.load.shown_value(spec) for spec in inspection.load.fields
                }
                shown.update({c.field: current.shown[c.field] for c in held})
                self._snapshot = _Snapshot(config, inspection, current.generation + 1, shown)
                with self._lock:
                    self._last_reload = time.time()
            if applied or new_restart:
                self._save_last_known_good(inspection)
            update = ConfigUpdate(self.generation, self.config, applied, held, (), trigger)
            if applied or (held and new_restart):
                self._notify(update)
            return update

    # -- internals ----------------------------------------------------------------------

    def _inspect(self, sources: Sequence[ValueSource]) -> ConfigInspection:
        return inspect_service(
            self.schema, self.env, self.environment, mode=self.mode, sources=sources
        )

    def _rejection(self, inspection: ConfigInspection) -> list[str]:
        """Why a snapshot cannot be used: mode errors, failed conversions, failed sources."""
        problems: list[Problem] = list(inspection.validation.errors)
        seen = {str(p) for p in problems}
        for problem in inspection.load.problems:
            if problem.rule in ("schema.type", "source.unavailable") and str(problem) not in seen:
                problems.append(problem)
                seen.add(str(problem))
        return [str(p) for p in problems]

    def _startup_sources(self) -> tuple[ValueSource, ...]:
        specs = fields_of(self.schema)
        probe = specs[0].canonical if specs else "ENVIRONMENT"
        failures = {s.name: source_failure(s, probe) for s in self.remote}
        down = [s for s in self.remote if failures[s.name] is not None]
        if not down:
            return self._sources
        names = ", ".join(s.name for s in down)
        details = " ".join(str(failures[s.name]) for s in down)
        saved = None
        reason = "no last-known-good copy is configured"
        if self.last_known_good is not None:
            try:
                saved = self.last_known_good.load(self.schema.__name__, self.environment.value)
            except LastKnownGoodError as exc:
                reason = str(exc).rstrip(".")
        if saved is None:
            if self.environment in DEPLOYED:
                wanted = ", ".join(spec.canonical for spec in specs[:20])
                more = f" and {len(specs) - 20} more" if len(specs) > 20 else ""
                raise ConfigurationError(
                    f"{self.schema.__name__} in {self.environment.value}: the source(s) {names} "
                    f"cannot be read at startup, and {reason}. {details} The service's "
                    f"variables: {wanted}{more}. A successful start writes the last-known-good "
                    "copy that lets the next start survive an outage."
                )
            # Development and tests start without it (DEGRADED) and pick it up when it answers.
            logger.warning("source(s) %s down at startup (%s); %s", names, details, reason)
        else:
            logger.warning(
                "source(s) %s down at startup; starting from the last-known-good copy saved at %s",
                names,
                time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(saved.saved_at)),
            )
        path = str(self.last_known_good.path) if self.last_known_good else None
        with self._lock:
            for source in down:
                values = saved.sources.get(source.name, {}) if saved else {}
                omitted = saved.omitted.get(source.name, ()) if saved else ()
                self._stand_ins[source.name] = SnapshotSource(
                    source.name, values, path=path, omitted=omitted
                )
        return self._current_sources()

    def _current_sources(self) -> tuple[ValueSource, ...]:
        with self._lock:
            stand_ins = dict(self._stand_ins)
        if not stand_ins:
            return self._sources
        return tuple(stand_ins.get(s.name, s) for s in self._sources)

    def _recover_sources(self) -> None:
        with self._lock:
            names = list(self._stand_ins)
        for source in self.remote:
            if source.name in names and source.status().up:
                with self._lock:
                    self._stand_ins.pop(source.name, None)

    def _diff(
        self, current: _Snapshot, inspection: ConfigInspection
    ) -> tuple[tuple[FieldChange, ...], tuple[FieldChange, ...]]:
        new_load = inspection.load
        new_config = inspection.config
        applied: list[FieldChange] = []
        held: list[FieldChange] = []
        for spec in fields_of(self.schema):
            if getattr(current.config, spec.name) == getattr(new_config, spec.name):
                continue
            resolved = new_load.values[spec.name]
            change = FieldChange(
                spec.name,
                resolved.variable or spec.canonical,
                current.shown[spec.name],
                new_load.shown_value(spec),
                spec.sensitive,
                spec.restart_required,
            )
            (held if spec.restart_required else applied).append(change)
        return tuple(applied), tuple(held)

    def _save_last_known_good(self, inspection: ConfigInspection | None = None) -> None:
        lkg = self.last_known_good
        if lkg is None or not self.remote:
            return
        with self._lock:
            if self._stand_ins:
                return  # never overwrite a good copy with values that came from it
        inspection = inspection or self.inspection
        assert inspection is not None
        env, specs = self.environment, fields_of(self.schema)
        secret = {v for s in specs if s.sensitive for v in s.variable_names(env)}
        variables = [v for s in specs for v in s.variable_names(env)]
        saved: dict[str, dict[str, str]] = {}
        omitted: dict[str, list[str]] = {}
        for source in self.remote:
            try:
                hits = {v: hit for v in variables if (hit := source.lookup(v)) is not None}
            except Exception:
                return  # a source failing now: keep the previous copy
            saved[source.name] = {v: hit.value for v, hit in hits.items() if v not in secret}
            omitted[source.name] = [v for v in hits if v in secret]  # names only, for startup
        try:
            lkg.save(self.schema.__name__, self.environment.value, saved, omitted)
        except (LastKnownGoodError, OSError) as exc:
            logger.warning("could not write the last-known-good copy: %s", exc)

    def _notify(self, update: ConfigUpdate) -> None:
        with self._lock:
            callbacks = tuple(self._callbacks)
        for callback, loop in callbacks:
            if loop is not None:
                loop.call_soon_threadsafe(_run_on_loop, callback, update)
                continue
            try:
                callback(update)
            except Exception as exc:
                logger.warning("config update callback failed: %s", type(exc).__name__)

    def __repr__(self) -> str:
        return f"<LiveConfig {self.schema.__name__} generation={self.generation}>"


def _run_on_loop(callback: UpdateCallback, update: ConfigUpdate) -> None:
    result = callback(update)
    if asyncio.iscoroutine(result):
        _tasks.add(task := asyncio.ensure_future(result))  # keep a reference while it runs
        task.add_done_callback(_tasks.discard)


_tasks: set[asyncio.Future[Any]] = set()
