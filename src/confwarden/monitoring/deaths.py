"""The ``agent_death`` event: what a user is told when an execution dies silently.

spec/003 "WebSocket Death Event Format" fixes the shape (``type: agent_death``, ``run_id``,
``agent_name``, an ISO-8601 UTC ``timestamp`` and a ``payload`` with ``status: dead``, the
``death_cause``, a user-facing ``message`` and a ``recovery_action``). The event is built in
one place so that every consumer (death callbacks, the health report, the WebSocket stream of
the server) sends the same thing, and the message says what happened in words a user of the
service understands, never a configuration value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

__all__ = ["DeathCause", "DeathEvent", "RecoveryAction", "iso_utc"]


class DeathCause(StrEnum):
    """Why an execution was declared dead."""

    TIMEOUT = "timeout"
    NO_HEARTBEAT = "no_heartbeat"
    SILENT_FAILURE = "silent_failure"


class RecoveryAction(StrEnum):
    """What the client should do: reload the conversation, or simply try again."""

    REFRESH_REQUIRED = "refresh_required"
    RETRY = "retry"


_MESSAGES: dict[DeathCause, tuple[str, RecoveryAction]] = {
    DeathCause.NO_HEARTBEAT: (
        "{agent} stopped responding and was stopped. Please refresh the page and try again.",
        RecoveryAction.REFRESH_REQUIRED,
    ),
    DeathCause.TIMEOUT: (
        "{agent} took longer than {limit} and was stopped. Please try again.",
        RecoveryAction.RETRY,
    ),
    DeathCause.SILENT_FAILURE: (
        "{agent} finished without sending any result. Please refresh the page and try again.",
        RecoveryAction.REFRESH_REQUIRED,
    ),
}


def iso_utc(timestamp: float) -> str:
    """``2025-01-09T20:30:00Z`` for a POSIX timestamp (seconds precision, as in spec/003).

    Example:
        >>> iso_utc(0)
        '1970-01-01T00:00:00Z'
    """
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class DeathEvent:
    """One execution declared dead.

    Attributes:
        run_id: the execution id (``exec_3f9a1c2b_1736454600``).
        agent_name: the name the execution was created with.
        cause: why it was declared dead.
        timestamp: when it was detected (POSIX seconds, from the tracker's clock).
        limit: the timeout that applied, in seconds (for the message).

    Example:
        >>> event = DeathEvent("exec_ab12cd34_0", "triage_agent", DeathCause.NO_HEARTBEAT, 0.0)
        >>> event.to_dict()["payload"]["recovery_action"]
        'refresh_required'
    """

    run_id: str
    agent_name: str
    cause: DeathCause
    timestamp: float
    limit: float = 0.0

    @property
    def message(self) -> str:
        """The user-facing sentence for the cause."""
        template, _ = _MESSAGES[self.cause]
        return template.format(agent=self.agent_name, limit=f"{self.limit:g} seconds")

    @property
    def recovery_action(self) -> RecoveryAction:
        """What the client should offer the user."""
        return _MESSAGES[self.cause][1]

    def to_dict(self) -> dict[str, Any]:
        """The event in spec/003's exact format (JSON-ready)."""
        return {
            "type": "agent_death",
            "run_id": self.run_id,
            "agent_name": self.agent_name,
            "timestamp": iso_utc(self.timestamp),
            "payload": {
                "status": "dead",
                "death_cause": self.cause.value,
                "message": self.message,
                "recovery_action": self.recovery_action.value,
            },
        }
