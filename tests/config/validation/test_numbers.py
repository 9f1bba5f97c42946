"""numbers: NaN, infinity and negative durations refused; bounds declared on a field enforced."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import pytest
from pydantic import Field

from confwarden.config.inspection import inspect_service
from confwarden.config.loader import load_config
from confwarden.config.schema import ConfigSchema, Env, fields_of
from confwarden.config.sources import LoadContext
from confwarden.config.spec import Severity
from confwarden.config.validation import ConfigurationValidator, ValidationContext
from confwarden.config.validation.numbers import NumberRule
from confwarden.environment.detection import Environment


class Limits(ConfigSchema):
    """Durations and a bounded limit, as a project declares them."""

    request_timeout: Annotated[float, Env("LLM_REQUEST_TIMEOUT")] = 60.0
    heartbeat_interval: Annotated[int, Env("AGENT_HEARTBEAT_INTERVAL")] = 2
    max_agents: Annotated[int, Field(ge=1, le=1000), Env("MAX_CONCURRENT_AGENTS")] = 10


def _problems(environment: Environment, variables: dict[str, str]) -> dict[str, str]:
    ctx = ValidationContext.from_variables(environment, variables, fields_of(Limits))
    return {p.variable: p.message for p in NumberRule().check(ctx)}


@pytest.mark.parametrize(
    "value", ["nan", "NaN", "inf", "-inf", "+Infinity", "1e400", "1E999", "-1e999", "1_0e999"]
)
def test_number_rule_refuses_non_finite_values(value: str) -> None:
    problems = _problems(Environment.PRODUCTION, {"LLM_REQUEST_TIMEOUT": value})
    assert problems == {"LLM_REQUEST_TIMEOUT": "is not a finite number"}


@pytest.mark.parametrize("value", ["-1", "-0.5", " -30 ", "-1_0", "-1_5", "-5_0.0"])
def test_number_rule_refuses_negative_durations(value: str) -> None:
    problems = _problems(Environment.STAGING, {"AGENT_HEARTBEAT_INTERVAL": value})
    assert problems == {"AGENT_HEARTBEAT_INTERVAL": "is a negative duration"}


def test_number_rule_accepts_sane_values() -> None:
    assert _problems(Environment.PRODUCTION, {"LLM_REQUEST_TIMEOUT": "0.5"}) == {}


def test_number_rule_problems_stop_deployed_startup() -> None:
    ctx = ValidationContext.from_variables(
        Environment.STAGING, {"LLM_REQUEST_TIMEOUT": "nan"}, fields_of(Limits)
    )
    (problem,) = NumberRule().check(ctx)
    assert problem.severity is Severity.ERROR
    assert problem.critical


def test_number_bounds_declared_on_a_field_are_enforced() -> None:
    context = LoadContext(Environment.PRODUCTION, {"MAX_CONCURRENT_AGENTS": "1000000"})
    result = load_config(Limits, context)
    (problem,) = [p for p in result.problems if p.variable == "MAX_CONCURRENT_AGENTS"]
    assert "less than or equal to 1000" in problem.message
    assert problem.severity is Severity.ERROR


def test_number_preset_bounds_max_concurrent_agents() -> None:
    from confwarden.presets.agent_platform.app import AppConfig

    context = LoadContext(Environment.PRODUCTION, {"MAX_CONCURRENT_AGENTS": "99999999"})
    result = load_config(AppConfig, context)
    assert any(p.variable == "MAX_CONCURRENT_AGENTS" for p in result.problems)


def test_number_rule_is_a_default_rule() -> None:
    assert any(isinstance(rule, NumberRule) for rule in ConfigurationValidator().rules)


@pytest.mark.parametrize(
    ("variable", "value", "rule"),
    [
        ("LLM_REQUEST_TIMEOUT", "-5_0", "numbers.negative_duration"),
        ("AGENT_EXECUTION_TIMEOUT", "-1_0", "numbers.negative_duration"),
        ("WEBSOCKET_HEARTBEAT_INTERVAL", "-1_5", "numbers.negative_duration"),
        ("LLM_REQUEST_TIMEOUT", "1e400", "numbers.finite"),
        ("LLM_REQUEST_TIMEOUT", "1E999", "numbers.finite"),
    ],
)
def test_number_rule_judges_the_converted_preset_value(
    deployed_vars: Callable[..., dict[str, str]], variable: str, value: str, rule: str
) -> None:
    # Gap (audit 2, item 2): the rule read the text only, so pydantic's underscores and
    # overflowing exponents turned into -50.0 and inf in a started production service.
    from confwarden.presets.agent_platform.app import AppConfig

    inspection = inspect_service(
        AppConfig, deployed_vars("production", **{variable: value}), Environment.PRODUCTION
    )
    assert not inspection.validation.is_valid
    assert [p.rule for p in inspection.validation.errors if p.variable == variable] == [rule]


class Service(ConfigSchema, env_prefix="SVC_"):
    """A user's schema with a timeout."""

    request_timeout: float = 30.0


@pytest.mark.parametrize("value", ["-1_0", "1e999"])
def test_number_rule_judges_a_user_schema(value: str) -> None:
    inspection = inspect_service(Service, {"SVC_REQUEST_TIMEOUT": value}, Environment.PRODUCTION)
    assert [p.variable for p in inspection.validation.errors] == ["SVC_REQUEST_TIMEOUT"]
