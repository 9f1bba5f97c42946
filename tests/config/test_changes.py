"""check_change and ChangeTracker: classification, reasons, masking, runtime flags."""

from __future__ import annotations

import json
from typing import Any

import pytest

from confwarden.config.change_tracker import ChangeTracker, TrackedChange
from confwarden.config.changes import Change, ChangeClass, ChangeKind, check_change
from confwarden.config.spec import FieldSpec
from confwarden.environment.detection import Environment
from confwarden.environment.isolated import IsolatedEnvironment

CANARY = "CANARY-5f0e1d"


def _one(before: dict[str, str], after: dict[str, str], **kwargs: Any) -> Change:
    report = check_change(before, after, **kwargs)
    (change,) = report.changes
    return change


def test_check_change_removing_critical_is_breaking() -> None:
    change = _one({"SERVICE_SECRET": CANARY}, {})
    assert (change.kind, change.classification) == (ChangeKind.REMOVED, ChangeClass.BREAKING)
    assert "ULTRA_CRITICAL" in change.reasons[0]
    assert change.critical


def test_check_change_emptying_critical_is_breaking() -> None:
    change = _one({"JWT_SECRET_KEY": CANARY}, {"JWT_SECRET_KEY": " "})
    assert change.classification is ChangeClass.BREAKING
    assert change.reasons[0].startswith("emptied")


def test_check_change_removing_with_alias_left_is_risky() -> None:
    report = check_change({"JWT_SECRET_KEY": CANARY, "JWT_SECRET": CANARY}, {"JWT_SECRET": CANARY})
    (change,) = report.changes
    assert change.classification is ChangeClass.RISKY
    assert "JWT_SECRET still supplies it" in change.reasons[0]


def test_check_change_removing_fallback_dependency_in_development_is_risky() -> None:
    change = _one({"POSTGRES_HOST": "db"}, {}, environment=Environment.DEVELOPMENT)
    assert change.classification is ChangeClass.RISKY


def test_check_change_removing_unknown_is_safe() -> None:
    change = _one({"LOG_LEVEL": "INFO"}, {})
    assert change.classification is ChangeClass.SAFE
    assert change.reasons == ()


def test_check_change_removing_database_url_is_safe() -> None:
    assert _one({"DATABASE_URL": "postgresql://x"}, {}).classification is ChangeClass.SAFE


def test_check_change_rotating_secret_is_risky_and_masked() -> None:
    change = _one({"SECRET_KEY": CANARY}, {"SECRET_KEY": CANARY + "-new"})
    assert change.classification is ChangeClass.RISKY
    assert any("rotated" in r for r in change.reasons)
    assert (change.before, change.after) == ("***", "***")


def test_check_change_schema_sensitive_field_is_masked() -> None:
    field = FieldSpec("license", ("LICENSE_BLOB",), sensitive=True)
    change = _one({"LICENSE_BLOB": CANARY}, {"LICENSE_BLOB": "x" + CANARY}, fields=[field])
    assert CANARY not in str(change)


def test_check_change_restart_required_field_is_risky() -> None:
    field = FieldSpec("workers", ("WORKERS",), restart_required=True)
    change = _one({"WORKERS": "2"}, {"WORKERS": "4"}, fields=[field])
    assert change.classification is ChangeClass.RISKY
    assert (change.before, change.after) == ("2", "4")


def test_check_change_environment_change_is_breaking() -> None:
    assert _one({"ENVIRONMENT": "staging"}, {"ENVIRONMENT": "production"}).classification is (
        ChangeClass.BREAKING
    )


def test_check_change_adding_database_url_is_risky() -> None:
    change = _one({}, {"DATABASE_URL": f"postgresql://u:{CANARY}@h/db"})
    assert change.classification is ChangeClass.RISKY
    assert CANARY not in json.dumps(change.to_dict())


def test_check_change_adding_other_environment_credentials_is_risky() -> None:
    change = _one(
        {}, {"GOOGLE_OAUTH_CLIENT_SECRET_STAGING": CANARY}, environment=Environment.PRODUCTION
    )
    assert change.classification is ChangeClass.RISKY


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        (Environment.DEVELOPMENT, ChangeClass.SAFE),
        (Environment.PRODUCTION, ChangeClass.BREAKING),
    ],
)
def test_check_change_localhost_url_depends_on_policy(
    environment: Environment, expected: ChangeClass
) -> None:
    change = _one(
        {"FRONTEND_URL": "https://app.example.com"},
        {"FRONTEND_URL": "http://localhost:3000"},
        environment=environment,
    )
    assert change.classification is expected


def test_check_change_report_counts_and_summary() -> None:
    report = check_change(
        {"SERVICE_SECRET": CANARY, "SECRET_KEY": CANARY, "LOG_LEVEL": "INFO"},
        {"SECRET_KEY": CANARY + "2", "LOG_LEVEL": "DEBUG", "NEW_FLAG": "1"},
    )
    assert (len(report.breaking), len(report.risky), len(report.safe)) == (1, 1, 2)
    assert report.has_breaking
    assert report.worst is ChangeClass.BREAKING
    lines = report.summary_lines()
    assert lines[0] == "4 change(s): 1 breaking, 1 risky, 2 safe"
    assert lines[1].startswith("  [breaking] SERVICE_SECRET removed")
    text = "\n".join(lines) + json.dumps(report.to_dict())
    assert CANARY not in text


def test_check_change_identical_is_empty() -> None:
    report = check_change({"A": "1"}, {"A": "1"})
    assert report.changes == ()
    assert report.worst is ChangeClass.SAFE


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
