"""The monitoring intervals and thresholds, as configuration fields a project can include.

spec/003 names nine variables for its event monitor and its agent execution tracker
(``AGENT_HEARTBEAT_TIMEOUT`` 10 s, ``WEBSOCKET_EVENT_TIMEOUT`` 30 s, ...). They are fields of
:class:`MonitoringSettings`, a :class:`~confwarden.config.schema.ConfigSchema` a project mixes
into its own schema when it wants them loaded, validated and shown with provenance like any
other variable; nothing forces them on a project that does not monitor. Every monitor takes
anything with these attributes (:class:`MonitoringValues`), so a loaded config instance is
passed as is, and ``MonitoringSettings()`` gives the spec's defaults.

Each value may be valid alone and the pair still impossible: a heartbeat interval that is not
below the heartbeat timeout declares every healthy execution dead. :class:`HeartbeatRule`
(registered on the schema, so it runs wherever the settings are included) reports it with the
other validation problems.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Annotated, ClassVar, Protocol

from pydantic import Field

from confwarden.config.schema import ConfigSchema, Env
from confwarden.config.spec import Problem, Severity
from confwarden.config.validation.base import Rule, ValidationContext

__all__ = ["HeartbeatRule", "MonitoringSettings", "MonitoringValues"]

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


class HeartbeatRule(Rule):
    """``AGENT_HEARTBEAT_INTERVAL`` must leave room for late heartbeats before
    ``AGENT_HEARTBEAT_TIMEOUT``.

    An error when the interval is not below the timeout (every execution heartbeating on
    schedule is declared dead between two beats); a warning when the timeout is under twice
    the interval (one late beat, a GC pause or a busy event loop, kills a healthy execution).
    A value that cannot be read is left to the conversion error that already names it.
    """

    code = "monitoring.heartbeat"
    description = "The heartbeat interval is well below the heartbeat timeout."

    def check(self, ctx: ValidationContext) -> Iterator[Problem]:
        """Yield the problem of the interval/timeout pair, if any."""
        interval = _seconds(ctx, "agent_heartbeat_interval")
        timeout = _seconds(ctx, "agent_heartbeat_timeout")
        if interval is None or timeout is None:
            return
        (interval_var, every), (timeout_var, limit) = interval, timeout
        if every >= limit:
            yield self.problem(
                ctx,
                interval_var,
                f"is {every:g} s, not below {timeout_var} ({limit:g} s): every execution "
                "would be declared dead between two of its heartbeats",
                f"Set {interval_var} to at most half of {timeout_var} (the defaults are 2 and "
                f"10), or raise {timeout_var}",
                severity=Severity.ERROR,
                critical=ctx.environment.is_deployed,
            )
        elif limit < 2 * every:
            yield self.problem(
                ctx,
                timeout_var,
                f"is {limit:g} s, under twice {interval_var} ({every:g} s): one late heartbeat "
                "declares a healthy execution dead",
                f"Set {timeout_var} to at least {2 * every:g} s, or lower {interval_var}",
                severity=Severity.WARNING,
            )


def _seconds(ctx: ValidationContext, field_name: str) -> tuple[str, float] | None:
    """The variable and the value in seconds of a settings field (its default when unset);
    None when the schema lacks the field or the value is not a positive finite number."""
    spec = next((f for f in ctx.fields if f.name == field_name), None)
    if spec is None:
        return None
    resolved = ctx.values.get(field_name)
    variable = resolved.variable if resolved is not None and resolved.variable else None
    if variable is None or resolved is None or resolved.raw is None:
        raw: object = getattr(MonitoringSettings(), field_name)
        variable = spec.env_names[0]
    else:
        raw = resolved.raw
    try:
        seconds = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    # Zero, negative or non-finite: the field's own constraint reports it (one problem).
    return (variable, seconds) if math.isfinite(seconds) and seconds > 0 else None


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
    __confwarden_rules__: ClassVar[tuple[Rule, ...]] = (HeartbeatRule(),)

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
