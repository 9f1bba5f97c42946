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
