"""LiveConfig: validated atomic swaps, rejected changes, restart-required fields, callbacks."""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

import pytest
from pydantic import SecretStr

from confwarden.config.last_known_good import LastKnownGood
from confwarden.config.live import ConfigUpdate, LiveConfig, LiveState
from confwarden.config.schema import ConfigSchema, Env
from confwarden.environment.detection import Environment
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.environment.provenance import Source, SourceKind
from confwarden.errors import ConfigurationError
from confwarden.secrets.base import (
    SecretSourceError,
    SourceHit,
    SourceStatus,
    Subscription,
    ValueSource,
)

CANARY = "CANARY-5f0e1d-0123456789abcdef0123456789abcdef"
ROTATED = "CANARY-rotated-fedcba9876543210fedcba9876543210"


class LiveSchema(ConfigSchema):
    log_level: Annotated[str, Env("LOG_LEVEL")] = "INFO"
    workers: Annotated[int, Env("WORKERS")] = 2
    mirror: Annotated[int, Env("MIRROR")] = 2
    port: Annotated[int, Env("PORT", restart_required=True)] = 8000
    api_token: Annotated[SecretStr | None, Env("API_TOKEN", sensitive=True)] = None


class MemorySource(ValueSource):
    """An in-process store that changes like a remote one: set() notifies the watchers."""

    kind = SourceKind.SECRET
    consult_when_shadowed = False

    def __init__(self, name: str = "memory store", values: dict[str, str] | None = None) -> None:
        self.name = name
        self.values = dict(values or {})
        self.up = True
        self.watchers: list[Callable[[frozenset[str]], None]] = []

    def lookup(self, variable: str) -> SourceHit | None:
        if not self.up:
            raise SecretSourceError(f"{self.name} is unreachable")
        value = self.values.get(variable)
        return None if value is None else SourceHit(variable, value, Source(self.kind, self.name))

    def status(self) -> SourceStatus:
        return SourceStatus(self.name, self.up, "" if self.up else "unreachable", None)

    def set(self, **values: str) -> None:
        self.values = {**self.values, **values}  # one swap: a reader sees all or nothing
        for watcher in list(self.watchers):
            watcher(frozenset(values))

    def watch(self, on_change: Callable[[frozenset[str]], None]) -> Subscription | None:
        self.watchers.append(on_change)
        source = self

        class _Subscription:
            def close(self) -> None:
                source.watchers.remove(on_change)

        return _Subscription()


@pytest.fixture
def store() -> MemorySource:
    return MemorySource(values={"LOG_LEVEL": "INFO", "WORKERS": "4", "MIRROR": "4"})


@pytest.fixture
def live(store: MemorySource) -> Iterator[LiveConfig[LiveSchema]]:
    config = LiveConfig(LiveSchema, environment=Environment.STAGING, env={}, remote=[store])
    config.start()
    yield config
    config.close()


def _updates(live: LiveConfig[LiveSchema]) -> queue.Queue[ConfigUpdate]:
    updates: queue.Queue[ConfigUpdate] = queue.Queue()
    live.add_callback(updates.put)
    return updates


def test_live_config_applies_a_valid_change_with_the_changed_fields(
    live: LiveConfig[LiveSchema], store: MemorySource
) -> None:
    updates = _updates(live)
    first = live.config
    store.set(WORKERS="8")
    update = updates.get(timeout=5)
    assert update.accepted
    assert [(c.field, c.old, c.new) for c in update.applied] == [("workers", "4", "8")]
    assert live.config.workers == 8
    assert first.workers == 4  # the old snapshot is untouched
    assert live.generation == 2


def test_live_config_rejects_an_invalid_change_and_keeps_the_last_good(
    live: LiveConfig[LiveSchema], store: MemorySource
) -> None:
    updates = _updates(live)
    store.set(WORKERS="many")
    update = updates.get(timeout=5)
    assert not update.accepted
    assert "WORKERS" in update.rejected[0]
    assert live.config.workers == 4
    assert live.generation == 1
    assert live.status().last_rejection == update.rejected
    store.set(WORKERS="6")
    assert updates.get(timeout=5).accepted
    assert live.config.workers == 6
    assert live.status().last_rejection == ()


def test_live_config_reports_restart_required_fields_without_applying_them(
    live: LiveConfig[LiveSchema], store: MemorySource
) -> None:
    updates = _updates(live)
    store.set(PORT="9000", LOG_LEVEL="DEBUG")
    update = updates.get(timeout=5)
    assert [c.field for c in update.restart_required] == ["port"]
    assert [c.field for c in update.applied] == ["log_level"]
    assert (live.config.port, live.config.log_level) == (8000, "DEBUG")
    assert [c.new for c in live.status().pending_restart] == ["9000"]


def test_live_config_keeps_reporting_the_running_value_of_a_held_back_field(
    live: LiveConfig[LiveSchema], store: MemorySource
) -> None:
    updates = _updates(live)
    store.set(PORT="9000")
    assert [(c.old, c.new) for c in updates.get(timeout=5).restart_required] == [("8000", "9000")]
    store.set(WORKERS="5")
    assert updates.get(timeout=5).config.workers == 5
    assert live.refresh().restart_required == (("port", "PORT", "8000", "9000", False, True),)
    assert live.config.port == 8000


def test_live_config_masks_sensitive_values_in_updates_and_status(
    live: LiveConfig[LiveSchema], store: MemorySource
) -> None:
    updates = _updates(live)
    store.set(API_TOKEN=CANARY)
    update = updates.get(timeout=5)
    assert [(c.field, c.new, c.sensitive) for c in update.applied] == [("api_token", "***", True)]
    assert live.config.api_token is not None
    assert live.config.api_token.get_secret_value() == CANARY
    shown = repr(update) + str(update.applied) + str(live.status().to_dict()) + repr(live)
    assert CANARY not in shown


def test_live_config_rejection_names_the_variable_without_its_value(
    live: LiveConfig[LiveSchema], store: MemorySource
) -> None:
    updates = _updates(live)
    store.set(WORKERS=CANARY)
    update = updates.get(timeout=5)
    assert not update.accepted
    assert CANARY not in "".join(update.rejected)
    assert CANARY not in str(live.status().to_dict())


def test_live_config_readers_never_see_a_half_applied_snapshot(
    live: LiveConfig[LiveSchema], store: MemorySource
) -> None:
    updates = _updates(live)
    torn: list[tuple[int, int]] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            config = live.config
            if config.workers != config.mirror:
                torn.append((config.workers, config.mirror))

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()
    for n in range(5, 45):
        store.set(WORKERS=str(n), MIRROR=str(n))
        while live.config.workers != n:
            updates.get(timeout=5)
    done.set()
    for reader in readers:
        reader.join()
    assert torn == []


def test_live_config_delivers_callbacks_on_an_asyncio_loop(
    live: LiveConfig[LiveSchema], store: MemorySource
) -> None:
    async def main() -> tuple[int, bool]:
        loop = asyncio.get_running_loop()
        received: asyncio.Queue[tuple[int, bool]] = asyncio.Queue()

        async def on_update(update: ConfigUpdate) -> None:
            await received.put((update.config.workers, loop is asyncio.get_running_loop()))

        live.add_callback(on_update, loop=loop)
        await loop.run_in_executor(None, lambda: store.set(WORKERS="12"))
        return await asyncio.wait_for(received.get(), 5)

    assert asyncio.run(main()) == (12, True)


def test_live_config_failing_callback_does_not_stop_the_others(
    live: LiveConfig[LiveSchema], store: MemorySource
) -> None:
    def broken(update: ConfigUpdate) -> None:
        raise RuntimeError(CANARY)

    live.add_callback(broken)
    updates = _updates(live)
    store.set(WORKERS="7")
    assert updates.get(timeout=5).config.workers == 7


def test_live_config_ignores_a_change_that_changes_nothing(
    live: LiveConfig[LiveSchema], store: MemorySource
) -> None:
    assert live.refresh().applied == ()
    assert live.generation == 1


def test_live_config_down_at_startup_fails_fast_in_production_naming_the_source(
    store: MemorySource,
) -> None:
    store.up = False
    config = LiveConfig(LiveSchema, environment=Environment.PRODUCTION, env={}, remote=[store])
    with pytest.raises(ConfigurationError, match="memory store") as caught:
        config.start()
    assert "WORKERS" in str(caught.value)


def test_live_config_starts_from_the_last_known_good_copy_and_reports_degraded(
    store: MemorySource, tmp_path: Path
) -> None:
    lkg = LastKnownGood(tmp_path / "lkg.json", key=b"deployment-key-0123456789abcdef")
    store.set(API_TOKEN=CANARY, WORKERS="9", MIRROR="9")
    with LiveConfig(
        LiveSchema, environment=Environment.PRODUCTION, env={}, remote=[store], last_known_good=lkg
    ) as first:
        assert first.status().state is LiveState.OK
    assert CANARY not in (tmp_path / "lkg.json").read_text()
    assert (tmp_path / "lkg.json").stat().st_mode & 0o777 == 0o600

    store.up = False
    # The secret the store held is not on disk: given another way, the service starts.
    restarted = LiveConfig(
        LiveSchema, environment=Environment.PRODUCTION, env={"API_TOKEN": ROTATED},
        remote=[store], last_known_good=lkg,
    )  # fmt: skip
    with restarted:
        assert restarted.config.workers == 9
        assert restarted.config.api_token is not None
        status = restarted.status()
        assert status.state is LiveState.DEGRADED
        assert status.from_last_known_good == ("memory store",)
        updates = _updates(restarted)
        store.up = True
        store.set(WORKERS="10", MIRROR="10")
        update = updates.get(timeout=5)
        assert update.config.workers == 10
        assert restarted.status().state is LiveState.OK


def test_live_config_restart_fails_naming_a_secret_only_the_down_store_held(
    store: MemorySource, tmp_path: Path
) -> None:
    # fleet.md: "if a sensitive value exists only in etcd and etcd is down, startup fails
    # naming it". An audit saw production start with the schema's defaults instead.
    lkg = LastKnownGood(tmp_path / "lkg.json", key=b"deployment-key-0123456789abcdef")
    store.set(API_TOKEN=CANARY, WORKERS="9")
    with LiveConfig(
        LiveSchema, environment=Environment.PRODUCTION, env={}, remote=[store], last_known_good=lkg
    ):
        pass
    store.up = False
    restarted = LiveConfig(
        LiveSchema, environment=Environment.PRODUCTION, env={}, remote=[store], last_known_good=lkg
    )
    with pytest.raises(ConfigurationError) as raised:
        restarted.start()
    message = str(raised.value)
    assert "API_TOKEN" in message
    assert "last-known-good" in message
    assert CANARY not in message


class UnmarkedSchema(ConfigSchema):
    workers: Annotated[int, Env("WORKERS")] = 2
    database_url: Annotated[str, Env("DATABASE_URL")] = "sqlite://"
    webhook_token: Annotated[str, Env("WEBHOOK_TOKEN")] = ""


def test_live_config_keeps_off_disk_what_it_masks_even_in_unmarked_fields(
    store: MemorySource, tmp_path: Path
) -> None:
    # Fields not marked sensitive still hold secrets the library masks on display (a URL's
    # password, a *_TOKEN): what is never shown must never be written in clear either.
    path = tmp_path / "lkg.json"
    lkg = LastKnownGood(path, key=b"deployment-key-0123456789abcdef")
    store.set(
        WORKERS="7",
        DATABASE_URL=f"postgresql://app:{CANARY}@db.internal/app",
        WEBHOOK_TOKEN=CANARY,
    )
    with LiveConfig(
        UnmarkedSchema, environment=Environment.PRODUCTION, env={}, remote=[store],
        last_known_good=lkg,
    ) as live:  # fmt: skip
        assert "***" in repr(live.config)
    assert CANARY not in path.read_text()
    assert "WORKERS" in path.read_text()
    store.up = False  # left out, so named at a restart rather than replaced by a default
    restarted = LiveConfig(
        UnmarkedSchema, environment=Environment.PRODUCTION, env={}, remote=[store],
        last_known_good=lkg,
    )  # fmt: skip
    with pytest.raises(ConfigurationError, match="DATABASE_URL") as raised:
        restarted.start()
    assert "WEBHOOK_TOKEN" in str(raised.value)
    assert CANARY not in str(raised.value)


def test_live_config_refuses_a_tampered_copy_and_fails_fast(
    store: MemorySource, tmp_path: Path
) -> None:
    path = tmp_path / "lkg.json"
    lkg = LastKnownGood(path, key=b"deployment-key-0123456789abcdef")
    with LiveConfig(
        LiveSchema, environment=Environment.PRODUCTION, env={}, remote=[store], last_known_good=lkg
    ):
        pass
    path.write_text(path.read_text().replace('\\"4\\"', '\\"5\\"'))
    store.up = False
    config = LiveConfig(
        LiveSchema, environment=Environment.PRODUCTION, env={}, remote=[store], last_known_good=lkg
    )
    with pytest.raises(ConfigurationError, match="HMAC"):
        config.start()


def test_live_config_source_down_while_running_changes_nothing_and_shows_it(
    live: LiveConfig[LiveSchema], store: MemorySource
) -> None:
    updates = _updates(live)
    store.up = False
    store.set(WORKERS="11")
    update = updates.get(timeout=5)
    assert not update.accepted
    assert live.config.workers == 4
    assert live.status().state is LiveState.DEGRADED
    store.up = True
    store.set(MIRROR="4")
    assert updates.get(timeout=5).config.workers == 11
    assert live.status().state is LiveState.OK


def test_live_config_close_stops_watching(
    live: LiveConfig[LiveSchema], store: MemorySource
) -> None:
    live.close()
    assert store.watchers == []
    assert live.status().state is LiveState.STOPPED
    assert live.config.workers == 4  # the last snapshot stays readable


def test_live_config_validates_a_runtime_environment_change_too() -> None:
    env = IsolatedEnvironment(environ={"WORKERS": "3"}, isolated=True)
    with LiveConfig(LiveSchema, environment=Environment.STAGING, env=env) as live:
        updates = _updates(live)
        env.set("WORKERS", "5", source="test")
        assert updates.get(timeout=5).config.workers == 5
        env.set("WORKERS", "five", source="test")
        assert not updates.get(timeout=5).accepted
        assert live.config.workers == 5
