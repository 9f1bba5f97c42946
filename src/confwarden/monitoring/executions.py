"""The execution liveness tracker: executions that die silently are detected and reported.

spec/003 "Agent Death Detection System": every agent execution gets a unique id
(``exec_<short>_<epoch>``) and moves through PENDING -> RUNNING -> COMPLETED / FAILED /
TIMEOUT / DEAD. One that sends no heartbeat for ``AGENT_HEARTBEAT_TIMEOUT`` seconds is DEAD
(``no_heartbeat``); one running longer than ``AGENT_EXECUTION_TIMEOUT`` is TIMEOUT; one that
completes without emitting any of the events it declared is DEAD (``silent_failure``). Each
death is passed to the death callbacks as spec/003's ``agent_death`` event.

Why heaps: a service may track 10,000 executions and check them every few hundred
milliseconds. Scanning them all per check is O(n); here each execution has one entry per
deadline kind in a min-heap keyed by deadline, a heartbeat only moves a float, and a check pops
the entries whose stored deadline passed: a stale entry (the execution heartbeated since, or
finished) is re-pushed with its real deadline or dropped. A check costs O(expired · log n).

The sync and asyncio helpers that heartbeat for the caller (``track``/``atrack``/``traced``)
and the background checker live in :mod:`confwarden.monitoring.liveness`.
"""

from __future__ import annotations

import heapq
import logging
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Protocol

from confwarden.errors import ConfwardenError
from confwarden.monitoring._listeners import Listeners
from confwarden.monitoring._window import WindowCounts
from confwarden.monitoring.deaths import DeathCause, DeathEvent
from confwarden.monitoring.records import Execution, ExecutionState
from confwarden.monitoring.settings import MonitoringSettings, MonitoringValues

__all__ = [
    "DeathCallback",
    "EmittedEvents",
    "Execution",
    "ExecutionLimitError",
    "ExecutionState",
    "ExecutionTracker",
    "UnknownExecutionError",
]

logger = logging.getLogger("confwarden.monitoring.executions")

DeathCallback = Callable[[DeathEvent], None]


class ExecutionLimitError(ConfwardenError):
    """``MAX_CONCURRENT_AGENTS`` executions are already active."""


class UnknownExecutionError(ConfwardenError, KeyError):
    """No execution has this id (never created, or already cleaned up)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown execution"


class EmittedEvents(Protocol):
    """Tells which event types a run emitted (the event-flow monitor implements it)."""

    def emitted_types(self, run_id: str) -> frozenset[str]:
        """The types of the events sent for ``run_id`` so far."""
        ...


class ExecutionTracker:
    """Track executions, detect the dead ones, and tell the death callbacks.

    Args:
        settings: the intervals and limits (``MonitoringSettings()``'s defaults when None);
            any config that includes :class:`MonitoringSettings` works.
        clock: POSIX seconds; inject a fake clock in tests, nothing here sleeps.
        events: where emitted events are known (the event-flow monitor), for silent failures.
        death_window: how far back :meth:`recent_deaths` looks (the health report's window).

    Every method is thread-safe. Death callbacks run outside the lock, in the thread that
    detected the death; a failing callback is logged and counted, never raised.

    Example:
        >>> clock = [1000.0]
        >>> tracker = ExecutionTracker(clock=lambda: clock[0])
        >>> run_id = tracker.start(tracker.create("triage_agent"))
        >>> clock[0] += 11  # AGENT_HEARTBEAT_TIMEOUT is 10 s
        >>> [e.to_dict()["payload"]["death_cause"] for e in tracker.check()]
        ['no_heartbeat']
    """

    def __init__(
        self,
        settings: MonitoringValues | None = None,
        *,
        clock: Callable[[], float] = time.time,
        events: EmittedEvents | None = None,
        death_window: float = 300.0,
    ) -> None:
        self.settings: MonitoringValues = settings or MonitoringSettings()
        every, limit = self.settings.agent_heartbeat_interval, self.settings.agent_heartbeat_timeout
        if every >= limit:  # the config's HeartbeatRule refuses it; settings built in code too
            logger.warning(
                "AGENT_HEARTBEAT_INTERVAL (%g s) is not below AGENT_HEARTBEAT_TIMEOUT (%g s): "
                "executions heartbeating on schedule will be declared dead",
                every,
                limit,
            )
        self._clock = clock
        self._events = events
        self._lock = threading.Lock()
        self._records: dict[str, Execution] = {}
        self._active = 0
        # (deadline, id) entries; lazily invalidated, see the module docstring.
        self._heartbeat_heap: list[tuple[float, str]] = []
        self._timeout_heap: list[tuple[float, str]] = []
        self._cleanup_heap: list[tuple[float, str]] = []
        self._next_cleanup = clock() + self.settings.execution_cleanup_interval
        self._deaths: WindowCounts[DeathCause] = WindowCounts(death_window)
        self._listeners: Listeners[DeathEvent] = Listeners("death", logger)
        self._wakeup: list[Callable[[], None]] = []
        self.deaths_by_cause: Counter[DeathCause] = Counter()
        self.finished_by_state: Counter[ExecutionState] = Counter()
        #: Executions whose code ended them after the tracker had (see :meth:`end`).
        self.late_finishes = 0

    # -- lifecycle --------------------------------------------------------------------------

    def create(self, agent_name: str, *, expected_events: Iterable[str] = ()) -> str:
        """Register a PENDING execution and return its id.

        The heartbeat deadline starts now: an execution nobody starts is dead after
        ``AGENT_HEARTBEAT_TIMEOUT`` like one that stops heartbeating.

        Raises:
            ExecutionLimitError: ``MAX_CONCURRENT_AGENTS`` executions are already active.
        """
        now = self._clock()
        run_id = f"exec_{secrets.token_hex(4)}_{int(now)}"
        limit = self.settings.max_concurrent_agents
        with self._lock:
            if self._active >= limit:
                raise ExecutionLimitError(
                    f"cannot start {agent_name}: {self._active} executions are already "
                    f"active, the limit is {limit} (MAX_CONCURRENT_AGENTS). Wait for one to "
                    "finish, or raise MAX_CONCURRENT_AGENTS in the service's environment."
                )
            record = Execution(
                run_id,
                agent_name,
                ExecutionState.PENDING,
                now,
                last_heartbeat=now,
                expected_events=frozenset(expected_events),
            )
            self._records[run_id] = record
            self._active += 1
            heapq.heappush(
                self._heartbeat_heap, (now + self.settings.agent_heartbeat_timeout, run_id)
            )
        self._wake()
        return run_id

    def start(self, run_id: str) -> str:
        """PENDING -> RUNNING; the execution timeout starts now. Returns ``run_id``."""
        now = self._clock()
        with self._lock:
            record = self._get(run_id)
            if record.state is not ExecutionState.PENDING:
                raise ValueError(f"{run_id} is {record.state.value}, not pending: cannot start")
            record.state = ExecutionState.RUNNING
            record.started_at = now
            record.last_heartbeat = now
            heapq.heappush(
                self._timeout_heap, (now + self.settings.agent_execution_timeout, run_id)
            )
        self._wake()
        return run_id

    def heartbeat(self, run_id: str) -> bool:
        """Record a sign of life. Returns False when the execution is no longer active
        (it was declared dead or timed out meanwhile: the caller should stop working).

        Raises:
            UnknownExecutionError: no such execution (or already cleaned up); the handle
                of :func:`~confwarden.monitoring.track` returns False instead.
        """
        now = self._clock()
        with self._lock:
            record = self._get(run_id)
            if not record.state.is_active:
                return False
            record.last_heartbeat = now
            return True

    def event_emitted(self, run_id: str, event_type: str) -> None:
        """Note that ``run_id`` emitted an event of ``event_type`` (for silent failures)."""
        with self._lock:
            self._get(run_id).emitted.add(event_type)

    def complete(self, run_id: str) -> ExecutionState:
        """RUNNING -> COMPLETED, or DEAD (``silent_failure``) when the execution declared
        events and emitted none of them. Returns the final state; an execution already
        declared dead or timed out keeps that state."""
        emitted: frozenset[str] = frozenset()
        if self._events is not None:
            emitted = self._events.emitted_types(run_id)
        now = self._clock()
        with self._lock:
            record = self._get(run_id)
            if not record.state.is_active:
                return self._late(record, ExecutionState.COMPLETED)
            expected = record.expected_events
            if expected and not expected & (record.emitted | emitted):
                event = self._die(record, DeathCause.SILENT_FAILURE, now, ExecutionState.DEAD)
            else:
                self._finish(record, ExecutionState.COMPLETED, now)
                event = None
            state = record.state
        if event is not None:
            self._notify([event])
        return state

    def fail(self, run_id: str, error: BaseException | str | None = None) -> ExecutionState:
        """The execution failed in a way its code noticed (an exception): FAILED.

        Only the exception's type name is kept: its text may quote a configuration value.
        """
        now = self._clock()
        with self._lock:
            record = self._get(run_id)
            if not record.state.is_active:
                return self._late(record, ExecutionState.FAILED)
            if isinstance(error, BaseException):
                record.error = type(error).__name__
            elif error is not None:
                record.error = error
            self._finish(record, ExecutionState.FAILED, now)
            return record.state

    def end(self, run_id: str, error: BaseException | None = None) -> ExecutionState | None:
        """End an execution from the code that ran it: :meth:`complete` when ``error`` is
        None, else :meth:`fail`. Never raises for an execution that already ended or was
        cleaned up (the helpers call it; the agent's own outcome must win): a late end is
        logged and counted in :attr:`late_finishes`. Returns the final state, None when the
        record was cleaned up.
        """
        try:
            return self.complete(run_id) if error is None else self.fail(run_id, error)
        except UnknownExecutionError:
            with self._lock:
                self.late_finishes += 1
            logger.warning(
                "execution %s ended after it was declared dead or timed out and cleaned up "
                "(EXECUTION_CLEANUP_INTERVAL)",
                run_id,
            )
            return None

    def _late(self, record: Execution, outcome: ExecutionState) -> ExecutionState:
        # Called under the lock: the verdict stands, the late outcome is only reported.
        self.late_finishes += 1
        logger.warning(
            "execution %s (%s) %s after it was declared %s; it stays %s",
            record.id,
            record.agent_name,
            outcome.value,
            record.state.value,
            record.state.value,
        )
        return record.state

    # -- detection --------------------------------------------------------------------------

    def check(self) -> list[DeathEvent]:
        """Declare dead what missed its deadlines, clean up old records, call the callbacks.

        Returns:
            The deaths detected by this check, in deadline order.
        """
        now = self._clock()
        events: list[DeathEvent] = []
        with self._lock:
            self._expire_heartbeats(now, events)
            self._expire_timeouts(now, events)
            if now >= self._next_cleanup:
                self._cleanup(now)
                self._next_cleanup = now + self.settings.execution_cleanup_interval
        self._notify(events)
        return events

    def next_deadline(self) -> float | None:
        """The earliest stored deadline (maybe stale, never late): when to check next."""
        with self._lock:
            tops = [h[0][0] for h in (self._heartbeat_heap, self._timeout_heap) if h]
            tops.append(self._next_cleanup)
            return min(tops)

    def _expire_heartbeats(self, now: float, events: list[DeathEvent]) -> None:
        heap, timeout = self._heartbeat_heap, self.settings.agent_heartbeat_timeout
        while heap and heap[0][0] <= now:
            _, run_id = heapq.heappop(heap)
            record = self._records.get(run_id)
            if record is None or not record.state.is_active:
                continue
            deadline = record.last_heartbeat + timeout
            if deadline > now:
                heapq.heappush(heap, (deadline, run_id))
            else:
                events.append(self._die(record, DeathCause.NO_HEARTBEAT, now, ExecutionState.DEAD))

    def _expire_timeouts(self, now: float, events: list[DeathEvent]) -> None:
        heap = self._timeout_heap
        while heap and heap[0][0] <= now:
            _, run_id = heapq.heappop(heap)
            record = self._records.get(run_id)
            if record is None or record.state is not ExecutionState.RUNNING:
                continue
            events.append(self._die(record, DeathCause.TIMEOUT, now, ExecutionState.TIMEOUT))

    def _cleanup(self, now: float) -> None:
        heap, keep = self._cleanup_heap, self.settings.execution_cleanup_interval
        while heap and heap[0][0] <= now - keep:
            _, run_id = heapq.heappop(heap)
            self._records.pop(run_id, None)

    def cleanup(self) -> int:
        """Forget finished executions older than ``EXECUTION_CLEANUP_INTERVAL`` now (also
        done by :meth:`check` every ``EXECUTION_CLEANUP_INTERVAL``). Returns how many."""
        with self._lock:
            before = len(self._records)
            self._cleanup(self._clock())
            return before - len(self._records)

    def _die(
        self, record: Execution, cause: DeathCause, now: float, state: ExecutionState
    ) -> DeathEvent:
        record.death_cause = cause
        self._finish(record, state, now)
        self.deaths_by_cause[cause] += 1
        self._deaths.add(now, cause)
        limit = (
            self.settings.agent_execution_timeout
            if cause is DeathCause.TIMEOUT
            else self.settings.agent_heartbeat_timeout
        )
        return DeathEvent(record.id, record.agent_name, cause, now, limit)

    def _finish(self, record: Execution, state: ExecutionState, now: float) -> None:
        record.state = state
        record.finished_at = now
        self._active -= 1
        self.finished_by_state[state] += 1
        heapq.heappush(self._cleanup_heap, (now, record.id))

    def _notify(self, events: list[DeathEvent]) -> None:
        for event in events:
            logger.error(
                "execution %s (%s) declared dead: %s",
                event.run_id,
                event.agent_name,
                event.cause.value,
            )
            self._listeners.call(event)

    # -- callbacks and views ----------------------------------------------------------------

    def add_death_callback(self, callback: DeathCallback) -> None:
        """Call ``callback(event)`` for every death (``event.to_dict()`` is spec/003's)."""
        self._listeners.add(callback)

    def remove_death_callback(self, callback: DeathCallback) -> None:
        """Stop calling ``callback``; unknown callbacks are ignored."""
        self._listeners.remove(callback)

    @property
    def callback_errors(self) -> int:
        """Death callbacks that raised (logged by exception type, never raised)."""
        return self._listeners.errors

    def add_wakeup(self, wake: Callable[[], None]) -> None:
        """Call ``wake()`` when a new deadline may be earlier than the known ones (the
        background checker uses it to re-plan its sleep)."""
        self._wakeup.append(wake)

    def _wake(self) -> None:
        for wake in self._wakeup:
            wake()

    def get(self, run_id: str) -> Execution:
        """A snapshot of one execution.

        Raises:
            UnknownExecutionError: no such execution (or already cleaned up).
        """
        with self._lock:
            return self._get(run_id).copy()

    def executions(self) -> list[Execution]:
        """Snapshots of every tracked execution, oldest first."""
        with self._lock:
            return [r.copy() for r in self._records.values()]

    def now(self) -> float:
        """The tracker's clock."""
        return self._clock()

    @property
    def active_count(self) -> int:
        """Executions PENDING or RUNNING."""
        return self._active

    def counts(self) -> dict[str, int]:
        """Tracked executions by state (every state present, zero included)."""
        counts = dict.fromkeys((s.value for s in ExecutionState), 0)
        with self._lock:
            for record in self._records.values():
                counts[record.state.value] += 1
        return counts

    @property
    def death_window(self) -> float:
        """How far back :meth:`recent_deaths` looks, in seconds (deaths older than the window
        when it is raised are already forgotten)."""
        return self._deaths.horizon

    @death_window.setter
    def death_window(self, seconds: float) -> None:
        with self._lock:
            self._deaths.horizon = seconds

    def recent_deaths(self) -> Counter[DeathCause]:
        """Deaths detected in the last ``death_window`` seconds, by cause: exact at any
        rate, in bounded memory (see :mod:`confwarden.monitoring._window`)."""
        since = self._clock() - self.death_window
        with self._lock:
            return self._deaths.since(since)

    def _get(self, run_id: str) -> Execution:
        record = self._records.get(run_id)
        if record is None:
            raise UnknownExecutionError(
                f"no execution {run_id!r}: never created here, or cleaned up "
                "(EXECUTION_CLEANUP_INTERVAL) after it finished"
            )
        return record

    def __len__(self) -> int:
        return len(self._records)

    def __repr__(self) -> str:
        return f"<ExecutionTracker tracked={len(self._records)} active={self._active}>"
