"""EtcdSource against a real 3-node etcd cluster: the leader is killed mid-watch."""

from __future__ import annotations

import queue
from collections.abc import Iterator
from typing import Annotated

import pytest
from tests.servers.etcd import EtcdCluster, EtcdWriter, eventually_down, start_etcd

from confwarden.config.live import ConfigUpdate, LiveConfig, LiveState
from confwarden.config.schema import ConfigSchema, Env
from confwarden.environment.detection import Environment
from confwarden.secrets.etcd import EtcdSource, etcd_prefix

pytestmark = pytest.mark.integration


class ClusterConfig(ConfigSchema):
    workers: Annotated[int, Env("WORKERS")] = 1


@pytest.fixture(scope="module")
def cluster() -> Iterator[EtcdCluster]:
    members = start_etcd(3)
    try:
        yield members
    finally:
        members.stop()


def test_etcd_cluster_leader_killed_mid_watch_updates_keep_arriving(
    cluster: EtcdCluster, caplog: pytest.LogCaptureFixture
) -> None:
    prefix = etcd_prefix("cluster", "production")
    leader = cluster.leader()
    # The source talks to the leader first, so killing it breaks the watch it relies on.
    endpoints = [leader.endpoint] + [e for e in cluster.endpoints if e != leader.endpoint]
    writer = EtcdWriter(endpoints[::-1])
    source = EtcdSource(endpoints, prefix, timeout=1.0, reconnect=(0.05, 0.5))
    try:
        writer.put(prefix + "WORKERS", "1")
        live = LiveConfig(
            ClusterConfig, environment=Environment.PRODUCTION, env={}, remote=[source]
        )
        with live:
            updates: queue.Queue[ConfigUpdate] = queue.Queue()
            live.add_callback(updates.put)
            for n in (2, 3):
                writer.put(prefix + "WORKERS", str(n))
                while live.config.workers != n:
                    updates.get(timeout=10)
            leader.kill()
            for n in range(4, 10):
                writer.put(prefix + "WORKERS", str(n))
            while live.config.workers != 9:
                updates.get(timeout=30)
            assert source.status().up
            assert any("watch interrupted" in r.getMessage() for r in caplog.records)
            assert live.status().state is LiveState.OK
            assert cluster.leader() is not leader
    finally:
        source.close()
        writer.close()
        if leader.running is None:
            leader.start()  # the next test needs the whole cluster


def test_etcd_cluster_member_cut_off_from_the_quorum_counts_as_down(
    cluster: EtcdCluster,
) -> None:
    prefix = etcd_prefix("partition", "production")
    alone, *others = [m for m in cluster.members if m.running is not None]
    writer = EtcdWriter(cluster.endpoints)
    # Only the isolated member is known: it accepts connections but cannot serve reads.
    source = EtcdSource([alone.endpoint], prefix, timeout=0.5, reconnect=(0.05, 0.5), keepalive=0.5)
    probe = EtcdWriter([alone.endpoint])
    try:
        # Through the isolated member itself: it retries until that member serves requests
        # (it may be the leader the previous test restarted, still opening its client port).
        probe.put(prefix + "WORKERS", "3")
        live = LiveConfig(
            ClusterConfig, environment=Environment.PRODUCTION, env={}, remote=[source]
        )
        with live:
            updates: queue.Queue[ConfigUpdate] = queue.Queue()
            live.add_callback(updates.put)
            writer.put(prefix + "WORKERS", "4")  # the watch is established once this arrives
            while live.config.workers != 4:
                updates.get(timeout=10)
            for member in others:
                member.pause()
            try:
                assert eventually_down(source, seconds=30)
                assert live.config.workers == 4
                assert live.status().state is LiveState.DEGRADED
            finally:
                for member in others:
                    member.resume()
            writer.put(prefix + "WORKERS", "5")
            while live.config.workers != 5:
                updates.get(timeout=30)
            assert live.status().state is LiveState.OK
    finally:
        source.close()
        probe.close()
        writer.close()
