"""What the execution tracker records of one execution: its state and its snapshot.

Kept apart from :mod:`confwarden.monitoring.executions` (which re-exports both) so the tracker
module holds the tracking logic only; these are plain values with no behaviour of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from confwarden.monitoring.deaths import DeathCause

__all__ = ["Execution", "ExecutionState"]


class ExecutionState(StrEnum):
    """Where an execution is in its life."""

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    TIMEOUT = "timeout"
    DEAD = "dead"

    @property
    def is_active(self) -> bool:
        """PENDING or RUNNING: it holds a slot of ``MAX_CONCURRENT_AGENTS``."""
        return self in (ExecutionState.PENDING, ExecutionState.RUNNING)


@dataclass(slots=True)
class Execution:
    """One tracked execution (a snapshot when returned by the tracker).

    Attributes:
        id: ``exec_<8 hex>_<epoch seconds>``.
        agent_name: what runs (``triage_agent``).
        state: its current state.
        created_at, started_at, last_heartbeat, finished_at: tracker-clock times.
        expected_events: event types it declared it would emit (silent-failure check).
        emitted: event types reported through :meth:`ExecutionTracker.event_emitted`.
        death_cause: why it died (DEAD and TIMEOUT only).
        error: a short description of a FAILED execution (type name, never a value).
    """

    id: str
    agent_name: str
    state: ExecutionState
    created_at: float
    started_at: float | None = None
    last_heartbeat: float = 0.0
    finished_at: float | None = None
    expected_events: frozenset[str] = frozenset()
    emitted: set[str] = field(default_factory=set)
    death_cause: DeathCause | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "id": self.id,
            "agent_name": self.agent_name,
            "state": self.state.value,
            "created_at": self.created_at,
            "started_at": self.started_at,
            "last_heartbeat": self.last_heartbeat,
            "finished_at": self.finished_at,
            "death_cause": self.death_cause.value if self.death_cause else None,
            "error": self.error,
        }

    def copy(self) -> Execution:
        """A detached snapshot."""
        return Execution(
            self.id,
            self.agent_name,
            self.state,
            self.created_at,
            self.started_at,
            self.last_heartbeat,
            self.finished_at,
            self.expected_events,
            set(self.emitted),
            self.death_cause,
            self.error,
        )
