"""track / atrack / traced heartbeat for the caller; LivenessChecker reports deaths in time."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from tests.clock import FakeClock

from confwarden.monitoring import (
    DeathCause,
    DeathEvent,
    ExecutionLimitError,
    ExecutionState,
    ExecutionTracker,
    LivenessChecker,
    MonitoringSettings,
    atrack,
    traced,
    track,
)

FAST = MonitoringSettings(agent_heartbeat_interval=0.01, max_concurrent_agents=2)


class CountingTracker(ExecutionTracker):
    """Sets :attr:`beats` after three heartbeats (so a test awaits them, never sleeps)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.count = 0
        self.beats = threading.Event()

    def heartbeat(self, run_id: str) -> bool:
        self.count += 1
        if self.count >= 3:
            self.beats.set()
        return super().heartbeat(run_id)


def test_track_heartbeats_from_a_helper_thread_and_completes(clock: FakeClock) -> None:
    tracker = CountingTracker(FAST, clock=clock)
    with track(tracker, "triage_agent") as run:
        assert tracker.beats.wait(5)
        assert tracker.get(run.run_id).state is ExecutionState.RUNNING
    assert tracker.get(run.run_id).state is ExecutionState.COMPLETED


def test_track_marks_an_exception_failed_and_reraises(clock: FakeClock) -> None:
    tracker = ExecutionTracker(FAST, clock=clock)
    with pytest.raises(KeyError), track(tracker, "triage_agent") as run:
        raise KeyError("x")
    assert tracker.get(run.run_id).state is ExecutionState.FAILED


def test_track_handle_records_emitted_events(clock: FakeClock) -> None:
    tracker = ExecutionTracker(FAST, clock=clock)
    with track(tracker, "a", expected_events=["done"]) as run:
        run.emitted("done")
        assert run.heartbeat()
    assert tracker.get(run.run_id).state is ExecutionState.COMPLETED


def test_track_enforces_the_limit(clock: FakeClock) -> None:
    tracker = ExecutionTracker(FAST, clock=clock)
    with (
        track(tracker, "a"),
        track(tracker, "b"),
        pytest.raises(ExecutionLimitError, match="MAX_CONCURRENT_AGENTS"),
        track(tracker, "c"),
    ):
        pass  # pragma: no cover


def test_atrack_heartbeats_from_a_task_and_completes(clock: FakeClock) -> None:
    tracker = CountingTracker(FAST, clock=clock)

    async def main() -> str:
        async with atrack(tracker, "triage_agent") as run:
            assert await asyncio.to_thread(tracker.beats.wait, 5)
            return run.run_id

    run_id = asyncio.run(main())
    assert tracker.get(run_id).state is ExecutionState.COMPLETED


def test_atrack_marks_a_cancelled_execution_failed(clock: FakeClock) -> None:
    tracker = ExecutionTracker(FAST, clock=clock)
    ids: list[str] = []

    async def work() -> None:
        async with atrack(tracker, "a") as run:
            ids.append(run.run_id)
            await asyncio.Event().wait()

    async def main() -> None:
        task = asyncio.create_task(work())
        while not ids:
            await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    record = tracker.get(ids[0])
    assert (record.state, record.error) == (ExecutionState.FAILED, "CancelledError")


def test_traced_wraps_sync_and_async_functions(clock: FakeClock) -> None:
    tracker = ExecutionTracker(FAST, clock=clock)

    @traced(tracker)
    def sync_agent(x: int) -> int:
        return x + 1

    @traced(tracker, "async_agent")
    async def async_agent(x: int) -> int:
        return x * 2

    assert sync_agent(1) == 2
    assert asyncio.run(async_agent(3)) == 6
    names = {(e.agent_name, e.state) for e in tracker.executions()}
    assert names == {
        ("sync_agent", ExecutionState.COMPLETED),
        ("async_agent", ExecutionState.COMPLETED),
    }


def test_liveness_checker_plans_its_sleep_from_the_earliest_deadline(clock: FakeClock) -> None:
    tracker = ExecutionTracker(clock=clock)
    checker = LivenessChecker(tracker)
    assert checker._delay() == 2.0  # nothing tracked: AGENT_HEARTBEAT_INTERVAL
    tracker.create("a")
    clock.advance(9.5)
    assert checker._delay() == pytest.approx(0.5)


def test_liveness_checker_counts_a_failing_check(clock: FakeClock) -> None:
    class Broken(ExecutionTracker):
        def check(self) -> list[DeathEvent]:
            raise RuntimeError("boom")

    checker = LivenessChecker(Broken(clock=clock))
    checker._check_logged()
    assert checker.check_errors == 1


@pytest.mark.parametrize("runner", ["thread", "asyncio"])
def test_liveness_missed_heartbeat_becomes_agent_death_in_time(runner: str) -> None:
    """Real clock, real threads: death within heartbeat interval + timeout + 10%."""
    # Long enough that a loaded CI machine's scheduling delay fits in the 10% margin.
    interval, timeout = 0.25, 1.5
    settings = MonitoringSettings(
        agent_heartbeat_interval=interval, agent_heartbeat_timeout=timeout
    )
    tracker = ExecutionTracker(settings)
    died = threading.Event()
    deaths: list[tuple[float, DeathEvent]] = []

    def on_death(event: DeathEvent) -> None:
        deaths.append((time.monotonic(), event))
        died.set()

    tracker.add_death_callback(on_death)
    checker = LivenessChecker(tracker)
    last_beat = [0.0]
    beating = threading.Event()

    def agent(run_id: str) -> None:
        for _ in range(3):  # three heartbeats, then the agent hangs without heartbeats
            last_beat[0] = time.monotonic()
            tracker.heartbeat(run_id)
            beating.wait(interval)

    stop_async = threading.Event()

    def run_checker_async() -> None:
        async def main() -> None:
            stop = asyncio.Event()
            loop_task = asyncio.create_task(checker.run_async(stop))
            await asyncio.to_thread(stop_async.wait)
            stop.set()
            await loop_task

        asyncio.run(main())

    if runner == "thread":
        checker.start()
    else:
        async_thread = threading.Thread(target=run_checker_async)
        async_thread.start()
    try:
        run_id = tracker.start(tracker.create("triage_agent"))
        worker = threading.Thread(target=agent, args=(run_id,))
        worker.start()
        assert died.wait(10), "no agent_death event"
        worker.join()
    finally:
        checker.stop()
        stop_async.set()
        if runner == "asyncio":
            async_thread.join()
    [(when, event)] = deaths
    assert event.cause is DeathCause.NO_HEARTBEAT
    assert event.to_dict()["type"] == "agent_death"
    assert when - last_beat[0] <= (interval + timeout) * 1.1


# -- a block that outlives its execution ------------------------------------------------------

SHORT = MonitoringSettings(
    agent_heartbeat_interval=0.01, agent_execution_timeout=1, execution_cleanup_interval=1
)


def _time_out_and_clean_up(tracker: ExecutionTracker, clock: FakeClock, run_id: str) -> None:
    """What a LivenessChecker does to a block running past timeout + cleanup interval."""
    clock.advance(2)
    assert [e.cause for e in tracker.check()] == [DeathCause.TIMEOUT]
    clock.advance(5)
    tracker.check()
    with pytest.raises(KeyError):
        tracker.get(run_id)  # cleaned up while the block still runs


def test_track_outliving_timeout_and_cleanup_exits_without_raising(clock: FakeClock) -> None:
    tracker = ExecutionTracker(SHORT, clock=clock)
    with track(tracker, "slow_agent") as run:
        _time_out_and_clean_up(tracker, clock, run.run_id)
        assert run.heartbeat() is False
        run.emitted("agent_completed")
    assert tracker.late_finishes == 1


def test_track_keeps_the_agents_own_exception_after_cleanup(clock: FakeClock) -> None:
    tracker = ExecutionTracker(SHORT, clock=clock)
    with (  # noqa: PT012
        pytest.raises(ValueError, match="agent's own error") as caught,
        track(tracker, "slow_agent") as run,
    ):
        _time_out_and_clean_up(tracker, clock, run.run_id)
        raise ValueError("agent's own error")
    assert caught.value.__context__ is None
    assert tracker.late_finishes == 1


def test_track_late_completion_keeps_timeout_and_is_logged(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    tracker = ExecutionTracker(SHORT, clock=clock)
    with track(tracker, "slow_agent") as run:
        clock.advance(2)
        tracker.check()
    record = tracker.get(run.run_id)
    assert (record.state, record.death_cause) == (ExecutionState.TIMEOUT, DeathCause.TIMEOUT)
    assert tracker.late_finishes == 1
    assert any("after it was declared timeout" in r.getMessage() for r in caplog.records)


def test_atrack_outliving_timeout_and_cleanup_keeps_the_agents_exception(
    clock: FakeClock,
) -> None:
    tracker = ExecutionTracker(SHORT, clock=clock)

    async def normal() -> None:
        async with atrack(tracker, "slow_agent") as run:
            _time_out_and_clean_up(tracker, clock, run.run_id)
            assert run.heartbeat() is False

    async def failing() -> None:
        async with atrack(tracker, "slow_agent") as run:
            _time_out_and_clean_up(tracker, clock, run.run_id)
            raise ValueError("agent's own error")

    asyncio.run(normal())
    with pytest.raises(ValueError, match="agent's own error") as caught:
        asyncio.run(failing())
    assert caught.value.__context__ is None
    assert tracker.late_finishes == 2


def test_traced_outliving_timeout_and_cleanup_returns_its_result(clock: FakeClock) -> None:
    tracker = ExecutionTracker(SHORT, clock=clock)
    ids: list[str] = []

    @traced(tracker, "slow_agent")
    def slow() -> str:
        [record] = [e for e in tracker.executions() if e.state is ExecutionState.RUNNING]
        ids.append(record.id)
        _time_out_and_clean_up(tracker, clock, record.id)
        return "late result"

    assert slow() == "late result"
    assert tracker.late_finishes == 1
