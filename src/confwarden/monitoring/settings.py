"""The monitoring intervals and thresholds, as configuration fields a project can include.

spec/003 names nine variables for its event monitor and its agent execution tracker
(``AGENT_HEARTBEAT_TIMEOUT`` 10 s, ``WEBSOCKET_EVENT_TIMEOUT`` 30 s, ...). They are fields of
:class:`MonitoringSettings`, a :class:`~confwarden.config.schema.ConfigSchema` a project mixes
into its own schema when it wants them loaded, validated and shown with provenance like any
other variable; nothing forces them on a project that does not monitor. Every monitor takes
anything with these attributes (:class:`MonitoringValues`), so a loaded config instance is
passed as is, and ``MonitoringSettings()`` gives the spec's defaults.
"""

from __future__ import annotations

from typing import Annotated, Protocol

from pydantic import Field

from confwarden.config.schema import ConfigSchema, Env

__all__ = ["MonitoringSettings", "MonitoringValues"]

_GROUP = "monitoring"

Seconds = Annotated[float, Field(gt=0)]
Count = Annotated[int, Field(ge=1)]


class MonitoringValues(Protocol):
    """What the monitors read: a :class:`MonitoringSettings` or any config that includes it."""

    @property
    def agent_execution_timeout(self) -> float: ...
    @property
    def agent_heartbeat_timeout(self) -> float: ...
    @property
    def agent_heartbeat_interval(self) -> float: ...
    @property
    def execution_cleanup_interval(self) -> float: ...
    @property
    def max_concurrent_agents(self) -> int: ...
    @property
    def websocket_event_timeout(self) -> float: ...
    @property
    def websocket_heartbeat_interval(self) -> float: ...
    @property
    def websocket_health_check_interval(self) -> float: ...
    @property
    def websocket_silent_failure_threshold(self) -> int: ...


class MonitoringSettings(ConfigSchema):
    """spec/003's monitoring variables with their documented defaults.

    Include it in a service schema to load them from the environment like every field::

        class ShopConfig(ServiceConfig, MonitoringSettings):
            ...

    Example:
        >>> s = MonitoringSettings()
        >>> s.agent_heartbeat_timeout, s.max_concurrent_agents
        (10.0, 10)
    """

    __confwarden_group__ = _GROUP

    agent_execution_timeout: Annotated[
        Seconds,
        Env(
            "AGENT_EXECUTION_TIMEOUT",
            group=_GROUP,
            example="30",
            description="Seconds an execution may run before it is marked TIMEOUT",
        ),
    ] = 30.0
    agent_heartbeat_timeout: Annotated[
        Seconds,
        Env(
            "AGENT_HEARTBEAT_TIMEOUT",
            group=_GROUP,
            example="10",
            description="Seconds without a heartbeat before an execution is marked DEAD",
        ),
    ] = 10.0
    agent_heartbeat_interval: Annotated[
        Seconds,
        Env(
            "AGENT_HEARTBEAT_INTERVAL",
            group=_GROUP,
            example="2",
            description="Seconds between the heartbeats an execution sends",
        ),
    ] = 2.0
    execution_cleanup_interval: Annotated[
        Seconds,
        Env(
            "EXECUTION_CLEANUP_INTERVAL",
            group=_GROUP,
            example="60",
            description="Seconds a finished execution record is kept before cleanup",
        ),
    ] = 60.0
    max_concurrent_agents: Annotated[
        Count,
        Env(
            "MAX_CONCURRENT_AGENTS",
            group=_GROUP,
            example="10",
            description="Executions that may be PENDING or RUNNING at the same time",
        ),
    ] = 10
    websocket_event_timeout: Annotated[
        Seconds,
        Env(
            "WEBSOCKET_EVENT_TIMEOUT",
            group=_GROUP,
            example="30",
            description="Seconds an event may stay unconfirmed before it is a silent failure",
        ),
    ] = 30.0
    websocket_heartbeat_interval: Annotated[
        Seconds,
        Env(
            "WEBSOCKET_HEARTBEAT_INTERVAL",
            group=_GROUP,
            example="15",
            description="Seconds between connection heartbeats (unhealthy after twice that)",
        ),
    ] = 15.0
    websocket_health_check_interval: Annotated[
        Seconds,
        Env(
            "WEBSOCKET_HEALTH_CHECK_INTERVAL",
            group=_GROUP,
            example="10",
            description="Seconds between two checks of the event flow",
        ),
    ] = 10.0
    websocket_silent_failure_threshold: Annotated[
        Count,
        Env(
            "WEBSOCKET_SILENT_FAILURE_THRESHOLD",
            group=_GROUP,
            example="5",
            description="Silent failures on one connection before a CRITICAL alert",
        ),
    ] = 5
