"""LiveConfig and an etcd source feeding the health monitor: outages and reloads become alerts."""

from __future__ import annotations

import queue
from typing import Annotated

import pytest
from tests.servers.etcd import EtcdCluster, EtcdWriter, eventually_down

from confwarden.config.live import LiveConfig
from confwarden.config.schema import ConfigSchema, Env
from confwarden.environment.detection import Environment
from confwarden.monitoring.health_loop import Alert, ConfigHealthMonitor
from confwarden.secrets.etcd import EtcdSource, etcd_prefix

pytestmark = pytest.mark.integration

CANARY = "CANARY-5f0e1d-monitor-0123456789abcdef0123456789"


class MonitoredConfig(ConfigSchema):
    workers: Annotated[int, Env("WORKERS")] = 1


def test_live_monitoring_reports_reloads_rejections_and_an_etcd_outage(
    lone_etcd: EtcdCluster,
) -> None:
    member = lone_etcd.members[0]
    writer = EtcdWriter(lone_etcd.endpoints)
    prefix = etcd_prefix("monitored", "production")
    source = EtcdSource(lone_etcd.endpoints, prefix, timeout=0.5, reconnect=(0.05, 0.5))
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
            assert eventually_down(source, seconds=20)
            monitor.check()
            assert alerts.get(timeout=10).kind == "source_down"
            assert live.config.workers == 3
    finally:
        source.close()
        writer.close()
