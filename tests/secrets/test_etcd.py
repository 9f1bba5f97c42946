"""EtcdSource against a real single-node etcd: read, watch, hot reload, faults."""

from __future__ import annotations

import asyncio
import queue
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import pytest
from pydantic import SecretStr
from tests.servers import free_port
from tests.servers.etcd import EtcdCluster, EtcdWriter, eventually_down

from confwarden.config.last_known_good import LastKnownGood
from confwarden.config.live import ConfigUpdate, LiveConfig, LiveState
from confwarden.config.schema import ConfigSchema, Env
from confwarden.environment.detection import Environment
from confwarden.errors import ConfigurationError
from confwarden.secrets.base import SecretSourceError
from confwarden.secrets.etcd import EtcdSource, etcd_prefix

pytestmark = pytest.mark.integration

CANARY = "CANARY-5f0e1d-0123456789abcdef0123456789abcdef"
KEY = b"deployment-key-0123456789abcdef"


class FleetConfig(ConfigSchema):
    log_level: Annotated[str, Env("LOG_LEVEL")] = "INFO"
    workers: Annotated[int, Env("WORKERS")] = 2
    port: Annotated[int, Env("PORT", restart_required=True)] = 8000
    api_token: Annotated[SecretStr | None, Env("API_TOKEN", sensitive=True)] = None


@pytest.fixture
def prefix() -> str:
    return etcd_prefix(f"p{uuid.uuid4().hex[:8]}", "staging")


@pytest.fixture
def writer(etcd_server: EtcdCluster) -> Iterator[EtcdWriter]:
    client = EtcdWriter(etcd_server.endpoints)
    yield client
    client.close()


@pytest.fixture
def source(etcd_server: EtcdCluster, prefix: str) -> Iterator[EtcdSource]:
    etcd = EtcdSource(etcd_server.endpoints, prefix, timeout=1.0)
    yield etcd
    etcd.close()


def _live(source: EtcdSource, **options: object) -> LiveConfig[FleetConfig]:
    return LiveConfig(
        FleetConfig, environment=Environment.STAGING, env={}, remote=[source], **options
    )  # type: ignore[arg-type]


def _updates(live: LiveConfig[FleetConfig]) -> queue.Queue[ConfigUpdate]:
    updates: queue.Queue[ConfigUpdate] = queue.Queue()
    live.add_callback(updates.put)
    return updates


def test_etcd_source_reads_the_prefix_with_provenance(
    source: EtcdSource, writer: EtcdWriter, prefix: str
) -> None:
    revision = writer.put(prefix + "LOG_LEVEL", "WARNING")
    writer.put(prefix + "not a variable", "x")
    writer.put(prefix.rstrip("/") + "-other/LOG_LEVEL", "DEBUG")  # a neighbouring prefix
    hit = source.lookup("LOG_LEVEL")
    assert hit is not None
    assert (hit.value, hit.source.version) == ("WARNING", str(revision))
    assert hit.source.detail == f"etcd key {prefix}LOG_LEVEL"
    assert source.lookup("WORKERS") is None
    assert set(source.known_variables()) == {"LOG_LEVEL"}
    assert source.status().up


def test_etcd_source_watch_from_a_compacted_revision_rereads_the_prefix(
    source: EtcdSource, writer: EtcdWriter, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    writer.put(prefix + "WORKERS", "1")
    assert source.lookup("WORKERS") is not None  # snapshot at this revision, no watch yet
    writer.put(prefix + "WORKERS", "2")
    writer.compact(writer.put(prefix + "LOG_LEVEL", "ERROR"))
    changes: queue.Queue[frozenset[str]] = queue.Queue()
    subscription = source.watch(changes.put)
    assert subscription is not None
    try:
        assert changes.get(timeout=10) == {"WORKERS", "LOG_LEVEL"}
        hit = source.lookup("WORKERS")
        assert hit is not None
        assert hit.value == "2"
        assert not [r for r in caplog.records if "interrupted" in r.getMessage()]
    finally:
        subscription.close()


def test_etcd_source_lookup_from_inside_an_asyncio_loop_does_not_block_it(
    source: EtcdSource, writer: EtcdWriter, prefix: str
) -> None:
    writer.put(prefix + "LOG_LEVEL", "WARNING")

    async def main() -> str | None:
        hit = source.lookup("LOG_LEVEL")  # the source runs its own loop in its own thread
        return None if hit is None else hit.value

    assert asyncio.run(main()) == "WARNING"


def test_etcd_source_change_reaches_the_live_config(
    source: EtcdSource, writer: EtcdWriter, prefix: str
) -> None:
    writer.put(prefix + "WORKERS", "4")
    with _live(source) as live:
        updates = _updates(live)
        writer.put(prefix + "WORKERS", "16")
        update = updates.get(timeout=10)
        assert [(c.field, c.old, c.new) for c in update.applied] == [("workers", "4", "16")]
        assert live.config.workers == 16
        writer.delete(prefix + "WORKERS")
        assert updates.get(timeout=10).config.workers == 2  # back to the default


def test_etcd_source_malformed_value_is_rejected_and_the_last_good_stays(
    source: EtcdSource, writer: EtcdWriter, prefix: str
) -> None:
    writer.put(prefix + "WORKERS", "4")
    with _live(source) as live:
        updates = _updates(live)
        writer.put(prefix + "WORKERS", "four")
        rejected = updates.get(timeout=10)
        assert not rejected.accepted
        assert "WORKERS" in rejected.rejected[0]
        writer.put(prefix + "LOG_LEVEL", b"\xff\xfe")
        not_text = updates.get(timeout=10)
        assert "not UTF-8" in " ".join(not_text.rejected)
        assert live.config.workers == 4
        assert live.generation == 1


def test_etcd_source_restart_required_key_is_reported_not_applied(
    source: EtcdSource, writer: EtcdWriter, prefix: str
) -> None:
    with _live(source) as live:
        updates = _updates(live)
        writer.put(prefix + "PORT", "9000")
        update = updates.get(timeout=10)
        assert [c.field for c in update.restart_required] == ["port"]
        assert live.config.port == 8000


def test_etcd_source_secret_never_appears_in_updates_status_or_errors(
    source: EtcdSource, writer: EtcdWriter, prefix: str, tmp_path: Path
) -> None:
    lkg = LastKnownGood(tmp_path / "lkg.json", key=KEY)
    with _live(source, last_known_good=lkg) as live:
        updates = _updates(live)
        writer.put(prefix + "API_TOKEN", CANARY)
        update = updates.get(timeout=10)
        assert live.config.api_token is not None
        writer.put(prefix + "WORKERS", CANARY)
        rejected = updates.get(timeout=10)
        shown = [
            repr(update), str(update.applied), str(rejected.rejected), repr(source),
            str(source.status()), str(live.status().to_dict()), (tmp_path / "lkg.json").read_text(),
        ]  # fmt: skip
    assert not [text for text in shown if CANARY in text]


def test_etcd_source_down_at_startup_fails_fast_in_staging_naming_the_source(
    prefix: str,
) -> None:
    source = EtcdSource(f"127.0.0.1:{free_port()}", prefix, timeout=0.5)
    try:
        with pytest.raises(ConfigurationError, match=f"etcd {prefix}") as caught:
            _live(source).start()
        assert "cannot be read at startup" in str(caught.value)
        with pytest.raises(SecretSourceError, match="cannot be read"):
            source.lookup("WORKERS")
        assert not source.status().up
    finally:
        source.close()


def test_etcd_source_killed_and_restarted_changes_nothing_then_recovers(
    lone_etcd: EtcdCluster, prefix: str, tmp_path: Path
) -> None:
    member = lone_etcd.members[0]
    writer = EtcdWriter(lone_etcd.endpoints)
    source = EtcdSource(lone_etcd.endpoints, prefix, timeout=1.0, reconnect=(0.05, 0.5))
    try:
        writer.put(prefix + "WORKERS", "4")
        with _live(source, last_known_good=LastKnownGood(tmp_path / "lkg.json")) as live:
            updates = _updates(live)
            member.kill()
            assert live.config.workers == 4
            assert live.refresh().accepted  # other reloads still see the last etcd values
            assert live.config.workers == 4
            member.start()
            writer.put(prefix + "WORKERS", "5")
            while live.config.workers != 5:
                updates.get(timeout=20)
            assert live.status().state is LiveState.OK
    finally:
        source.close()
        writer.close()


def test_etcd_source_restart_while_etcd_is_down_starts_from_the_last_known_good(
    lone_etcd: EtcdCluster, prefix: str, tmp_path: Path
) -> None:
    member = lone_etcd.members[0]
    writer = EtcdWriter(lone_etcd.endpoints)
    lkg = LastKnownGood(tmp_path / "lkg.json", key=KEY)
    try:
        writer.put(prefix + "WORKERS", "7")
        writer.put(prefix + "API_TOKEN", CANARY)
        first = EtcdSource(lone_etcd.endpoints, prefix, timeout=1.0)
        with _live(first, last_known_good=lkg):
            pass
        first.close()
        member.kill()
        second = EtcdSource(lone_etcd.endpoints, prefix, timeout=0.5, reconnect=(0.05, 0.5))
        # The secret only etcd held is not on disk: the start names it (fleet.md)...
        with pytest.raises(ConfigurationError, match="API_TOKEN is held by etcd"):
            _live(second, last_known_good=lkg).start()
        # ...and starts from the copy once it is given another way.
        live = LiveConfig(
            FleetConfig, environment=Environment.STAGING, env={"API_TOKEN": "given-" + CANARY},
            remote=[second], last_known_good=lkg,
        )  # fmt: skip
        try:
            live.start()
            assert live.config.workers == 7
            assert live.status().state is LiveState.DEGRADED
            assert live.status().from_last_known_good == (f"etcd {prefix}",)
            updates = _updates(live)
            member.start()
            writer.put(prefix + "WORKERS", "8")  # a change once etcd is back: it reloads
            while live.status().from_last_known_good or live.config.workers != 8:
                updates.get(timeout=20)
            assert live.status().state is LiveState.OK
        finally:
            live.close()
            second.close()
    finally:
        writer.close()


def test_etcd_source_slow_server_does_not_hang_startup(lone_etcd: EtcdCluster, prefix: str) -> None:
    member = lone_etcd.members[0]
    source = EtcdSource(lone_etcd.endpoints, prefix, timeout=0.5)
    try:
        member.pause()
        with pytest.raises(ConfigurationError, match="no answer in time"):
            _live(source).start()
    finally:
        member.resume()
        source.close()


def test_etcd_source_paused_server_while_running_shows_down_then_recovers(
    lone_etcd: EtcdCluster,
    prefix: str,
) -> None:
    member = lone_etcd.members[0]
    writer = EtcdWriter(lone_etcd.endpoints)
    source = EtcdSource(
        lone_etcd.endpoints, prefix, timeout=0.5, reconnect=(0.05, 0.5), keepalive=0.5
    )
    try:
        writer.put(prefix + "WORKERS", "4")
        with _live(source) as live:
            updates = _updates(live)
            writer.put(prefix + "WORKERS", "5")  # the watch is established once this arrives
            while live.config.workers != 5:
                updates.get(timeout=10)
            member.pause()
            # The liveness read notices the silent server (no event exists for that).
            assert eventually_down(source, seconds=30)
            assert live.config.workers == 5
            assert live.status().state is LiveState.DEGRADED
            member.resume()
            writer.put(prefix + "WORKERS", "6")
            while live.config.workers != 6:
                updates.get(timeout=20)
            assert live.status().state is LiveState.OK
    finally:
        member.resume()
        source.close()
        writer.close()
