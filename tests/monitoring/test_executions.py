"""ExecutionTracker: every state transition and death cause, driven by a fake clock."""

from __future__ import annotations

import re
import threading
from typing import Any

import jsonschema
import pytest
from tests.clock import FakeClock

from confwarden.monitoring import (
    DeathCause,
    DeathEvent,
    EventFlowMonitor,
    ExecutionLimitError,
    ExecutionState,
    ExecutionTracker,
    MonitoringSettings,
    UnknownExecutionError,
)

# spec/003 "WebSocket Death Event Format", as a JSON schema.
AGENT_DEATH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["type", "run_id", "agent_name", "timestamp", "payload"],
    "properties": {
        "type": {"const": "agent_death"},
        "run_id": {"type": "string", "pattern": r"^exec_[0-9a-f]+_[0-9]+$"},
        "agent_name": {"type": "string", "minLength": 1},
        "timestamp": {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$",
        },
        "payload": {
            "type": "object",
            "additionalProperties": False,
            "required": ["status", "death_cause", "message", "recovery_action"],
            "properties": {
                "status": {"const": "dead"},
                "death_cause": {"enum": ["timeout", "no_heartbeat", "silent_failure"]},
                "message": {"type": "string", "minLength": 10},
                "recovery_action": {"enum": ["refresh_required", "retry"]},
            },
        },
    },
}


@pytest.fixture
def tracker(clock: FakeClock) -> ExecutionTracker:
    return ExecutionTracker(clock=clock)


def _deaths(tracker: ExecutionTracker) -> list[DeathEvent]:
    seen: list[DeathEvent] = []
    tracker.add_death_callback(seen.append)
    return seen


def test_tracker_create_gives_a_spec_shaped_id(tracker: ExecutionTracker, clock: FakeClock) -> None:
    run_id = tracker.create("triage_agent")
    assert re.fullmatch(rf"exec_[0-9a-f]{{8}}_{int(clock.now)}", run_id)
    assert tracker.get(run_id).state is ExecutionState.PENDING
    assert tracker.create("triage_agent") != run_id


def test_tracker_pending_running_completed(tracker: ExecutionTracker) -> None:
    run_id = tracker.start(tracker.create("triage_agent"))
    assert tracker.get(run_id).state is ExecutionState.RUNNING
    assert tracker.complete(run_id) is ExecutionState.COMPLETED
    assert tracker.active_count == 0


def test_tracker_failed_keeps_only_the_exception_type(tracker: ExecutionTracker) -> None:
    run_id = tracker.start(tracker.create("triage_agent"))
    assert tracker.fail(run_id, RuntimeError("password=hunter2-canary")) is ExecutionState.FAILED
    record = tracker.get(run_id)
    assert record.error == "RuntimeError"
    assert "hunter2" not in repr(record.to_dict())


def test_tracker_start_twice_is_refused(tracker: ExecutionTracker) -> None:
    run_id = tracker.start(tracker.create("a"))
    with pytest.raises(ValueError, match="running, not pending"):
        tracker.start(run_id)


def test_tracker_no_heartbeat_is_dead_after_the_heartbeat_timeout(
    tracker: ExecutionTracker, clock: FakeClock
) -> None:
    deaths = _deaths(tracker)
    run_id = tracker.start(tracker.create("triage_agent"))
    clock.advance(9.9)
    assert tracker.check() == []
    clock.advance(0.2)
    [event] = tracker.check()
    assert deaths == [event]
    assert event.cause is DeathCause.NO_HEARTBEAT
    assert tracker.get(run_id).state is ExecutionState.DEAD
    assert tracker.get(run_id).death_cause is DeathCause.NO_HEARTBEAT
    assert tracker.heartbeat(run_id) is False


def test_tracker_heartbeats_keep_an_execution_alive(
    tracker: ExecutionTracker, clock: FakeClock
) -> None:
    run_id = tracker.start(tracker.create("triage_agent"))
    for _ in range(14):  # 28 s, under the 30 s execution timeout
        clock.advance(2)
        assert tracker.heartbeat(run_id)
        assert tracker.check() == []
    assert tracker.get(run_id).state is ExecutionState.RUNNING


def test_tracker_timeout_after_the_execution_timeout_despite_heartbeats(
    tracker: ExecutionTracker, clock: FakeClock
) -> None:
    run_id = tracker.start(tracker.create("triage_agent"))
    events = []
    for _ in range(16):
        clock.advance(2)
        tracker.heartbeat(run_id)
        events.extend(tracker.check())
    assert [e.cause for e in events] == [DeathCause.TIMEOUT]
    assert tracker.get(run_id).state is ExecutionState.TIMEOUT
    assert "30 seconds" in events[0].message


def test_tracker_pending_never_started_is_dead_without_heartbeat(
    tracker: ExecutionTracker, clock: FakeClock
) -> None:
    run_id = tracker.create("queued_agent")
    clock.advance(10.5)
    [event] = tracker.check()
    assert (event.run_id, event.cause) == (run_id, DeathCause.NO_HEARTBEAT)


def test_tracker_silent_failure_when_no_declared_event_was_emitted(
    tracker: ExecutionTracker,
) -> None:
    deaths = _deaths(tracker)
    run_id = tracker.start(tracker.create("triage_agent", expected_events=["agent_completed"]))
    assert tracker.complete(run_id) is ExecutionState.DEAD
    assert [e.cause for e in deaths] == [DeathCause.SILENT_FAILURE]


def test_tracker_completed_when_a_declared_event_was_emitted(tracker: ExecutionTracker) -> None:
    run_id = tracker.start(tracker.create("triage_agent", expected_events=["agent_completed"]))
    tracker.event_emitted(run_id, "agent_completed")
    assert tracker.complete(run_id) is ExecutionState.COMPLETED


def test_tracker_asks_the_event_flow_monitor_what_a_run_emitted(clock: FakeClock) -> None:
    flow = EventFlowMonitor(clock=clock)
    tracker = ExecutionTracker(clock=clock, events=flow)
    ok = tracker.start(tracker.create("a", expected_events=["agent_completed"]))
    silent = tracker.start(tracker.create("b", expected_events=["agent_completed"]))
    flow.sent("ws-1", "e1", event_type="agent_completed", run_id=ok)
    flow.sent("ws-1", "e2", event_type="agent_thinking", run_id=silent)
    assert tracker.complete(ok) is ExecutionState.COMPLETED
    assert tracker.complete(silent) is ExecutionState.DEAD


def test_tracker_death_event_matches_the_spec_schema(
    tracker: ExecutionTracker, clock: FakeClock
) -> None:
    deaths = _deaths(tracker)
    tracker.start(tracker.create("no_heartbeat_agent"))
    clock.advance(11)
    tracker.check()
    beating = tracker.start(tracker.create("timeout_agent"))
    for _ in range(16):
        clock.advance(2)
        tracker.heartbeat(beating)
        tracker.check()
    tracker.complete(tracker.start(tracker.create("silent_agent", expected_events=["done"])))
    assert {e.cause for e in deaths} == set(DeathCause)
    for event in deaths:
        jsonschema.validate(event.to_dict(), AGENT_DEATH_SCHEMA)
    first = deaths[0].to_dict()
    assert first["timestamp"] == "2025-01-09T20:30:11Z"
    assert first["payload"]["recovery_action"] == "refresh_required"


def test_tracker_limit_names_the_limit_and_its_variable(clock: FakeClock) -> None:
    tracker = ExecutionTracker(MonitoringSettings(max_concurrent_agents=2), clock=clock)
    first = tracker.create("a")
    tracker.create("b")
    with pytest.raises(ExecutionLimitError, match=r"limit is 2 \(MAX_CONCURRENT_AGENTS\)"):
        tracker.create("c")
    tracker.start(first)
    tracker.complete(first)
    tracker.create("c")


def test_tracker_dead_executions_free_their_slot(clock: FakeClock) -> None:
    tracker = ExecutionTracker(MonitoringSettings(max_concurrent_agents=1), clock=clock)
    tracker.create("a")
    clock.advance(11)
    tracker.check()
    tracker.create("b")


def test_tracker_cleanup_forgets_old_finished_records(
    tracker: ExecutionTracker, clock: FakeClock
) -> None:
    done = tracker.start(tracker.create("a"))
    tracker.complete(done)
    running = tracker.start(tracker.create("b"))
    clock.advance(30)
    tracker.heartbeat(running)
    tracker.complete(running)
    clock.advance(31)  # 61 s after the first finished, 31 s after the second
    tracker.check()
    with pytest.raises(UnknownExecutionError, match="EXECUTION_CLEANUP_INTERVAL"):
        tracker.get(done)
    assert tracker.get(running).state is ExecutionState.COMPLETED
    clock.advance(60)
    assert tracker.cleanup() == 1
    assert len(tracker) == 0


def test_tracker_failing_callback_is_counted_not_raised(
    tracker: ExecutionTracker, clock: FakeClock
) -> None:
    def broken(event: DeathEvent) -> None:
        raise RuntimeError("secret-canary-value")

    deaths = []
    tracker.add_death_callback(broken)
    tracker.add_death_callback(deaths.append)
    tracker.create("a")
    clock.advance(11)
    assert len(tracker.check()) == 1
    assert tracker.callback_errors == 1
    assert len(deaths) == 1


def test_tracker_recent_deaths_count_only_the_window(clock: FakeClock) -> None:
    tracker = ExecutionTracker(clock=clock, death_window=60)
    tracker.create("a")
    clock.advance(11)
    tracker.check()
    assert tracker.recent_deaths() == {DeathCause.NO_HEARTBEAT: 1}
    clock.advance(61)
    assert not tracker.recent_deaths()


def test_tracker_counts_every_state(tracker: ExecutionTracker) -> None:
    tracker.create("a")
    tracker.complete(tracker.start(tracker.create("b")))
    counts = tracker.counts()
    assert counts == {
        "pending": 1, "running": 0, "completed": 1, "failed": 0, "timeout": 0, "dead": 0
    }  # fmt: skip


def test_tracker_unknown_id_names_it(tracker: ExecutionTracker) -> None:
    with pytest.raises(UnknownExecutionError, match="exec_nope_0"):
        tracker.heartbeat("exec_nope_0")


def test_tracker_check_touches_only_expired_entries(
    tracker: ExecutionTracker, clock: FakeClock
) -> None:
    tracker.settings = MonitoringSettings(max_concurrent_agents=10_000)
    ids = [tracker.start(tracker.create("a")) for _ in range(1000)]
    clock.advance(5)
    tracker.check()
    # Nothing expired: the heaps were not walked, their tops are still the first deadlines.
    assert len(tracker._heartbeat_heap) == 1000
    for run_id in ids[:10]:
        tracker.heartbeat(run_id)
    clock.advance(5.5)
    dead = tracker.check()
    assert len(dead) == 990
    assert len(tracker._heartbeat_heap) == 10


def test_tracker_is_thread_safe_under_concurrent_use(clock: FakeClock) -> None:
    tracker = ExecutionTracker(MonitoringSettings(max_concurrent_agents=10_000), clock=clock)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(200):
                run_id = tracker.start(tracker.create("a"))
                tracker.heartbeat(run_id)
                tracker.check()
                tracker.complete(run_id)
        except BaseException as exc:  # pragma: no cover - the assertion below shows it
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert tracker.active_count == 0
    assert tracker.counts()["completed"] == 1600


def test_tracker_recent_deaths_are_exact_beyond_ten_thousand(clock: FakeClock) -> None:
    tracker = ExecutionTracker(MonitoringSettings(max_concurrent_agents=20_000), clock=clock)
    for _ in range(15_000):
        tracker.create("a")
        clock.advance(0.0001)
    clock.advance(10)
    died = 0
    while died < 15_000:  # deaths detected at many distinct instants, as a checker does
        died += len(tracker.check())
        clock.advance(0.0001)
    assert sum(tracker.recent_deaths().values()) == 15_000
    clock.advance(tracker.death_window)
    assert sum(tracker.recent_deaths().values()) == 0


def test_tracker_warns_when_the_heartbeat_interval_is_not_below_the_timeout(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    settings = MonitoringSettings(agent_heartbeat_interval=15, agent_heartbeat_timeout=10)
    ExecutionTracker(settings, clock=clock)
    [record] = [r for r in caplog.records if r.levelname == "WARNING"]
    assert "AGENT_HEARTBEAT_INTERVAL" in record.getMessage()
    assert "AGENT_HEARTBEAT_TIMEOUT" in record.getMessage()
