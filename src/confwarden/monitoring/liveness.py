"""Heartbeating for the caller, and the background check that declares executions dead.

An agent's code should not have to remember to heartbeat: ``with track(tracker, "triage")``
(or ``async with atrack(...)``, or the ``@traced`` decorator) creates and starts the
execution, heartbeats every ``AGENT_HEARTBEAT_INTERVAL`` from a helper thread (or task), and
completes or fails it on exit. A helper that heartbeats independently of the work still
catches a crashed process or a killed task (no heartbeat) and a hung one (the execution
timeout).

:class:`LivenessChecker` runs :meth:`ExecutionTracker.check` in a daemon thread. It sleeps
until the earliest deadline (bounded by ``AGENT_HEARTBEAT_INTERVAL``) rather than on a fixed
period, so a death is reported within milliseconds of its deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from confwarden.monitoring.executions import ExecutionTracker, UnknownExecutionError

__all__ = ["ExecutionHandle", "LivenessChecker", "atrack", "traced", "track"]

logger = logging.getLogger("confwarden.monitoring.executions")

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class ExecutionHandle:
    """What ``track``/``atrack`` yield: the run id and the calls an agent may make."""

    tracker: ExecutionTracker
    run_id: str

    def heartbeat(self) -> bool:
        """An extra heartbeat (the helper sends them anyway). False once the execution was
        declared dead or timed out (even cleaned up): the agent should stop working."""
        return _beat(self.tracker, self.run_id)

    def emitted(self, event_type: str) -> None:
        """Note an event this execution sent (counts against a silent failure); ignored
        once the record was cleaned up."""
        with contextlib.suppress(UnknownExecutionError):
            self.tracker.event_emitted(self.run_id, event_type)


def _beat(tracker: ExecutionTracker, run_id: str) -> bool:
    try:
        return tracker.heartbeat(run_id)
    except UnknownExecutionError:
        return False


def _end(tracker: ExecutionTracker, run_id: str, error: BaseException | None) -> None:
    """End the execution; a tracking problem is logged, never thrown into the agent's code
    (where it would replace the agent's own result or exception)."""
    try:
        tracker.end(run_id, error)
    except Exception as exc:
        logger.error("could not record the end of execution %s: %s", run_id, type(exc).__name__)


@contextlib.contextmanager
def track(
    tracker: ExecutionTracker, agent_name: str, *, expected_events: Iterable[str] = ()
) -> Iterator[ExecutionHandle]:
    """Run a block as a tracked execution that heartbeats from a helper thread.

    The block's own outcome always wins: its exception propagates unchanged, and ending an
    execution the tracker already declared dead or timed out (even cleaned up) raises
    nothing; the late end is logged and counted (``tracker.late_finishes``).

    Raises:
        ExecutionLimitError: ``MAX_CONCURRENT_AGENTS`` executions are already active.

    Example:
        >>> tracker = ExecutionTracker()
        >>> with track(tracker, "triage_agent") as run:
        ...     pass
        >>> tracker.get(run.run_id).state.value
        'completed'
    """
    run_id = tracker.start(tracker.create(agent_name, expected_events=expected_events))
    stop = threading.Event()
    interval = tracker.settings.agent_heartbeat_interval

    def beat() -> None:
        while not stop.wait(interval):
            if not _beat(tracker, run_id):
                return

    thread = threading.Thread(target=beat, name=f"heartbeat-{run_id}", daemon=True)
    thread.start()
    try:
        yield ExecutionHandle(tracker, run_id)
    except BaseException as exc:
        stop.set()
        _end(tracker, run_id, exc)
        raise
    else:
        stop.set()
        _end(tracker, run_id, None)
    finally:
        thread.join()


@contextlib.asynccontextmanager
async def atrack(
    tracker: ExecutionTracker, agent_name: str, *, expected_events: Iterable[str] = ()
) -> AsyncIterator[ExecutionHandle]:
    """The asyncio form of :func:`track`: heartbeats from a task on the running loop.

    A loop blocked by the work (a sync call inside a coroutine) stops the heartbeats too, and
    the execution is declared dead: that is a real problem worth reporting.
    """
    run_id = tracker.start(tracker.create(agent_name, expected_events=expected_events))
    interval = tracker.settings.agent_heartbeat_interval

    async def beat() -> None:
        while True:
            await asyncio.sleep(interval)
            if not _beat(tracker, run_id):
                return

    task = asyncio.create_task(beat(), name=f"heartbeat-{run_id}")
    try:
        yield ExecutionHandle(tracker, run_id)
    except BaseException as exc:
        _end(tracker, run_id, exc)
        raise
    else:
        _end(tracker, run_id, None)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def traced(
    tracker: ExecutionTracker, agent_name: str | None = None, *, expected_events: Iterable[str] = ()
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a function or coroutine function so that every call is a tracked execution.

    Example:
        >>> tracker = ExecutionTracker()
        >>> @traced(tracker, "summary_agent")
        ... def summarise() -> str:
        ...     return "done"
        >>> summarise(), tracker.counts()["completed"]
        ('done', 1)
    """
    expected = tuple(expected_events)

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        name = agent_name or fn.__name__
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def run_async(*args: P.args, **kwargs: P.kwargs) -> Any:
                async with atrack(tracker, name, expected_events=expected):
                    return await fn(*args, **kwargs)

            return run_async  # type: ignore[return-value]

        @functools.wraps(fn)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            with track(tracker, name, expected_events=expected):
                return fn(*args, **kwargs)

        return run

    return decorate


class LivenessChecker:
    """Run ``tracker.check()`` in a daemon thread, waking at the earliest deadline.

    Args:
        tracker: the tracker to check.
        max_sleep: the longest wait between two checks (``AGENT_HEARTBEAT_INTERVAL`` by
            default), so that deadlines pushed from other processes' clocks are seen too.

    Example:
        >>> checker = LivenessChecker(ExecutionTracker())
        >>> checker.start(); checker.stop()
    """

    def __init__(self, tracker: ExecutionTracker, *, max_sleep: float | None = None) -> None:
        self.tracker = tracker
        self.max_sleep = max_sleep or tracker.settings.agent_heartbeat_interval
        self._stop = threading.Event()
        self._changed = threading.Event()
        self._thread: threading.Thread | None = None
        self.check_errors = 0
        tracker.add_wakeup(self._changed.set)

    def start(self) -> None:
        """Start the thread (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="liveness-checker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = 5.0) -> None:
        """Stop the thread and wait for it."""
        self._stop.set()
        self._changed.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _delay(self) -> float:
        deadline = self.tracker.next_deadline()
        now = self.tracker.now()
        delay = self.max_sleep if deadline is None else deadline - now
        return max(0.0, min(self.max_sleep, delay))

    def _run(self) -> None:
        while not self._stop.is_set():
            self._check_logged()
            self._changed.clear()
            self._changed.wait(self._delay())

    async def run_async(self, stop: asyncio.Event | None = None) -> None:
        """The same loop as a coroutine on the running event loop (until ``stop`` is set or
        the task is cancelled)."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            self._check_logged()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._delay() or 0.001)

    def _check_logged(self) -> None:
        try:
            self.tracker.check()
        except Exception as exc:
            self.check_errors += 1
            logger.error("liveness check failed: %s", type(exc).__name__)

    def __enter__(self) -> LivenessChecker:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
