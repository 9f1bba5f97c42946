"""Prometheus metrics derived from the monitoring hub at scrape time.

The figures are read from the same monitors the health report judges, when Prometheus
scrapes, through a custom collector in a private registry: nothing is double-counted, no
global registry of the host application is touched, and a service can mount several hubs.
Labels are state names, death causes, source names and drop reasons: never a value.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from confwarden.monitoring.deaths import DeathCause
from confwarden.monitoring.report import Status

if TYPE_CHECKING:
    from confwarden.monitoring.hub import MonitoringHub

__all__ = ["CONTENT_TYPE", "HubCollector", "render_metrics"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class HubCollector(Collector):
    """Collect confwarden's metrics from a :class:`MonitoringHub`."""

    def __init__(self, hub: MonitoringHub) -> None:
        self.hub = hub

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
        for reason, count in sorted(bus.dropped.items()):
            dropped.add_metric([reason], count)
        yield dropped


def render_metrics(hub: MonitoringHub) -> bytes:
    """The Prometheus text exposition of ``hub``'s metrics."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(HubCollector(hub))
    return generate_latest(registry)
