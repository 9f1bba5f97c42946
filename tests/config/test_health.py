"""The health score: documented penalties, deterministic, every deduction names its rule."""

from __future__ import annotations

import pytest

from confwarden.config.health import (
    PENALTIES,
    HealthStatus,
    compute_health,
    penalty_for,
)
from confwarden.config.spec import Problem, Severity


def _problem(rule: str, *, critical: bool = False, severity: Severity = Severity.ERROR) -> Problem:
    return Problem(
        variable="VAR",
        origin="os environment",
        message="is wrong",
        fix="fix it",
        rule=rule,
        severity=severity,
        critical=critical,
    )


def test_health_perfect_without_problems() -> None:
    health = compute_health([], [])
    assert (health.score, health.deductions, health.status) == (100, (), HealthStatus.HEALTHY)


@pytest.mark.parametrize(
    ("is_error", "critical", "points"),
    [(True, True, 25), (True, False, 10), (False, True, 5), (False, False, 3)],
)
def test_health_penalty_table(is_error: bool, critical: bool, points: int) -> None:
    assert penalty_for(is_error=is_error, critical=critical)[0] == points
    assert PENALTIES[(is_error, critical)] == points


def test_health_deductions_name_rule_and_variable() -> None:
    health = compute_health([_problem("secrets.length", critical=True)], [_problem("urls.format")])
    assert health.score == 100 - 25 - 3
    assert [(d.rule, d.points) for d in health.deductions] == [
        ("secrets.length", 25),
        ("urls.format", 3),
    ]
    assert str(health.deductions[0]) == ("-25 secrets.length (VAR): error on a critical field")


def test_health_info_costs_nothing() -> None:
    assert compute_health([], [_problem("x", severity=Severity.INFO)]).score == 100


def test_health_clamps_at_zero() -> None:
    health = compute_health([_problem("r", critical=True)] * 5, [])
    assert health.score == 0
    assert health.status is HealthStatus.UNHEALTHY
    assert len(health.deductions) == 5


def test_health_is_deterministic() -> None:
    errors = [_problem("a"), _problem("b", critical=True)]
    warnings = [_problem("c", severity=Severity.WARNING)]
    assert compute_health(errors, warnings) == compute_health(errors, warnings)


@pytest.mark.parametrize(
    ("score_errors", "status"),
    [(1, HealthStatus.HEALTHY), (2, HealthStatus.DEGRADED), (5, HealthStatus.UNHEALTHY)],
)
def test_health_status_thresholds(score_errors: int, status: HealthStatus) -> None:
    assert compute_health([_problem("r")] * score_errors, []).status is status


def test_health_to_dict() -> None:
    data = compute_health([_problem("r")], []).to_dict()
    assert data == {
        "score": 90,
        "status": "healthy",
        "deductions": [
            {
                "rule": "r",
                "variable": "VAR",
                "points": 10,
                "reason": "error on a non-critical field",
            }
        ],
    }
