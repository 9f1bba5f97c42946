"""ports.conflict / ports.format: port settings are ports and no two share host and port."""

from __future__ import annotations

from confwarden.config.validation import ValidationContext
from confwarden.config.validation.ports import PortRule
from confwarden.environment.detection import Environment


def _problems(variables: dict[str, str]) -> list[tuple[str, str]]:
    ctx = ValidationContext.from_variables(Environment.DEVELOPMENT, variables)
    return [(p.variable, p.rule) for p in PortRule().check(ctx)]


def test_port_rule_reports_conflict_once_per_extra_claimant() -> None:
    problems = _problems(
        {"BACKEND_PORT": "8000", "AUTH_SERVICE_PORT": "8000", "WORKER_PORT": "8000"}
    )
    assert problems == [("BACKEND_PORT", "ports.conflict"), ("WORKER_PORT", "ports.conflict")]


def test_port_rule_same_port_on_different_hosts_is_fine() -> None:
    assert (
        _problems(
            {
                "REDIS_HOST": "cache",
                "REDIS_PORT": "6379",
                "QUEUE_HOST": "queue",
                "QUEUE_PORT": "6379",
            }
        )
        == []
    )


def test_port_rule_format_problems() -> None:
    assert _problems({"BACKEND_PORT": "80a", "AUTH_SERVICE_PORT": "70000", "PORT": "0"}) == [
        ("AUTH_SERVICE_PORT", "ports.format"),
        ("BACKEND_PORT", "ports.format"),
        ("PORT", "ports.format"),
    ]


def test_port_rule_leaves_postgres_port_format_to_database_rule() -> None:
    assert _problems({"POSTGRES_PORT": "abc"}) == []
