"""ChangeTracker: runtime changes recorded masked, critical ones flagged to listeners."""

from __future__ import annotations

import json

from confwarden.config.change_tracker import ChangeTracker, TrackedChange
from confwarden.config.changes import ChangeClass
from confwarden.environment.detection import Environment
from confwarden.environment.isolated import IsolatedEnvironment

CANARY = "CANARY-5f0e1d"


def test_change_tracker_records_masked_changes_with_source_and_time() -> None:
    env = IsolatedEnvironment(environ={}, isolated=True)
    tracker = ChangeTracker(clock=lambda: 42.0)
    tracker.attach(env)
    env.set("JWT_SECRET_KEY", CANARY, source="rotation_job")
    env.set("LOG_LEVEL", "DEBUG", source="ops")
    records = tracker.records
    assert [(r.change.variable, r.change.after, r.timestamp) for r in records] == [
        ("JWT_SECRET_KEY", "***", 42.0),
        ("LOG_LEVEL", "DEBUG", 42.0),
    ]
    assert records[0].source.startswith("set() by rotation_job")
    assert CANARY not in json.dumps([r.to_dict() for r in records])
    tracker.detach(env)
    env.set("OTHER", "1", source="ops")
    assert len(tracker.records) == 2


def test_change_tracker_flags_critical_changes_to_callbacks() -> None:
    env = IsolatedEnvironment(environ={"SERVICE_SECRET": CANARY}, isolated=True)
    tracker = ChangeTracker(environment=Environment.PRODUCTION)
    flagged: list[TrackedChange] = []
    tracker.add_callback(flagged.append)
    tracker.attach(env)
    env.set("LOG_LEVEL", "DEBUG", source="ops")
    env.delete("SERVICE_SECRET", source="cleanup")
    assert [r.change.variable for r in flagged] == ["SERVICE_SECRET"]
    assert flagged[0].change.classification is ChangeClass.BREAKING
    assert tracker.critical_changes == flagged
    tracker.remove_callback(flagged.append)
    env.set("SERVICE_SECRET", CANARY, source="restore")
    assert len(flagged) == 1


def test_change_tracker_failing_callback_is_logged_masked() -> None:
    env = IsolatedEnvironment(environ={}, isolated=True)
    tracker = ChangeTracker()

    def broken(record: TrackedChange) -> None:
        raise RuntimeError(f"cannot handle {CANARY}")

    tracker.add_callback(broken)
    tracker.attach(env)
    env.set("SECRET_KEY", CANARY, source="test")
    assert len(tracker.callback_errors) == 1
    assert CANARY not in tracker.callback_errors[0]
    assert env.get("SECRET_KEY") == CANARY


def test_change_tracker_keeps_bounded_history() -> None:
    tracker = ChangeTracker(max_records=3)
    for i in range(5):
        tracker(f"VAR_{i}", None, "1", "test")
    assert [r.change.variable for r in tracker.records] == ["VAR_2", "VAR_3", "VAR_4"]
    tracker.clear()
    assert tracker.records == []


def test_change_tracker_failing_listener_quoting_a_url_password_is_masked() -> None:
    env = IsolatedEnvironment(
        environ={"SERVICE_SECRET": "x" * 12, "BROKER_URL": f"amqp://u:{CANARY}@mq/"},
        isolated=True,
    )
    tracker = ChangeTracker(environment=Environment.PRODUCTION)

    def broken(record: TrackedChange) -> None:
        raise RuntimeError(f"cannot reconnect with {CANARY} ({CANARY.encode().hex()})")

    tracker.add_callback(broken)
    tracker.attach(env)
    env.delete("SERVICE_SECRET", source="cleanup")
    assert len(tracker.callback_errors) == 1
    assert CANARY not in tracker.callback_errors[0]
    assert CANARY.encode().hex() not in tracker.callback_errors[0]


def test_change_tracker_masks_a_value_copied_from_a_secret_by_set() -> None:
    env = IsolatedEnvironment(environ={"JWT_SECRET_KEY": CANARY}, isolated=True)
    tracker = ChangeTracker()
    tracker.attach(env)
    env.set("COPYV", CANARY, source="copy")
    env.set("COPYV", "plain", source="copy")
    (added, modified) = tracker.records
    assert added.change.after == "***"
    assert modified.change.before == "***"
    assert modified.change.after == "plain"
    assert CANARY not in json.dumps([r.to_dict() for r in tracker.records])
    assert CANARY not in str(added.change)
