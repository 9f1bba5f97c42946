"""MonitoringSettings: the spec's variables and defaults, loadable as part of a project schema."""

from __future__ import annotations

import pydantic
import pytest

from confwarden.config.inspection import inspect_service
from confwarden.config.schema import ConfigSchema, fields_of
from confwarden.environment.detection import Environment
from confwarden.monitoring import MonitoringSettings

SPEC_DEFAULTS = {
    "AGENT_EXECUTION_TIMEOUT": 30,
    "AGENT_HEARTBEAT_TIMEOUT": 10,
    "AGENT_HEARTBEAT_INTERVAL": 2,
    "EXECUTION_CLEANUP_INTERVAL": 60,
    "MAX_CONCURRENT_AGENTS": 10,
    "WEBSOCKET_EVENT_TIMEOUT": 30,
    "WEBSOCKET_HEARTBEAT_INTERVAL": 15,
    "WEBSOCKET_HEALTH_CHECK_INTERVAL": 10,
    "WEBSOCKET_SILENT_FAILURE_THRESHOLD": 5,
}


def test_settings_defaults_are_the_specs() -> None:
    settings = MonitoringSettings()
    for variable, default in SPEC_DEFAULTS.items():
        assert getattr(settings, variable.lower()) == default, variable


def test_settings_bind_the_specs_variable_names() -> None:
    names = {spec.env_names[0] for spec in fields_of(MonitoringSettings)}
    assert names == set(SPEC_DEFAULTS)
    assert {spec.group for spec in fields_of(MonitoringSettings)} == {"monitoring"}


class ShopConfig(MonitoringSettings):
    """A project schema that includes the monitoring settings."""

    shop_name: str = "shop"


class PlainConfig(ConfigSchema):
    shop_name: str = "shop"


def test_settings_load_from_the_environment_when_included() -> None:
    inspection = inspect_service(
        ShopConfig, {"AGENT_HEARTBEAT_TIMEOUT": "4", "MAX_CONCURRENT_AGENTS": "3"},
        Environment.DEVELOPMENT,
    )  # fmt: skip
    assert inspection.config is not None
    assert inspection.config.agent_heartbeat_timeout == 4.0  # type: ignore[attr-defined]
    assert inspection.config.max_concurrent_agents == 3  # type: ignore[attr-defined]
    assert inspection.config.websocket_event_timeout == 30.0  # type: ignore[attr-defined]


def test_settings_are_not_forced_on_a_schema_that_does_not_include_them() -> None:
    assert not {spec.env_names[0] for spec in fields_of(PlainConfig)} & set(SPEC_DEFAULTS)


def test_settings_reject_a_zero_timeout_naming_the_variable() -> None:
    inspection = inspect_service(
        ShopConfig, {"AGENT_HEARTBEAT_TIMEOUT": "0"}, Environment.PRODUCTION
    )
    assert not inspection.ok
    problems = [p for p in inspection.validation.errors if p.variable == "AGENT_HEARTBEAT_TIMEOUT"]
    assert problems
    assert "greater than 0" in problems[0].message


def test_settings_reject_a_zero_limit_on_construction() -> None:
    with pytest.raises(pydantic.ValidationError, match="max_concurrent_agents"):
        MonitoringSettings(max_concurrent_agents=0)


def _heartbeat_problems(schema: type, variables: dict[str, str], *, errors: bool) -> list[str]:
    inspection = inspect_service(schema, variables, Environment.PRODUCTION)
    problems = inspection.validation.errors if errors else inspection.validation.warnings
    return [f"{p.variable} {p.message}" for p in problems if p.rule == "monitoring.heartbeat"]


def test_settings_refuse_a_heartbeat_interval_not_below_its_timeout() -> None:
    variables = {"AGENT_HEARTBEAT_INTERVAL": "15", "AGENT_HEARTBEAT_TIMEOUT": "10"}
    inspection = inspect_service(ShopConfig, {**variables, "MAX_CONCURRENT_AGENTS": "0"},
                                 Environment.PRODUCTION)  # fmt: skip
    assert not inspection.ok
    by_variable = {p.variable: p for p in inspection.validation.errors}
    assert set(by_variable) == {"AGENT_HEARTBEAT_INTERVAL", "MAX_CONCURRENT_AGENTS"}
    problem = by_variable["AGENT_HEARTBEAT_INTERVAL"]
    assert problem.rule == "monitoring.heartbeat"
    assert "AGENT_HEARTBEAT_TIMEOUT" in problem.message
    assert "15 s" in problem.message
    assert "10 s" in problem.message


def test_settings_refuse_an_interval_above_the_default_timeout() -> None:
    assert _heartbeat_problems(ShopConfig, {"AGENT_HEARTBEAT_INTERVAL": "12"}, errors=True) == [
        "AGENT_HEARTBEAT_INTERVAL is 12 s, not below AGENT_HEARTBEAT_TIMEOUT (10 s): every "
        "execution would be declared dead between two of its heartbeats"
    ]


def test_settings_warn_when_the_timeout_is_under_twice_the_interval() -> None:
    variables = {"AGENT_HEARTBEAT_INTERVAL": "6", "AGENT_HEARTBEAT_TIMEOUT": "10"}
    assert _heartbeat_problems(ShopConfig, variables, errors=True) == []
    [warning] = _heartbeat_problems(ShopConfig, variables, errors=False)
    assert warning.startswith("AGENT_HEARTBEAT_TIMEOUT is 10 s, under twice")


def test_settings_accept_the_spec_defaults_and_skip_unreadable_values() -> None:
    assert _heartbeat_problems(ShopConfig, {}, errors=True) == []
    assert _heartbeat_problems(ShopConfig, {}, errors=False) == []
    for unreadable in ({"AGENT_HEARTBEAT_INTERVAL": "soon"}, {"AGENT_HEARTBEAT_TIMEOUT": "0"}):
        # The conversion error names the variable already: one hole, one problem.
        assert _heartbeat_problems(ShopConfig, unreadable, errors=True) == []


def test_settings_heartbeat_rule_runs_beside_a_presets_own_rules() -> None:
    from confwarden.presets.agent_platform.app import AppConfig

    class Platform(AppConfig, MonitoringSettings):
        pass

    variables = {"AGENT_HEARTBEAT_INTERVAL": "15", "AGENT_HEARTBEAT_TIMEOUT": "10"}
    assert _heartbeat_problems(Platform, variables, errors=True)
