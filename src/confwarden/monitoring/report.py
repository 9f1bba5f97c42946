"""One health model for a service: UP, DEGRADED or DOWN, and why, per component.

The server's ``/health`` endpoint serves this object, its Prometheus metrics are derived from
it, and a service without the server can log it: one model, so a dashboard, a load balancer
and a person reading logs never disagree. Each component (configuration, sources, executions,
event flow) gets a status and a one-line reason; the service's status is the worst of them.
Everything in it is names, counts and scores: no configuration value can be in a report.

Rules:

* configuration: DOWN when validation has errors in its mode (the service would refuse to
  start with it) or was never run successfully; DEGRADED when the validator crashed or
  returned a malformed result on the last check, when the last check is older than three
  intervals (the loop is not running: its last good score proves nothing), or the score is
  below 60; UP otherwise.
* sources: DEGRADED when one is down (the last good configuration stays in use) or its
  status could not be read.
* executions: DEGRADED when executions died in the last window.
* event flow: DEGRADED when connections are unhealthy or events were silently lost in the
  last window.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from confwarden.monitoring.deaths import iso_utc

if TYPE_CHECKING:
    from confwarden.monitoring.event_flow import EventFlowMonitor
    from confwarden.monitoring.executions import ExecutionTracker
    from confwarden.monitoring.health_loop import ConfigHealthMonitor

__all__ = ["ComponentHealth", "HealthReport", "Status", "build_report"]

_DEGRADED_BELOW = 60
# A sample older than this many intervals means the loop is not running.
_STALE_AFTER = 3


class Status(StrEnum):
    """A component's or service's state (Spring Actuator's words)."""

    UP = "UP"
    DEGRADED = "DEGRADED"
    DOWN = "DOWN"

    @property
    def rank(self) -> int:
        """0 for UP, 1 for DEGRADED, 2 for DOWN (worst wins)."""
        return (Status.UP, Status.DEGRADED, Status.DOWN).index(self)


@dataclass(frozen=True, slots=True)
class ComponentHealth:
    """One component: status, why, and JSON-ready figures."""

    name: str
    status: Status
    reason: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {"status": self.status.value, "reason": self.reason, "details": self.details}


@dataclass(frozen=True, slots=True)
class HealthReport:
    """A service's health.

    Example:
        >>> report = HealthReport.of([ComponentHealth("config", Status.UP, "score 100/100")])
        >>> report.status.value, report.http_status
        ('UP', 200)
    """

    status: Status
    components: tuple[ComponentHealth, ...]
    timestamp: float

    @classmethod
    def of(cls, components: list[ComponentHealth], timestamp: float | None = None) -> HealthReport:
        """The report of ``components``: the worst status wins (UP when there are none)."""
        status = max((c.status for c in components), key=lambda s: s.rank, default=Status.UP)
        return cls(status, tuple(components), time.time() if timestamp is None else timestamp)

    @property
    def http_status(self) -> int:
        """503 when DOWN (a load balancer takes the instance out), 200 otherwise."""
        return 503 if self.status is Status.DOWN else 200

    def component(self, name: str) -> ComponentHealth | None:
        """The component called ``name``."""
        return next((c for c in self.components if c.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (Spring Actuator's shape: ``status`` and ``components``)."""
        return {
            "status": self.status.value,
            "timestamp": iso_utc(self.timestamp),
            "components": {c.name: c.to_dict() for c in self.components},
        }


def build_report(
    *,
    config: ConfigHealthMonitor | None = None,
    executions: ExecutionTracker | None = None,
    event_flow: EventFlowMonitor | None = None,
    window: float = 300.0,
    clock: Any = time.time,
) -> HealthReport:
    """Judge every component given and combine them into one report.

    Args:
        config: the configuration health monitor (its last check is used; none is run).
        executions: the execution tracker.
        event_flow: the event-flow monitor.
        window: how far back deaths and silent failures count, in seconds.
        clock: POSIX seconds, for the report's timestamp.
    """
    components: list[ComponentHealth] = []
    if config is not None:
        components.append(_config(config))
        if config.sources:
            components.append(_sources(config))
    if executions is not None:
        components.append(_executions(executions))
    if event_flow is not None:
        components.append(_event_flow(event_flow, window))
    return HealthReport.of(components, clock())


def _config(monitor: ConfigHealthMonitor) -> ComponentHealth:
    result = monitor.last_result
    if result is None:
        reason = monitor.last_error or "not validated yet"
        return ComponentHealth("config", Status.DOWN, reason, {"score": None})
    details: dict[str, Any] = {
        "score": result.health_score,
        "status": result.health_status,
        "mode": result.mode.value,
        "environment": result.environment.value,
        "errors": [p.variable for p in result.errors],
        "warnings": len(result.warnings),
        "validator_failures": monitor.validator_failures,
        "source_errors": monitor.source_errors,
        "last_checked": monitor.last_checked,
        "restart_required": list(monitor.restart_pending),
    }
    if result.errors:
        names = ", ".join(dict.fromkeys(p.variable for p in result.errors))
        reason = f"{len(result.errors)} validation error(s) in mode {result.mode.value}: {names}"
        return ComponentHealth("config", Status.DOWN, reason, details)
    stale = _staleness(monitor)
    if stale is not None:
        return ComponentHealth("config", Status.DEGRADED, stale, details)
    if monitor.last_error is not None:
        return ComponentHealth("config", Status.DEGRADED, monitor.last_error, details)
    held = monitor.restart_pending
    if held:  # the running service is not using what its sources say
        reason = f"restart required for: {', '.join(held)}"
        return ComponentHealth("config", Status.DEGRADED, reason, details)
    if result.health_score < _DEGRADED_BELOW:
        reason = f"health score {result.health_score}/100 ({len(result.warnings)} warning(s))"
        return ComponentHealth("config", Status.DEGRADED, reason, details)
    return ComponentHealth("config", Status.UP, f"health score {result.health_score}/100", details)


def _staleness(monitor: ConfigHealthMonitor) -> str | None:
    """Why the last sample cannot be trusted any more: a loop that died (or was never
    started) must not keep showing its last good score."""
    if monitor.last_checked is None:
        return None
    age = monitor.now() - monitor.last_checked
    if age <= _STALE_AFTER * monitor.interval:
        return None
    return (
        f"stale: last validation {age:.0f} s ago, expected every {monitor.interval:g} s "
        "(is the health loop running?)"
    )


def _sources(monitor: ConfigHealthMonitor) -> ComponentHealth:
    statuses = monitor.source_statuses()
    failures = monitor.source_failures()
    details: dict[str, Any] = {
        s.name: {"up": s.up, "detail": s.detail, "last_ok": s.last_ok}
        for s in statuses
        if s.name not in failures
    }
    details.update({name: {"up": None, "detail": why} for name, why in failures.items()})
    problems = [f"{name}: {why}" for name, why in failures.items()]
    problems += [f"{s.name} is down ({s.detail})" for s in statuses if not s.up]
    if problems:
        return ComponentHealth("sources", Status.DEGRADED, "; ".join(problems), details)
    return ComponentHealth("sources", Status.UP, f"{len(statuses)} source(s) up", details)


def _executions(tracker: ExecutionTracker) -> ComponentHealth:
    deaths = tracker.recent_deaths()
    details: dict[str, Any] = {
        "active": tracker.active_count,
        "limit": tracker.settings.max_concurrent_agents,
        "by_state": tracker.counts(),
        "dead_recently": {cause.value: n for cause, n in deaths.items()},
        "window_seconds": tracker.death_window,
    }
    if deaths:
        causes = ", ".join(f"{cause.value}: {n}" for cause, n in sorted(deaths.items()))
        reason = (
            f"{sum(deaths.values())} execution(s) died in the last "
            f"{tracker.death_window:g} s ({causes})"
        )
        return ComponentHealth("executions", Status.DEGRADED, reason, details)
    return ComponentHealth(
        "executions", Status.UP, f"{tracker.active_count} active, none died recently", details
    )


def _event_flow(flow: EventFlowMonitor, window: float) -> ComponentHealth:
    unhealthy = flow.unhealthy_connections()
    failures = flow.recent_failures(window)
    details: dict[str, Any] = {
        "connections": len(flow.connections()),
        "unhealthy_connections": unhealthy,
        "silent_failures_recent": failures,
        "silent_failures_total": flow.totals["silent_failures"],
        "alerts": len(flow.alerts),
    }
    problems = []
    if unhealthy:
        problems.append(f"{len(unhealthy)} connection(s) without heartbeat")
    if failures:
        problems.append(f"{failures} event(s) not delivered in the last {window:g} s")
    if problems:
        return ComponentHealth("event_flow", Status.DEGRADED, "; ".join(problems), details)
    return ComponentHealth("event_flow", Status.UP, "every event delivered", details)
