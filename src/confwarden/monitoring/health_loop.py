"""Continuous configuration health: validate the live configuration again every 30 seconds.

spec/003 "Configuration Health Monitoring": a validation loop, a 0-100 score, alerts on
critical changes. A configuration valid at startup can go bad at run time (a secret rotated
to a short value, a source gone, a hot reload with a typo), and nobody looks at startup logs
an hour later. The monitor keeps a bounded history of scores, and raises an :class:`Alert`
when validation starts failing (or recovers), when the change tracker flags a critical
change, when a source goes down or comes back, and when the configuration is reloaded.

It must never take the service down: a validator that raises, or an alert callback that
raises, is counted and reported (the exception's type only: its text may quote a value).

Sources are read through :class:`StatusReporting` (anything with ``status()`` returning a
name, ``up``, ``detail`` and ``last_ok``: :class:`confwarden.secrets.base.ValueSource` does),
and reloads are reported with :meth:`ConfigHealthMonitor.record_reload` (a live-config
holder calls it), so nothing here depends on how sources or reloads are implemented.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from confwarden.monitoring._listeners import Listeners

if TYPE_CHECKING:
    from confwarden.config.change_tracker import ChangeTracker, TrackedChange
    from confwarden.config.manager import UnifiedConfigManager
    from confwarden.config.validation import ValidationResult

__all__ = [
    "Alert",
    "AlertSeverity",
    "ConfigHealthMonitor",
    "HealthSample",
    "ReloadNotifier",
    "ReloadUpdate",
    "SourceStatusLike",
    "StatusReporting",
]

logger = logging.getLogger("confwarden.monitoring.health")


class SourceStatusLike(Protocol):
    """A source's status: :class:`confwarden.secrets.base.SourceStatus` has this shape."""

    @property
    def name(self) -> str: ...
    @property
    def up(self) -> bool: ...
    @property
    def detail(self) -> str: ...
    @property
    def last_ok(self) -> float | None: ...


class StatusReporting(Protocol):
    """Anything that can say whether it is up (a value source)."""

    def status(self) -> SourceStatusLike:
        """The source's current status."""
        ...


class ReloadUpdate(Protocol):
    """What a live-config holder tells after a reload (``LiveConfig``'s ``ConfigUpdate``)."""

    @property
    def accepted(self) -> bool: ...
    @property
    def applied(self) -> Sequence[Any]: ...
    @property
    def rejected(self) -> Sequence[str]: ...


class ReloadNotifier(Protocol):
    """A live-config holder that reports its reloads to callbacks."""

    def add_callback(self, callback: Callable[[ReloadUpdate], Any]) -> None:
        """Call ``callback(update)`` after each reload."""
        ...


class AlertSeverity(StrEnum):
    """How urgent an alert is."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


@dataclass(frozen=True, slots=True)
class Alert:
    """Something about the configuration a person should know now.

    Attributes:
        kind: ``validation_failed``, ``validation_recovered``, ``critical_change``,
            ``source_down``, ``source_up``, ``reload``, ``reload_failed``, ``restart_required``,
            ``validator_failed``, ``validator_recovered``.
        severity: how urgent.
        message: one line, masked (names and shapes, never values).
        timestamp: the monitor's clock.
        detail: JSON-ready extra facts (masked).
    """

    kind: str
    severity: AlertSeverity
    message: str
    timestamp: float
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "type": "config_alert",
            "kind": self.kind,
            "severity": self.severity.value,
            "message": self.message,
            "timestamp": self.timestamp,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class HealthSample:
    """One validation of the live configuration."""

    timestamp: float
    score: int
    status: str
    mode: str
    errors: int
    warnings: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "timestamp": self.timestamp,
            "score": self.score,
            "status": self.status,
            "mode": self.mode,
            "errors": self.errors,
            "warnings": self.warnings,
        }


class ConfigHealthMonitor:
    """Validate the configuration periodically, keep the scores, raise alerts.

    Args:
        validate: returns a fresh :class:`ValidationResult` of the live configuration
            (:meth:`from_manager` builds it from a :class:`UnifiedConfigManager`).
        sources: value sources to watch for outages.
        change_tracker: a :class:`ChangeTracker` whose critical changes become alerts.
        interval: seconds between two validations (spec/003: 30).
        history: how many samples to keep.
        clock: POSIX seconds; inject a fake one in tests.

    Example:
        >>> from confwarden.config.validation import ConfigurationValidator, ValidationContext
        >>> from confwarden.environment.detection import Environment
        >>> ctx = ValidationContext.from_variables(Environment.DEVELOPMENT, {})
        >>> monitor = ConfigHealthMonitor(lambda: ConfigurationValidator().validate(ctx))
        >>> monitor.check().score
        100
    """

    def __init__(
        self,
        validate: Callable[[], ValidationResult],
        *,
        sources: Sequence[StatusReporting] = (),
        change_tracker: ChangeTracker | None = None,
        interval: float = 30.0,
        history: int = 120,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._validate = validate
        self.sources = tuple(sources)
        self.interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self.history: deque[HealthSample] = deque(maxlen=history)
        self.alerts: deque[Alert] = deque(maxlen=200)
        self.last_result: ValidationResult | None = None
        self.last_error: str | None = None
        #: When the last check ran (successful or not); None before the first.
        self.last_checked: float | None = None
        self.validator_failures = 0
        self.loop_errors = 0
        self.source_errors = 0
        self.reloads = 0
        self.reload_failures = 0
        self.last_reload: float | None = None
        #: Fields whose new value waits for a restart (names only).
        self.restart_pending: tuple[str, ...] = ()
        self._source_up: dict[str, bool] = {}
        self._source_status: dict[str, SourceStatusLike] = {}
        self._source_failures: dict[str, str] = {}
        self._failing: set[tuple[str, str]] = set()
        self._listeners: Listeners[Alert] = Listeners("alert", logger)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if change_tracker is not None:
            change_tracker.add_callback(self._on_change)

    @classmethod
    def from_manager(cls, manager: UnifiedConfigManager, **kwargs: Any) -> ConfigHealthMonitor:
        """A monitor validating ``manager``'s configuration as it is now (no cache)."""
        return cls(lambda: manager.inspect().validation, **kwargs)

    # -- one check --------------------------------------------------------------------------

    def check(self) -> HealthSample | None:
        """Validate once, record the sample, raise alerts. None when the validator crashed
        or returned something that is not a validation result (counted, alerted)."""
        now = self._clock()
        self._check_sources(now)
        try:
            result = self._validate()
        except Exception as exc:
            self._validator_failed(f"the validator raised {type(exc).__name__}", now)
            return None
        try:
            sample, failing, errors = _read(result, now)
        except Exception:
            reason = f"the validator returned a malformed result ({type(result).__name__})"
            self._validator_failed(reason, now)
            return None
        with self._lock:
            recovered, self.last_error = self.last_error is not None, None
            self.last_checked = now
            self.history.append(sample)
            self.last_result = result
        if recovered:
            message = "the configuration validator works again"
            self._raise(Alert("validator_recovered", AlertSeverity.INFO, message, now))
        self._compare(sample, failing, errors, now)
        return sample

    def _validator_failed(self, reason: str, now: float) -> None:
        with self._lock:
            self.validator_failures += 1
            repeated, self.last_error = self.last_error == reason, reason
            self.last_checked = now
        if repeated:  # counted; alerted once per failure, not at every interval
            logger.debug("configuration health check still failing: %s", reason)
            return
        logger.error("configuration health check failed: %s", reason)
        self._raise(Alert("validator_failed", AlertSeverity.CRITICAL, reason, now))

    def _compare(
        self,
        sample: HealthSample,
        failing: set[tuple[str, str]],
        errors: list[dict[str, Any]],
        now: float,
    ) -> None:
        new = failing - self._failing
        if new:
            names = ", ".join(sorted({variable for variable, _ in new}))
            self._raise(
                Alert(
                    "validation_failed",
                    AlertSeverity.CRITICAL,
                    f"configuration validation fails in mode {sample.mode}: {names}",
                    now,
                    {"errors": errors, "score": sample.score},
                )
            )
        elif self._failing and not failing:
            self._raise(
                Alert(
                    "validation_recovered",
                    AlertSeverity.INFO,
                    f"configuration valid again (score {sample.score}/100)",
                    now,
                )
            )
        self._failing = failing

    def _check_sources(self, now: float) -> None:
        for source in self.sources:
            try:
                status = source.status()
            except Exception as exc:
                self._source_failed(source, f"status() raised {type(exc).__name__}")
                continue
            try:
                name, up, detail = _read_status(status)
            except (TypeError, AttributeError):
                self._source_failed(source, "status() returned a malformed object")
                continue
            with self._lock:
                self._source_failures.pop(name, None)
                self._source_status[name] = status
                before = self._source_up.get(name, True)
                self._source_up[name] = up
            if before and not up:
                self._raise(
                    Alert(
                        "source_down",
                        AlertSeverity.CRITICAL,
                        f"configuration source {name} is down: {detail}",
                        now,
                        {"source": name, "last_ok": status.last_ok},
                    )
                )
            elif not before and up:
                self._raise(Alert("source_up", AlertSeverity.INFO, f"{name} is back", now))

    def _source_failed(self, source: StatusReporting, reason: str) -> None:
        name = getattr(source, "name", None)
        name = name if isinstance(name, str) else type(source).__name__
        with self._lock:
            self.source_errors += 1
            self._source_failures[name] = reason
        logger.error("source status failed: %s: %s", name, reason)

    def source_failures(self) -> dict[str, str]:
        """Sources whose last status could not be read, with why (an exception type name)."""
        with self._lock:
            return dict(self._source_failures)

    def source_statuses(self) -> list[SourceStatusLike]:
        """The last status seen of every source."""
        with self._lock:
            return list(self._source_status.values())

    # -- events from elsewhere --------------------------------------------------------------

    def record_reload(self, *, ok: bool, detail: str = "") -> None:
        """A live-config holder reloaded (``ok``) or rejected a new configuration.

        ``detail`` must already be masked (a list of variable names, a source name).
        """
        now = self._clock()
        if ok:
            self.reloads += 1
            self.last_reload = now
            self._raise(
                Alert("reload", AlertSeverity.INFO, f"configuration reloaded {detail}".strip(), now)
            )
        else:
            self.reload_failures += 1
            self._raise(
                Alert(
                    "reload_failed",
                    AlertSeverity.CRITICAL,
                    f"configuration reload rejected, the last good one stays {detail}".strip(),
                    now,
                )
            )

    def follow_reloads(self, holder: ReloadNotifier) -> None:
        """Turn every reload of a live-config holder into a ``reload``/``reload_failed`` alert.

        ``holder.add_callback(callback)`` must call ``callback(update)`` after each reload,
        with ``update.accepted``, ``update.applied`` (changes with a ``field``) and
        ``update.rejected`` (masked reasons): the shape of
        :class:`confwarden.config.live.LiveConfig`'s updates.
        """
        holder.add_callback(self._on_reload)

    def _on_reload(self, update: ReloadUpdate) -> None:
        if not update.accepted:
            self.record_reload(ok=False, detail="(" + "; ".join(update.rejected) + ")")
            return
        held = tuple(str(getattr(c, "field", c)) for c in getattr(update, "restart_required", ()))
        fields = ", ".join(str(getattr(c, "field", c)) for c in update.applied)
        if fields or not held:  # only held fields: nothing was reloaded
            self.record_reload(ok=True, detail=f"({fields})" if fields else "")
        # Each update lists every field still held (differing from what runs): the latest is
        # what is pending; only a newly held field is announced.
        with self._lock:
            new, self.restart_pending = set(held) - set(self.restart_pending), held
        if new:
            message = f"restart required for: {', '.join(held)} (changed; the running service "
            message += "keeps the old value until it restarts)"
            detail, warning = {"fields": list(held)}, AlertSeverity.WARNING
            self._raise(Alert("restart_required", warning, message, self._clock(), detail))

    def _on_change(self, record: TrackedChange) -> None:
        change = record.change
        self._raise(
            Alert(
                "critical_change",
                AlertSeverity.CRITICAL if change.critical else AlertSeverity.WARNING,
                f"{change.variable} changed at run time ({change.classification.label}) "
                f"by {record.source}",
                self._clock(),
                record.to_dict(),
            )
        )

    # -- alerts -----------------------------------------------------------------------------

    def add_alert_callback(self, callback: Callable[[Alert], None]) -> None:
        """Call ``callback(alert)`` for every alert (from the thread that raised it)."""
        self._listeners.add(callback)

    @property
    def callback_errors(self) -> int:
        """Alert callbacks that raised (logged by exception type, never raised)."""
        return self._listeners.errors

    def _raise(self, alert: Alert) -> None:
        level = logging.CRITICAL if alert.severity is AlertSeverity.CRITICAL else logging.INFO
        logger.log(level, "%s: %s", alert.kind, alert.message)
        with self._lock:
            self.alerts.append(alert)
        self._listeners.call(alert)

    # -- the loop ---------------------------------------------------------------------------

    def start(self) -> None:
        """Validate now (so the first report has data), then every :attr:`interval` seconds
        in a daemon thread (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._check_guarded()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="config-health", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = 5.0) -> None:
        """Stop the thread and wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._check_guarded()

    def _check_guarded(self) -> None:
        # check() handles every failure it knows of; this catches the unforeseen ones so the
        # loop never dies (a dead loop would leave the last good sample on show).
        try:
            self.check()
        except Exception as exc:
            self.loop_errors += 1
            logger.error("configuration health loop: check failed: %s", type(exc).__name__)

    def now(self) -> float:
        """The monitor's clock (the report uses it to tell a stale sample)."""
        return self._clock()

    async def run_async(self, stop: asyncio.Event | None = None) -> None:
        """The loop as a coroutine; validation runs in a worker thread (it may do I/O)."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            await asyncio.to_thread(self._check_guarded)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval)

    def __repr__(self) -> str:
        last = self.history[-1].score if self.history else None
        return f"<ConfigHealthMonitor interval={self.interval:g}s last_score={last}>"


def _read(
    result: ValidationResult, now: float
) -> tuple[HealthSample, set[tuple[str, str]], list[dict[str, Any]]]:
    """Everything the monitor keeps of a result; raises on anything malformed, so that a
    broken validator counts as a failed check instead of killing the loop later."""
    sample = HealthSample(
        now,
        int(result.health_score),
        str(result.health_status),
        str(result.mode.value),
        len(result.errors),
        len(result.warnings),
    )
    failing = {(str(p.variable), str(p.rule)) for p in result.errors}
    errors = [p.to_dict() for p in result.errors]
    return sample, failing, errors


def _read_status(status: SourceStatusLike) -> tuple[str, bool, str]:
    name, up, detail = status.name, status.up, status.detail
    if not (isinstance(name, str) and isinstance(up, bool) and isinstance(detail, str)):
        raise TypeError("malformed source status")
    return name, up, detail
