"""Prometheus metrics derived from the monitoring hub at scrape time.

The figures are read from the same monitors the health report judges, when Prometheus
scrapes, through a custom collector in a private registry: nothing is double-counted, no
global registry of the host application is touched, and a service can mount several hubs.
Labels are state names, death causes, source names and drop reasons: never a value.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from confwarden.monitoring.bus import SLOW_CONSUMER
from confwarden.monitoring.deaths import DeathCause
from confwarden.monitoring.report import Status

if TYPE_CHECKING:
    from confwarden.config.live import ConfigUpdate, LiveConfig
    from confwarden.monitoring.hub import MonitoringHub

__all__ = ["CONTENT_TYPE", "HubCollector", "ReloadLedger", "render_metrics"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class ReloadLedger:
    """Reloads counted by the source of the values they changed (``dotenv``, ``secret``...).

    A reload is counted once per source kind that supplied one of its changed fields, with
    the time it happened. It follows the live configuration of the hub's manager, including
    one started after the server (``confwarden serve`` goes live once the configuration is
    valid).

    Example:
        >>> from confwarden.monitoring.hub import MonitoringHub
        >>> ReloadLedger(MonitoringHub()).counts
        Counter()
    """

    def __init__(self, hub: MonitoringHub) -> None:
        self.counts: Counter[str] = Counter()
        self.last: dict[str, float] = {}
        self._lock = threading.Lock()
        self._followed: Any = None
        manager = hub.manager
        if manager is not None:
            self._manager = manager
            manager.add_listener(self._attach)
            self._attach()

    def _attach(self) -> None:
        live = self._manager.live
        with self._lock:
            if live is None or live is self._followed:
                return
            self._followed = live
        live.add_callback(lambda update: self._record(live, update))

    def _record(self, live: LiveConfig[Any], update: ConfigUpdate) -> None:
        inspection = live.inspection
        # A held change (restart required) was still read again from its source.
        changes = (*update.applied, *update.restart_required)
        if not update.accepted or not changes or inspection is None:
            return
        values = inspection.load.values
        kinds = {values[c.field].source.kind.value for c in changes if c.field in values}
        now = time.time()
        with self._lock:
            for kind in kinds:
                self.counts[kind] += 1
                self.last[kind] = now


class HubCollector(Collector):
    """Collect confwarden's metrics from a :class:`MonitoringHub`."""

    def __init__(self, hub: MonitoringHub, ledger: ReloadLedger | None = None) -> None:
        self.hub = hub
        self.ledger = ledger

    def collect(self) -> Iterator[Metric]:
        """Yield every metric family (called on each scrape)."""
        hub = self.hub
        report = hub.report()
        status = GaugeMetricFamily(
            "confwarden_health_status",
            "Service health: 1 for the current status, 0 for the others",
            labels=["status"],
        )
        for value in Status:
            status.add_metric([value.value], 1.0 if report.status is value else 0.0)
        yield status
        yield from self._config()
        yield from self._executions()
        yield from self._events()

    def _config(self) -> Iterator[Metric]:
        monitor = self.hub.config
        if monitor is None:
            return
        result = monitor.last_result
        if result is not None:
            yield GaugeMetricFamily(
                "confwarden_config_health_score",
                "Configuration health score (0-100) of the last validation",
                value=result.health_score,
            )
            yield GaugeMetricFamily(
                "confwarden_config_errors", "Validation errors", value=len(result.errors)
            )
            yield GaugeMetricFamily(
                "confwarden_config_warnings", "Validation warnings", value=len(result.warnings)
            )
        yield CounterMetricFamily(
            "confwarden_config_validator_failures",
            "Validations that raised instead of returning a result",
            value=monitor.validator_failures,
        )
        yield CounterMetricFamily(
            "confwarden_config_reloads", "Configuration reloads accepted", value=monitor.reloads
        )
        yield GaugeMetricFamily(
            "confwarden_config_restart_required",
            "Fields changed in their source whose new value waits for a restart",
            value=len(monitor.restart_pending),
        )
        yield CounterMetricFamily(
            "confwarden_config_reload_failures",
            "Configuration reloads rejected",
            value=monitor.reload_failures,
        )
        if monitor.last_reload is not None:
            yield GaugeMetricFamily(
                "confwarden_config_last_reload_age_seconds",
                "Seconds since the last accepted reload",
                value=time.time() - monitor.last_reload,
            )
        up = GaugeMetricFamily(
            "confwarden_source_up", "1 when a configuration source answers", labels=["source"]
        )
        age = GaugeMetricFamily(
            "confwarden_source_last_ok_age_seconds",
            "Seconds since a source last answered",
            labels=["source"],
        )
        now = time.time()
        for source in monitor.source_statuses():
            up.add_metric([source.name], 1.0 if source.up else 0.0)
            if source.last_ok is not None:
                age.add_metric([source.name], now - source.last_ok)
        yield up
        yield age
        if self.ledger is not None:
            yield from self._reloads(self.ledger, now)

    def _reloads(self, ledger: ReloadLedger, now: float) -> Iterator[Metric]:
        counts = CounterMetricFamily(
            "confwarden_source_reloads",
            "Accepted reloads that changed a value of this kind of source",
            labels=["source"],
        )
        ages = GaugeMetricFamily(
            "confwarden_source_last_reload_age_seconds",
            "Seconds since a reload last changed a value of this kind of source",
            labels=["source"],
        )
        for kind, count in sorted(ledger.counts.items()):
            counts.add_metric([kind], count)
            ages.add_metric([kind], now - ledger.last[kind])
        yield counts
        yield ages

    def _executions(self) -> Iterator[Metric]:
        tracker = self.hub.tracker
        states = GaugeMetricFamily(
            "confwarden_executions", "Tracked executions by state", labels=["state"]
        )
        for state, count in tracker.counts().items():
            states.add_metric([state], count)
        yield states
        deaths = CounterMetricFamily(
            "confwarden_execution_deaths", "Executions declared dead, by cause", labels=["cause"]
        )
        for cause in DeathCause:
            deaths.add_metric([cause.value], tracker.deaths_by_cause[cause])
        yield deaths

    def _events(self) -> Iterator[Metric]:
        flow, bus = self.hub.flow, self.hub.bus
        yield CounterMetricFamily(
            "confwarden_event_silent_failures",
            "Events not delivered within WEBSOCKET_EVENT_TIMEOUT",
            value=flow.totals["silent_failures"],
        )
        yield GaugeMetricFamily(
            "confwarden_event_unhealthy_connections",
            "Connections without a heartbeat for 2 x WEBSOCKET_HEARTBEAT_INTERVAL",
            value=len(flow.unhealthy_connections()),
        )
        yield GaugeMetricFamily(
            "confwarden_event_stream_clients", "Live /events clients", value=bus.subscriber_count
        )
        yield CounterMetricFamily(
            "confwarden_event_stream_published", "Events published", value=bus.published
        )
        dropped = CounterMetricFamily(
            "confwarden_event_stream_dropped_clients",
            "/events clients dropped, by reason",
            labels=["reason"],
        )
        # The slow-consumer series exists from the start: an alert on its rate needs a zero.
        reasons = {SLOW_CONSUMER: 0, **bus.dropped}
        for reason, count in sorted(reasons.items()):
            dropped.add_metric([reason], count)
        yield dropped


def render_metrics(hub: MonitoringHub, ledger: ReloadLedger | None = None) -> bytes:
    """The Prometheus text exposition of ``hub``'s metrics."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(HubCollector(hub, ledger))
    return generate_latest(registry)
