"""One object holding a service's monitors, wired together, with the views the server serves.

A service that wants all of spec/003's runtime monitoring creates one :class:`MonitoringHub`:
it owns the configuration health monitor (when given a config manager), the execution
tracker, the event-flow monitor, the liveness checker and the :class:`EventBus`, and wires
them: deaths, alerts and health changes are published on the bus (the server's WebSocket
stream), and the views (:meth:`config_view`, :meth:`validation_view`,
:meth:`executions_view`) are the masked JSON the server's endpoints return. Nothing here
imports a web framework.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from confwarden.monitoring.bus import EventBus
from confwarden.monitoring.deaths import DeathEvent, iso_utc
from confwarden.monitoring.event_flow import EventFlowAlert, EventFlowMonitor
from confwarden.monitoring.executions import ExecutionTracker
from confwarden.monitoring.health_loop import (
    Alert,
    ConfigHealthMonitor,
    ReloadNotifier,
    StatusReporting,
)
from confwarden.monitoring.liveness import LivenessChecker
from confwarden.monitoring.report import HealthReport, Status, build_report
from confwarden.monitoring.settings import MonitoringSettings, MonitoringValues

if TYPE_CHECKING:
    from confwarden.config.change_tracker import ChangeTracker
    from confwarden.config.inspection import ConfigInspection
    from confwarden.config.manager import UnifiedConfigManager
    from confwarden.config.validation import ValidationResult

__all__ = ["MonitoringHub"]


class MonitoringHub:
    """A service's monitors, wired to one event bus.

    Args:
        manager: the service's config manager; without one there is no ``config`` component.
        settings: intervals and limits; by default the manager's config when its schema
            includes :class:`MonitoringSettings`, else the spec's defaults.
        sources: value sources to watch for outages; by default, when the manager is live
            (``bootstrap(..., live=True)``), its remote stores.
        change_tracker: a change tracker whose critical changes become alerts.
        reloads: a live-config holder (``LiveConfig``) whose reloads become alerts; by
            default the manager's live configuration, if it has one.
        health_interval: seconds between two validations (spec/003: 30).
        window: how far back deaths and silent failures count in the report.
        clock: POSIX seconds (tests inject a fake one).
        backlog: events a new WebSocket client receives first.
        client_queue: unread events a client may have before it is dropped.

    Example:
        >>> hub = MonitoringHub()
        >>> hub.report().status.value
        'UP'
    """

    def __init__(
        self,
        manager: UnifiedConfigManager | None = None,
        *,
        settings: MonitoringValues | None = None,
        sources: Sequence[StatusReporting] = (),
        change_tracker: ChangeTracker | None = None,
        reloads: ReloadNotifier | None = None,
        health_interval: float = 30.0,
        window: float = 300.0,
        clock: Callable[[], float] = time.time,
        backlog: int = 200,
        client_queue: int = 1000,
    ) -> None:
        self.manager = manager
        self.settings = settings or _settings_of(manager)
        self.window = window
        self._clock = clock
        self.bus = EventBus(backlog=backlog, max_queue=client_queue)
        self.flow = EventFlowMonitor(self.settings, clock=clock)
        self.tracker = ExecutionTracker(self.settings, clock=clock, events=self.flow)
        self.tracker.death_window = window
        self.checker = LivenessChecker(self.tracker)
        self.inspection: ConfigInspection | None = None
        self.config: ConfigHealthMonitor | None = None
        live = manager.live if manager is not None else None
        if live is not None:  # a live manager: its stores' outages and its reloads count
            sources = sources or live.remote
            reloads = live if reloads is None else reloads
        if manager is not None:
            self.config = ConfigHealthMonitor(
                self._validate,
                sources=sources,
                change_tracker=change_tracker,
                interval=health_interval,
                clock=clock,
            )
            self.config.add_alert_callback(self._on_alert)
            if reloads is not None:
                self.config.follow_reloads(reloads)
        self.tracker.add_death_callback(self._on_death)
        self.flow.add_alert_callback(self._on_flow_alert)
        self._status: Status | None = None
        self._status_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- wiring -----------------------------------------------------------------------------

    def _validate(self) -> ValidationResult:
        assert self.manager is not None
        inspection = self.manager.inspect()
        self.inspection = inspection
        return inspection.validation

    def _on_death(self, event: DeathEvent) -> None:
        self.bus.publish(event.to_dict())
        self.publish_health_change()

    def _on_alert(self, alert: Alert) -> None:
        self.bus.publish({**alert.to_dict(), "timestamp": iso_utc(alert.timestamp)})
        self.publish_health_change()

    def _on_flow_alert(self, alert: EventFlowAlert) -> None:
        self.bus.publish({**alert.to_dict(), "timestamp": iso_utc(alert.timestamp)})

    def publish_health_change(self) -> HealthReport:
        """Build the report; publish a ``health_change`` event when the status changed."""
        report = self.report()
        with self._status_lock:
            previous, self._status = self._status, report.status
        if previous is not None and previous is not report.status:
            reasons = {c.name: c.reason for c in report.components if c.status is not Status.UP}
            self.bus.publish(
                {
                    "type": "health_change",
                    "timestamp": iso_utc(report.timestamp),
                    "status": report.status.value,
                    "previous": previous.value,
                    "reasons": reasons,
                }
            )
        return report

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        """Validate now, then start every background loop (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            return
        if self.config is not None:
            self.config.start()
        # The status to compare with: the first change after start is published too.
        self.publish_health_change()
        self.checker.start()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="event-flow-check", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop every background loop."""
        self._stop.set()
        if self.config is not None:
            self.config.stop()
        self.checker.stop()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.settings.websocket_health_check_interval):
            self.flow.check()
            self.publish_health_change()

    # -- views ------------------------------------------------------------------------------

    def report(self) -> HealthReport:
        """The service's health now (from the monitors' last checks)."""
        return build_report(
            config=self.config,
            executions=self.tracker,
            event_flow=self.flow,
            window=self.window,
            clock=self._clock,
        )

    def config_view(self) -> dict[str, Any]:
        """Every field with its masked value and provenance (what ``GET /config`` returns)."""
        inspection = self.inspection
        if inspection is None:
            return {"loaded": False, "fields": []}
        load = inspection.load
        fields = []
        for spec in load.fields:
            described = load.describe(spec.name)
            if described is not None:
                described["group"] = spec.group
                fields.append(described)
        return {
            "loaded": True,
            "schema": load.schema.__name__,
            "environment": load.environment.value,
            "sources": [*load.sources, "schema defaults"],
            "fields": fields,
        }

    def validation_view(self) -> dict[str, Any]:
        """The last validation and the score history (``GET /config/validation``)."""
        monitor = self.config
        if monitor is None:
            return {"validated": False, "history": [], "alerts": []}
        result = monitor.last_result
        return {
            "validated": result is not None,
            "result": result.to_dict() if result is not None else None,
            "history": [s.to_dict() for s in monitor.history],
            "alerts": [a.to_dict() for a in monitor.alerts],
            "validator_failures": monitor.validator_failures,
            "interval_seconds": monitor.interval,
        }

    def executions_view(self) -> dict[str, Any]:
        """Tracked executions, newest first, with counts (``GET /executions``)."""
        records = self.tracker.executions()
        records.reverse()
        return {
            "active": self.tracker.active_count,
            "limit": self.settings.max_concurrent_agents,
            "counts": self.tracker.counts(),
            "deaths_by_cause": {c.value: n for c, n in self.tracker.deaths_by_cause.items()},
            "executions": [r.to_dict() for r in records[:200]],
        }

    def __repr__(self) -> str:
        return f"<MonitoringHub manager={self.manager!r} {self.tracker!r} {self.bus!r}>"


def _settings_of(manager: UnifiedConfigManager | None) -> MonitoringValues:
    # The values as loaded, even from a configuration that fails validation in its mode
    # (fields that failed conversion keep their defaults): monitoring must start regardless.
    if manager is not None and issubclass(manager.schema, MonitoringSettings):
        config = manager.inspect().load.config
        if isinstance(config, MonitoringSettings):
            return config
    return MonitoringSettings()
