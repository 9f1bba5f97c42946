"""ConfigHealthMonitor: re-validation, bounded history, alerts, and never crashing."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, NamedTuple

import pytest
from pydantic import SecretStr
from tests.clock import FakeClock

from confwarden.config.change_tracker import ChangeTracker
from confwarden.config.manager import UnifiedConfigManager
from confwarden.config.schema import ConfigSchema, Env
from confwarden.config.validation import ValidationResult
from confwarden.environment.detection import Environment
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.monitoring import Alert, AlertSeverity, ConfigHealthMonitor

CANARY = "CANARY-health-7d1e0f9a2b3c4d5e6f708192a3b4c5d6"
DEPLOYED = frozenset({Environment.STAGING, Environment.PRODUCTION})


class ShopConfig(ConfigSchema):
    shop_secret: Annotated[
        SecretStr | None,
        Env("SHOP_SECRET", sensitive=True, critical=True, required_in=DEPLOYED),
    ] = None
    shop_name: str = "shop"


def _manager(env: IsolatedEnvironment) -> UnifiedConfigManager:
    return UnifiedConfigManager(ShopConfig, env=env, environment=Environment.PRODUCTION)


@pytest.fixture
def env() -> IsolatedEnvironment:
    return IsolatedEnvironment(environ={"SHOP_SECRET": CANARY}, isolated=True)


def _alerts(monitor: ConfigHealthMonitor) -> list[Alert]:
    seen: list[Alert] = []
    monitor.add_alert_callback(seen.append)
    return seen


def test_health_monitor_validates_the_live_configuration(
    env: IsolatedEnvironment, clock: FakeClock
) -> None:
    monitor = ConfigHealthMonitor.from_manager(_manager(env), clock=clock)
    alerts = _alerts(monitor)
    sample = monitor.check()
    assert sample is not None
    assert (sample.score, sample.errors, sample.mode) == (100, 0, "enforce_all")
    env.delete("SHOP_SECRET", source="ops")
    clock.advance(30)
    sample = monitor.check()
    assert sample is not None
    assert sample.errors == 1
    [alert] = alerts
    assert (alert.kind, alert.severity) == ("validation_failed", AlertSeverity.CRITICAL)
    assert "SHOP_SECRET" in alert.message
    env.set("SHOP_SECRET", CANARY, source="ops")
    monitor.check()
    assert [a.kind for a in alerts] == ["validation_failed", "validation_recovered"]
    assert [s.score for s in monitor.history] == [100, 75, 100]


def test_health_monitor_alerts_once_per_new_failure(
    env: IsolatedEnvironment, clock: FakeClock
) -> None:
    monitor = ConfigHealthMonitor.from_manager(_manager(env), clock=clock)
    alerts = _alerts(monitor)
    env.delete("SHOP_SECRET", source="ops")
    for _ in range(3):
        monitor.check()
    assert [a.kind for a in alerts] == ["validation_failed"]


def test_health_monitor_history_is_bounded(env: IsolatedEnvironment, clock: FakeClock) -> None:
    monitor = ConfigHealthMonitor.from_manager(_manager(env), clock=clock, history=3)
    for _ in range(5):
        clock.advance(30)
        monitor.check()
    assert len(monitor.history) == 3
    assert monitor.history[0].timestamp == clock.now - 60


def test_health_monitor_critical_change_alert_is_masked(
    env: IsolatedEnvironment, clock: FakeClock
) -> None:
    tracker = ChangeTracker(
        environment=Environment.PRODUCTION, fields=ShopConfig.__confwarden_fields__
    )
    tracker.attach(env)
    monitor = ConfigHealthMonitor.from_manager(_manager(env), change_tracker=tracker, clock=clock)
    alerts = _alerts(monitor)
    env.set("SHOP_SECRET", CANARY + "-rotated", source="rotation_job")
    [alert] = alerts
    assert alert.kind == "critical_change"
    # the classification's word, not its number
    assert alert.message.startswith("SHOP_SECRET changed at run time (risky) by ")
    assert "rotation_job" in alert.message
    assert CANARY not in json.dumps(alert.to_dict())


def test_health_monitor_survives_a_crashing_validator(clock: FakeClock) -> None:
    def broken() -> ValidationResult:
        raise RuntimeError(CANARY)

    monitor = ConfigHealthMonitor(broken, clock=clock)
    alerts = _alerts(monitor)
    assert monitor.check() is None
    assert monitor.validator_failures == 1
    assert monitor.last_error == "the validator raised RuntimeError"
    assert [a.kind for a in alerts] == ["validator_failed"]
    assert CANARY not in json.dumps([a.to_dict() for a in alerts])
    # Still broken at the next checks: counted, but one critical alert, not 2,880 a day.
    for _ in range(3):
        assert monitor.check() is None
    assert monitor.validator_failures == 4
    assert [a.kind for a in alerts] == ["validator_failed"]


def test_health_monitor_says_when_a_failing_validator_works_again(
    env: IsolatedEnvironment, clock: FakeClock
) -> None:
    manager = _manager(env)
    working = {"ok": False}

    def flaky() -> ValidationResult:
        if not working["ok"]:
            raise RuntimeError("down")
        return manager.inspect().validation

    monitor = ConfigHealthMonitor(flaky, clock=clock)
    alerts = _alerts(monitor)
    monitor.check()
    working["ok"] = True
    assert monitor.check() is not None
    assert [a.kind for a in alerts] == ["validator_failed", "validator_recovered"]
    assert monitor.last_error is None


def test_health_monitor_survives_a_crashing_callback(
    env: IsolatedEnvironment, clock: FakeClock
) -> None:
    monitor = ConfigHealthMonitor.from_manager(_manager(env), clock=clock)

    def broken(alert: Alert) -> None:
        raise RuntimeError("nope")

    monitor.add_alert_callback(broken)
    env.delete("SHOP_SECRET", source="ops")
    assert monitor.check() is not None
    assert monitor.callback_errors == 1


class Status(NamedTuple):
    name: str
    up: bool
    detail: str
    last_ok: float | None


class FlakySource:
    """A source whose status a test sets (the shape of ValueSource.status())."""

    def __init__(self) -> None:
        self.current = Status("etcd 127.0.0.1:2379", True, "", 1.0)

    def status(self) -> Status:
        return self.current


def test_health_monitor_alerts_on_source_outage_and_return(
    env: IsolatedEnvironment, clock: FakeClock
) -> None:
    source = FlakySource()
    monitor = ConfigHealthMonitor.from_manager(_manager(env), sources=[source], clock=clock)
    alerts = _alerts(monitor)
    monitor.check()
    source.current = Status("etcd 127.0.0.1:2379", False, "connection refused", 1.0)
    monitor.check()
    monitor.check()
    source.current = Status("etcd 127.0.0.1:2379", True, "", 2.0)
    monitor.check()
    assert [a.kind for a in alerts] == ["source_down", "source_up"]
    assert "connection refused" in alerts[0].message


def test_health_monitor_records_reloads(clock: FakeClock) -> None:
    monitor = ConfigHealthMonitor(lambda: pytest.fail("not called"), clock=clock)
    alerts = _alerts(monitor)
    monitor.record_reload(ok=True, detail="(SHOP_NAME)")
    monitor.record_reload(ok=False, detail="(SHOP_SECRET is too short)")
    assert (monitor.reloads, monitor.reload_failures, monitor.last_reload) == (1, 1, clock.now)
    assert [(a.kind, a.severity) for a in alerts] == [
        ("reload", AlertSeverity.INFO),
        ("reload_failed", AlertSeverity.CRITICAL),
    ]


def test_health_monitor_start_validates_now_then_in_its_thread(env: IsolatedEnvironment) -> None:
    calls: list[str] = []
    again = threading.Event()
    manager = _manager(env)

    def validate() -> ValidationResult:
        calls.append(threading.current_thread().name)
        if len(calls) > 1:
            again.set()
        return manager.inspect().validation

    monitor = ConfigHealthMonitor(validate, interval=0.01)
    monitor.start()
    try:
        assert calls[0] == threading.current_thread().name
        assert monitor.history
        assert again.wait(5)
    finally:
        monitor.stop()
    assert calls[1] == "config-health"


def test_health_monitor_async_loop_stops_on_its_event(env: IsolatedEnvironment) -> None:
    checked = threading.Event()
    manager = _manager(env)

    def validate() -> ValidationResult:
        checked.set()
        return manager.inspect().validation

    monitor = ConfigHealthMonitor(validate, interval=0.01)

    async def main() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(monitor.run_async(stop))
        assert await asyncio.to_thread(checked.wait, 5)
        stop.set()
        await task

    asyncio.run(main())
    assert monitor.history[0].score == 100


@dataclass(frozen=True)
class Update:
    """The shape of LiveConfig's ConfigUpdate."""

    applied: tuple[object, ...] = ()
    rejected: tuple[str, ...] = ()
    restart_required: tuple[object, ...] = ()

    @property
    def accepted(self) -> bool:
        return not self.rejected


@dataclass(frozen=True)
class FieldChange:
    field: str


class Holder:
    """A live-config holder: reports reloads to its callbacks."""

    def __init__(self) -> None:
        self.callbacks: list[Callable[[Update], object]] = []

    def add_callback(self, callback: Callable[[Update], object]) -> None:
        self.callbacks.append(callback)

    def reload(self, update: Update) -> None:
        for callback in self.callbacks:
            callback(update)


def test_health_monitor_follows_a_live_config_holder(clock: FakeClock) -> None:
    monitor = ConfigHealthMonitor(lambda: pytest.fail("not called"), clock=clock)
    alerts = _alerts(monitor)
    holder = Holder()
    monitor.follow_reloads(holder)
    holder.reload(Update(applied=(FieldChange("shop_name"),)))
    holder.reload(Update(rejected=("SHOP_SECRET: is 5 characters, needs at least 32",)))
    assert [(a.kind, a.message) for a in alerts] == [
        ("reload", "configuration reloaded (shop_name)"),
        (
            "reload_failed",
            "configuration reload rejected, the last good one stays "
            "(SHOP_SECRET: is 5 characters, needs at least 32)",
        ),
    ]
    assert (monitor.reloads, monitor.reload_failures) == (1, 1)


def test_health_monitor_held_fields_are_a_restart_required_alert_not_a_reload(
    env: IsolatedEnvironment, clock: FakeClock
) -> None:
    from confwarden.monitoring.report import build_report

    env.set("SHOP_SECRET", CANARY, source="test")
    monitor = ConfigHealthMonitor.from_manager(_manager(env), clock=clock)
    alerts = _alerts(monitor)
    holder = Holder()
    monitor.follow_reloads(holder)
    monitor.check()
    held = (FieldChange("shop_secret"),)
    holder.reload(Update(restart_required=held))
    holder.reload(Update(restart_required=held))  # still held: said once
    assert [(a.kind, a.message, a.detail) for a in alerts] == [
        (
            "restart_required",
            "restart required for: shop_secret (changed; the running service keeps the "
            "old value until it restarts)",
            {"fields": ["shop_secret"]},
        )
    ]
    assert (monitor.reloads, monitor.restart_pending) == (0, ("shop_secret",))
    config = build_report(config=monitor, clock=clock).components[0]
    assert (config.status.value, config.reason) == (
        "DEGRADED",
        "restart required for: shop_secret",
    )
    assert config.details["restart_required"] == ["shop_secret"]
    holder.reload(Update(applied=(FieldChange("shop_name"),)))  # the held value came back
    assert monitor.restart_pending == ()
    assert build_report(config=monitor, clock=clock).components[0].status.value == "UP"
    assert CANARY not in json.dumps([a.to_dict() for a in alerts])


def test_health_monitor_counts_a_source_whose_status_raises(
    env: IsolatedEnvironment, clock: FakeClock
) -> None:
    class Broken:
        def status(self) -> Status:
            raise OSError("unreachable")

    monitor = ConfigHealthMonitor.from_manager(_manager(env), sources=[Broken()], clock=clock)
    assert monitor.check() is not None
    assert (monitor.source_errors, monitor.validator_failures) == (1, 0)


def test_health_monitor_counts_a_validator_returning_a_malformed_result(
    clock: FakeClock,
) -> None:
    monitor = ConfigHealthMonitor(lambda: None, clock=clock)  # type: ignore[arg-type,return-value]
    alerts = _alerts(monitor)
    assert monitor.check() is None
    assert monitor.validator_failures == 1
    assert monitor.last_error == "the validator returned a malformed result (NoneType)"
    assert [a.kind for a in alerts] == ["validator_failed"]


def test_health_monitor_loop_survives_a_validator_going_bad_after_start(
    env: IsolatedEnvironment,
) -> None:
    manager = _manager(env)
    bad = threading.Event()
    failures = threading.Event()

    def validate() -> ValidationResult:
        if not bad.is_set():
            return manager.inspect().validation
        if monitor.validator_failures >= 3:
            failures.set()
        return None  # type: ignore[return-value]

    monitor = ConfigHealthMonitor(validate, interval=0.01)
    monitor.start()
    try:
        bad.set()
        assert failures.wait(5)
        assert monitor._thread is not None
        assert monitor._thread.is_alive()
    finally:
        monitor.stop()
    assert monitor.last_error == "the validator returned a malformed result (NoneType)"


def test_health_monitor_start_survives_a_validator_returning_none() -> None:
    monitor = ConfigHealthMonitor(lambda: None, interval=60)  # type: ignore[arg-type,return-value]
    monitor.start()
    monitor.stop()
    assert monitor.validator_failures == 1


def test_health_monitor_counts_a_source_with_a_malformed_status(
    env: IsolatedEnvironment, clock: FakeClock
) -> None:
    class Malformed:
        def status(self) -> Status:
            return object()  # type: ignore[return-value]

    monitor = ConfigHealthMonitor.from_manager(_manager(env), sources=[Malformed()], clock=clock)
    assert monitor.check() is not None
    assert monitor.source_errors == 1
    assert monitor.source_failures() == {"Malformed": "status() returned a malformed object"}
