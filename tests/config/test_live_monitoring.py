"""LiveConfig and an etcd source feeding the health monitor: outages and reloads become alerts."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Annotated

import pytest
from tests.servers.etcd import EtcdWriter, start_etcd

from confwarden.config.live import LiveConfig
from confwarden.config.schema import ConfigSchema, Env
from confwarden.environment.detection import Environment
from confwarden.monitoring.health_loop import Alert, ConfigHealthMonitor
from confwarden.secrets.etcd import EtcdSource, etcd_prefix

pytestmark = pytest.mark.integration

CANARY = "CANARY-5f0e1d-monitor-0123456789abcdef0123456789"


class MonitoredConfig(ConfigSchema):
    workers: Annotated[int, Env("WORKERS")] = 1


def _eventually(condition: Callable[[], bool], *, seconds: float) -> bool:
    # No event announces "the watch broke": poll the source's status briefly.
    deadline = time.monotonic() + seconds
    tick = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            return False
        tick.wait(0.05)
    return True


def test_live_monitoring_reports_reloads_rejections_and_an_etcd_outage() -> None:
    cluster = start_etcd(1)
    member = cluster.members[0]
    writer = EtcdWriter(cluster.endpoints)
    prefix = etcd_prefix("monitored", "production")
    source = EtcdSource(cluster.endpoints, prefix, timeout=0.5, reconnect=(0.05, 0.5))
    try:
        writer.put(prefix + "WORKERS", "2")
        live = LiveConfig(
            MonitoredConfig, environment=Environment.PRODUCTION, env={}, remote=[source]
        )
        with live:
            inspection = live.inspection
            assert inspection is not None
            monitor = ConfigHealthMonitor(lambda: inspection.validation, sources=[source])
            alerts: queue.Queue[Alert] = queue.Queue()
            monitor.add_alert_callback(alerts.put)
            monitor.follow_reloads(live)
            writer.put(prefix + "WORKERS", "3")
            assert alerts.get(timeout=10).kind == "reload"
            writer.put(prefix + "WORKERS", CANARY)
            failed = alerts.get(timeout=10)
            assert failed.kind == "reload_failed"
            assert "WORKERS" in failed.message
            assert CANARY not in failed.message + str(failed.detail)
            member.kill()
            assert _eventually(lambda: not source.status().up, seconds=20)
            monitor.check()
            assert alerts.get(timeout=10).kind == "source_down"
            assert live.config.workers == 3
    finally:
        source.close()
        writer.close()
        cluster.stop()
