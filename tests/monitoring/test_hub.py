"""MonitoringHub(manager) follows what the manager follows, with no extra wiring."""

from __future__ import annotations

import queue

from confwarden.config.common import ServiceConfig
from confwarden.config.manager import UnifiedConfigManager
from confwarden.environment.detection import Environment
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.monitoring.health_loop import Alert
from confwarden.monitoring.hub import MonitoringHub
from confwarden.secrets.base import SourceHit, SourceStatus, ValueSource


class DownStore(ValueSource):
    """A remote store that answers nothing and says it is down."""

    name = "down store"
    consult_when_shadowed = False

    def lookup(self, variable: str) -> SourceHit | None:
        return None

    def status(self) -> SourceStatus:
        return SourceStatus(self.name, False, "connection refused", None)


def test_a_hub_on_a_live_manager_watches_its_stores_and_its_reloads() -> None:
    # docs/monitoring.md used to need MonitoringHub(manager, sources=live.remote,
    # reloads=live): with MonitoringHub(manager) alone, an outage or a rejected reload of
    # a live service never reached /health.
    env = IsolatedEnvironment(environ={"SERVICE_ID": "shop"}, isolated=True)
    manager = UnifiedConfigManager(
        ServiceConfig, env=env, environment=Environment.TESTING, secret_sources=[DownStore()]
    )
    live = manager.start_live()
    try:
        hub = MonitoringHub(manager)
        assert hub.config is not None
        alerts: queue.Queue[Alert] = queue.Queue()
        hub.config.add_alert_callback(alerts.put)
        hub.config.check()
        sources = hub.report().component("sources")
        assert sources is not None
        assert sources.status.value == "DEGRADED"
        assert "down store" in sources.reason
        assert alerts.get(timeout=10).kind == "source_down"
        env.set("SERVICE_ID", "shop-2", source="test")
        assert alerts.get(timeout=10).kind == "reload"
    finally:
        live.close()


def test_hub_publishes_the_first_health_change_after_start() -> None:
    from tests.clock import FakeClock

    clock = FakeClock()
    hub = MonitoringHub(clock=clock)
    hub.start()
    try:
        hub.tracker.create("stuck_agent")
        clock.advance(11)
        hub.tracker.check()  # a death before the first periodic check
    finally:
        hub.stop()
    changes = [e for e in hub.bus.backlog if e["type"] == "health_change"]
    assert [(e["previous"], e["status"]) for e in changes] == [("UP", "DEGRADED")]
