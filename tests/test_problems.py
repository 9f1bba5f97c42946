"""Problem: one class for what is wrong with a variable, whichever layer found it."""

from __future__ import annotations

import json

import pytest

import confwarden.components
import confwarden.config
import confwarden.config.spec
from confwarden.components.redis_url import RedisURLBuilder
from confwarden.environment.detection import Environment
from confwarden.environment.policy import Severity as PolicySeverity
from confwarden.problems import Problem, Severity

CANARY = "hunter2CANARY"


def test_problem_is_one_class_under_every_public_name() -> None:
    assert confwarden.components.Problem is Problem
    assert confwarden.config.spec.Problem is Problem
    assert confwarden.config.Problem is Problem
    assert confwarden.config.spec.Severity is Severity is PolicySeverity
    assert confwarden.config.Severity is Severity


def test_problem_fields_are_keyword_only() -> None:
    # Components used (variable, message, action), rules (variable, origin, message, fix):
    # keyword-only fields mean no caller can mix the two orders up.
    with pytest.raises(TypeError):
        Problem("A", "is wrong", "Fix it")  # type: ignore[misc]


def test_problem_str_is_property_origin_reason_action_rule() -> None:
    problem = Problem(
        variable="REDIS_URL",
        origin=".env file .env:3",
        message="uses plain-text redis://",
        fix="Use rediss://",
        rule="components.RedisURLBuilder",
    )
    assert str(problem) == (
        "REDIS_URL (from .env file .env:3): uses plain-text redis://. Fix: Use rediss:// "
        "[components.RedisURLBuilder]"
    )


def test_problem_str_omits_unknown_origin_and_rule_and_keeps_one_full_stop() -> None:
    problem = Problem(variable="POSTGRES_PORT", message="is not a port.", fix="Set 5432")
    assert str(problem) == "POSTGRES_PORT: is not a port. Fix: Set 5432"


def test_problem_to_dict_has_every_key_of_both_former_forms() -> None:
    problem = Problem(
        variable="JWT_SECRET_KEY",
        origin="os environment",
        message="is 12 characters, needs at least 32",
        fix="Use a longer secret",
        rule="auth.jwt_secret",
        severity=Severity.WARNING,
        critical=True,
    )
    assert problem.to_dict() == {
        "variable": "JWT_SECRET_KEY",
        "origin": "os environment",
        "message": "is 12 characters, needs at least 32",
        "fix": "Use a longer secret",
        "action": "Use a longer secret",
        "rule": "auth.jwt_secret",
        "severity": "warning",
        "critical": True,
        "blocking": False,
    }
    assert problem.action == problem.fix


def test_problem_component_json_keeps_action_and_gains_fix_never_the_secret() -> None:
    builder = RedisURLBuilder(
        {"REDIS_URL": f"redis://:{CANARY}@cache.internal:6379/0"},
        environment=Environment.PRODUCTION,
        in_docker=False,
    )
    result = builder.validate()
    assert not result.ok
    for item in result.to_dict()["problems"]:  # type: ignore[attr-defined]
        assert {"variable", "message", "action", "severity", "origin"} <= item.keys()
        assert item["fix"] == item["action"]
    text = json.dumps(result.to_dict()) + "".join(str(p) for p in result)
    assert CANARY not in text
