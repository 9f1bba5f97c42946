"""HealthReport: UP / DEGRADED / DOWN from every component, with reasons, JSON, masked."""

from __future__ import annotations

import json
from typing import Annotated

import pytest
from pydantic import SecretStr
from tests.clock import FakeClock
from tests.monitoring.test_health_loop import FlakySource
from tests.monitoring.test_health_loop import Status as SourceStatus

from confwarden.config.manager import UnifiedConfigManager
from confwarden.config.schema import ConfigSchema, Env
from confwarden.config.validation import ValidationResult
from confwarden.environment.detection import Environment
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.monitoring import (
    ComponentHealth,
    ConfigHealthMonitor,
    EventFlowMonitor,
    ExecutionTracker,
    HealthReport,
    Status,
    build_report,
)

CANARY = "CANARY-report-0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d"


class ShopConfig(ConfigSchema):
    shop_secret: Annotated[
        SecretStr | None,
        Env("SHOP_SECRET", sensitive=True, critical=True, required_in={Environment.PRODUCTION}),
    ] = None
    shop_api_token: Annotated[SecretStr | None, Env("SHOP_API_TOKEN", sensitive=True)] = None


def _config_monitor(variables: dict[str, str], clock: FakeClock) -> ConfigHealthMonitor:
    env = IsolatedEnvironment(environ=variables, isolated=True)
    manager = UnifiedConfigManager(ShopConfig, env=env, environment=Environment.PRODUCTION)
    return ConfigHealthMonitor.from_manager(manager, clock=clock)


def test_report_up_when_every_component_is_up(clock: FakeClock) -> None:
    config = _config_monitor({"SHOP_SECRET": CANARY}, clock)
    config.check()
    report = build_report(
        config=config,
        executions=ExecutionTracker(clock=clock),
        event_flow=EventFlowMonitor(clock=clock),
        clock=clock,
    )
    assert report.status is Status.UP
    assert report.http_status == 200
    assert [c.name for c in report.components] == ["config", "executions", "event_flow"]
    data = report.to_dict()
    assert data["status"] == "UP"
    assert data["timestamp"] == "2025-01-09T20:30:00Z"
    assert data["components"]["config"]["details"]["score"] == 100


def test_report_down_with_503_when_validation_fails(clock: FakeClock) -> None:
    config = _config_monitor({}, clock)
    config.check()
    report = build_report(config=config, clock=clock)
    assert (report.status, report.http_status) == (Status.DOWN, 503)
    component = report.component("config")
    assert component is not None
    assert component.reason == "1 validation error(s) in mode enforce_all: SHOP_SECRET"


def test_report_down_before_the_first_validation(clock: FakeClock) -> None:
    report = build_report(config=_config_monitor({}, clock), clock=clock)
    assert report.status is Status.DOWN
    assert report.components[0].reason == "not validated yet"


def test_report_degraded_when_the_validator_crashed_after_a_good_check(clock: FakeClock) -> None:
    config = _config_monitor({"SHOP_SECRET": CANARY}, clock)
    config.check()

    def broken() -> ValidationResult:
        raise RuntimeError(CANARY)

    config._validate = broken
    config.check()
    report = build_report(config=config, clock=clock)
    assert report.status is Status.DEGRADED
    assert report.components[0].reason == "the validator raised RuntimeError"


def test_report_degraded_when_a_source_is_down(clock: FakeClock) -> None:
    env = IsolatedEnvironment(environ={"SHOP_SECRET": CANARY}, isolated=True)
    manager = UnifiedConfigManager(ShopConfig, env=env, environment=Environment.PRODUCTION)
    source = FlakySource()
    source.current = SourceStatus("vault 127.0.0.1:8200", False, "connection refused", None)
    config = ConfigHealthMonitor.from_manager(manager, sources=[source], clock=clock)
    config.check()
    report = build_report(config=config, clock=clock)
    sources = report.component("sources")
    assert sources is not None
    assert (sources.status, report.status) == (Status.DEGRADED, Status.DEGRADED)
    assert sources.reason == "vault 127.0.0.1:8200 is down (connection refused)"


def test_report_degraded_after_a_death_then_up_after_the_window(clock: FakeClock) -> None:
    tracker = ExecutionTracker(clock=clock, death_window=60)
    tracker.create("triage_agent")
    clock.advance(11)
    tracker.check()
    report = build_report(executions=tracker, clock=clock)
    assert report.status is Status.DEGRADED
    assert report.components[0].reason == "1 execution(s) died in the last 60 s (no_heartbeat: 1)"
    clock.advance(60)
    assert build_report(executions=tracker, clock=clock).status is Status.UP


def test_report_degraded_on_silent_failures_and_unhealthy_connections(clock: FakeClock) -> None:
    flow = EventFlowMonitor(clock=clock)
    flow.connect("ws-1")
    flow.sent("ws-1", "e1")
    clock.advance(31)
    flow.check()
    report = build_report(event_flow=flow, window=300, clock=clock)
    assert report.status is Status.DEGRADED
    assert report.components[0].reason == (
        "1 connection(s) without heartbeat; 1 event(s) not delivered in the last 300 s"
    )


def test_report_is_json_and_masked(clock: FakeClock) -> None:
    config = _config_monitor({"SHOP_SECRET": "short", "SHOP_API_TOKEN": CANARY}, clock)
    config.check()
    text = json.dumps(build_report(config=config, clock=clock).to_dict())
    assert CANARY not in text
    assert "short" not in text.replace("too short", "")


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], Status.UP),
        ([Status.UP, Status.DEGRADED], Status.DEGRADED),
        ([Status.DEGRADED, Status.DOWN, Status.UP], Status.DOWN),
    ],
)
def test_report_worst_component_wins(statuses: list[Status], expected: Status) -> None:
    components = [ComponentHealth(f"c{i}", s, "") for i, s in enumerate(statuses)]
    assert HealthReport.of(components, 0.0).status is expected


def test_report_degraded_when_a_source_status_fails(clock: FakeClock) -> None:
    class Broken:
        name = "etcd 127.0.0.1:2379"

        def status(self) -> SourceStatus:
            raise OSError(CANARY)

    env = IsolatedEnvironment(environ={"SHOP_SECRET": CANARY}, isolated=True)
    manager = UnifiedConfigManager(ShopConfig, env=env, environment=Environment.PRODUCTION)
    config = ConfigHealthMonitor.from_manager(manager, sources=[Broken()], clock=clock)
    config.check()
    report = build_report(config=config, clock=clock)
    sources = report.component("sources")
    assert sources is not None
    assert sources.status is Status.DEGRADED
    assert sources.reason == "etcd 127.0.0.1:2379: status() raised OSError"
    assert CANARY not in json.dumps(report.to_dict())


def test_report_degraded_when_the_last_validation_is_stale(clock: FakeClock) -> None:
    config = _config_monitor({"SHOP_SECRET": CANARY}, clock)
    config.check()
    clock.advance(3 * config.interval)
    assert build_report(config=config, clock=clock).status is Status.UP
    clock.advance(1)
    report = build_report(config=config, clock=clock)
    assert report.status is Status.DEGRADED
    assert report.components[0].reason == (
        "stale: last validation 91 s ago, expected every 30 s (is the health loop running?)"
    )
