"""Runtime monitoring: configuration health, execution liveness and event flow (spec/003).

A library any service embeds, without a web server (``confwarden.server`` serves it):

* :class:`ConfigHealthMonitor` validates the live configuration every 30 s and raises alerts;
* :class:`ExecutionTracker` (+ :func:`track`, :func:`atrack`, :func:`traced`,
  :class:`LivenessChecker`) detects executions that die silently (``agent_death`` events);
* :class:`EventFlowMonitor` (+ :class:`MonitoredWebSocket`) detects events never delivered;
* :func:`build_report` turns them into one :class:`HealthReport` (UP / DEGRADED / DOWN).

Intervals and thresholds come from :class:`MonitoringSettings`, a schema to include.
"""

from __future__ import annotations

from confwarden.monitoring.asgi import (
    EventDeliveryError,
    MonitoredWebSocket,
    verify_event_delivery,
)
from confwarden.monitoring.bus import EventBus, Subscription
from confwarden.monitoring.deaths import DeathCause, DeathEvent, RecoveryAction
from confwarden.monitoring.event_flow import (
    ConnectionHealth,
    EventFlowAlert,
    EventFlowMonitor,
    SilentFailure,
)
from confwarden.monitoring.executions import (
    Execution,
    ExecutionLimitError,
    ExecutionState,
    ExecutionTracker,
    UnknownExecutionError,
)
from confwarden.monitoring.health_loop import (
    Alert,
    AlertSeverity,
    ConfigHealthMonitor,
    HealthSample,
)
from confwarden.monitoring.hub import MonitoringHub
from confwarden.monitoring.liveness import ExecutionHandle, LivenessChecker, atrack, traced, track
from confwarden.monitoring.report import ComponentHealth, HealthReport, Status, build_report
from confwarden.monitoring.settings import MonitoringSettings, MonitoringValues

__all__ = [
    "Alert",
    "AlertSeverity",
    "ComponentHealth",
    "ConfigHealthMonitor",
    "ConnectionHealth",
    "DeathCause",
    "DeathEvent",
    "EventBus",
    "EventDeliveryError",
    "EventFlowAlert",
    "EventFlowMonitor",
    "Execution",
    "ExecutionHandle",
    "ExecutionLimitError",
    "ExecutionState",
    "ExecutionTracker",
    "HealthReport",
    "HealthSample",
    "LivenessChecker",
    "MonitoredWebSocket",
    "MonitoringHub",
    "MonitoringSettings",
    "MonitoringValues",
    "RecoveryAction",
    "SilentFailure",
    "Status",
    "Subscription",
    "UnknownExecutionError",
    "atrack",
    "build_report",
    "traced",
    "track",
    "verify_event_delivery",
]
