"""check_change: every change classified breaking, risky or safe, with reasons, masked."""

from __future__ import annotations

import json
from typing import Any

import pytest

from confwarden.config.changes import Change, ChangeClass, ChangeKind, check_change
from confwarden.config.spec import FieldSpec
from confwarden.environment.detection import Environment

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
