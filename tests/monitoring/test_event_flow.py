"""EventFlowMonitor: silent failures, the CRITICAL alert threshold, connection heartbeats."""

from __future__ import annotations

import logging

import pytest
from tests.clock import FakeClock

from confwarden.monitoring import EventFlowAlert, EventFlowMonitor, MonitoringSettings


@pytest.fixture
def flow(clock: FakeClock) -> EventFlowMonitor:
    flow = EventFlowMonitor(clock=clock)
    flow.connect("ws-1")
    return flow


def test_flow_delivered_event_is_not_a_silent_failure(
    flow: EventFlowMonitor, clock: FakeClock
) -> None:
    flow.sent("ws-1", "e1", event_type="agent_started")
    assert flow.delivered("ws-1", "e1")
    clock.advance(31)
    assert flow.check() == []
    [conn] = flow.connections()
    assert (conn.sent, conn.delivered, conn.pending, conn.silent_failures) == (1, 1, 0, 0)


def test_flow_unconfirmed_event_is_a_silent_failure_after_the_timeout(
    flow: EventFlowMonitor, clock: FakeClock
) -> None:
    flow.sent("ws-1", "e1", event_type="agent_started")
    clock.advance(29.9)
    assert flow.check() == []
    clock.advance(0.2)
    [failure] = flow.check()
    assert (failure.connection, failure.event_id, failure.event_type) == (
        "ws-1",
        "e1",
        "agent_started",
    )
    assert flow.delivered("ws-1", "e1") is False  # too late: stays a failure
    assert flow.totals["silent_failures"] == 1
    assert flow.recent_failures(60) == 1


def test_flow_threshold_raises_a_critical_alert(
    flow: EventFlowMonitor, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    alerts: list[EventFlowAlert] = []
    flow.add_alert_callback(alerts.append)
    for i in range(4):
        flow.sent("ws-1", f"e{i}")
    clock.advance(31)
    with caplog.at_level(logging.CRITICAL, logger="confwarden.monitoring.event_flow"):
        assert len(flow.check()) == 4
        assert alerts == []
        flow.sent("ws-1", "e5")
        clock.advance(31)
        flow.check()
    [alert] = alerts
    assert (alert.connection, alert.failures, alert.threshold) == ("ws-1", 5, 5)
    assert "WEBSOCKET_SILENT_FAILURE_THRESHOLD" in alert.message
    assert [r.levelno for r in caplog.records] == [logging.CRITICAL]


def test_flow_failing_alert_callback_is_counted(flow: EventFlowMonitor, clock: FakeClock) -> None:
    def broken(alert: EventFlowAlert) -> None:
        raise RuntimeError("nope")

    flow.add_alert_callback(broken)
    for i in range(5):
        flow.sent("ws-1", f"e{i}")
    clock.advance(31)
    flow.check()
    assert flow.callback_errors == 1


def test_flow_connection_without_heartbeat_is_unhealthy_after_twice_the_interval(
    flow: EventFlowMonitor, clock: FakeClock
) -> None:
    flow.connect("ws-1")
    clock.advance(30)
    assert flow.unhealthy_connections() == []
    clock.advance(0.5)
    assert flow.unhealthy_connections() == ["ws-1"]
    flow.heartbeat("ws-1")
    assert flow.unhealthy_connections() == []


def test_flow_disconnect_drops_pending_events_without_failures(
    flow: EventFlowMonitor, clock: FakeClock
) -> None:
    flow.sent("ws-1", "e1")
    flow.disconnect("ws-1")
    clock.advance(31)
    assert flow.check() == []
    assert flow.connections() == []


def test_flow_emitted_types_per_run(flow: EventFlowMonitor) -> None:
    flow.connect("ws-2")
    flow.sent("ws-1", "e1", event_type="agent_started", run_id="exec_a_1")
    flow.sent("ws-2", "e2", event_type="agent_completed", run_id="exec_a_1")
    assert flow.emitted_types("exec_a_1") == {"agent_started", "agent_completed"}
    assert flow.emitted_types("exec_b_1") == frozenset()


def test_flow_waiter_is_set_on_delivery(flow: EventFlowMonitor) -> None:
    waiter = flow.waiter("ws-1", "e1")
    flow.sent("ws-1", "e1")
    assert not waiter.is_set()
    flow.delivered("ws-1", "e1")
    assert waiter.is_set()


def test_flow_uses_the_configured_timeout(clock: FakeClock) -> None:
    flow = EventFlowMonitor(MonitoringSettings(websocket_event_timeout=2), clock=clock)
    flow.connect("ws-1")
    flow.sent("ws-1", "e1")
    clock.advance(2.1)
    assert len(flow.check()) == 1


def test_flow_calls_on_a_disconnected_connection_never_recreate_it(
    flow: EventFlowMonitor, clock: FakeClock
) -> None:
    flow.disconnect("ws-1")
    assert flow.sent("ws-1", "late", event_type="agent_completed", run_id="exec_a_1") is False
    flow.heartbeat("ws-1")
    assert flow.delivered("ws-1", "late") is False
    assert flow.connections() == []
    assert flow.emitted_types("exec_a_1") == {"agent_completed"}  # the agent did emit it
    assert flow.totals["sent_unfollowed"] == 1
    clock.advance(3600)
    assert flow.check() == []
    assert flow.unhealthy_connections() == []


def test_flow_calls_on_an_unknown_connection_are_not_followed(flow: EventFlowMonitor) -> None:
    assert flow.sent("never-connected", "e1") is False
    flow.heartbeat("never-connected")
    assert [c.connection for c in flow.connections()] == ["ws-1"]


def test_flow_disconnect_drops_the_connections_waiters(flow: EventFlowMonitor) -> None:
    for i in range(50_000):
        name = f"ws-{i}"
        flow.connect(name)
        flow.waiter(name, "selftest")
        flow.sent(name, "selftest")
        flow.disconnect(name)
    assert flow.waiting == 0  # every connection left with its waiter


def test_flow_timeout_and_forget_drop_waiters(flow: EventFlowMonitor, clock: FakeClock) -> None:
    flow.waiter("ws-1", "e1")
    flow.sent("ws-1", "e1")
    flow.waiter("ws-1", "e2")
    assert flow.waiting == 2
    clock.advance(31)
    flow.check()
    assert flow.waiting == 1
    flow.forget_waiter("ws-1", "e2")
    assert flow.waiting == 0


def test_flow_waiters_per_connection_are_bounded(flow: EventFlowMonitor) -> None:
    for i in range(5_000):
        flow.waiter("ws-1", f"e{i}")
    assert flow.waiting <= 1_000


def test_flow_recent_failures_are_exact_beyond_ten_thousand(
    flow: EventFlowMonitor, clock: FakeClock
) -> None:
    for i in range(15_000):
        flow.sent("ws-1", f"e{i}")
        clock.advance(0.001)
    clock.advance(31)
    assert len(flow.check()) == 15_000
    assert flow.recent_failures(300) == 15_000
    clock.advance(300)
    assert flow.recent_failures(300) == 0
