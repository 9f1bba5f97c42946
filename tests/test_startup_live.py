"""bootstrap(live=True): the one startup, then hot reload, with get_unified_config() following."""

from __future__ import annotations

import json
import logging
import os
import queue
import subprocess
import sys
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Annotated

import pytest

from confwarden import (
    ConfigSchema,
    ConfigurationError,
    Env,
    IsolatedEnvironment,
    LiveConfig,
    SecretStr,
    bootstrap,
    get_unified_config,
    get_unified_manager,
    reset_unified_config,
)
from confwarden.config.live import ConfigUpdate
from confwarden.secrets.files import SecretsDirSource

CANARY = "CANARY-5f0e1d-live-0123456789abcdef0123456789ab"
ROTATED = "CANARY-rotated-fedcba9876543210fedcba9876543210"


class LiveShopConfig(ConfigSchema, env_prefix="SHOP_"):
    workers: int = 1
    api_key: SecretStr
    port: Annotated[int, Env("SHOP_PORT", restart_required=True)] = 8000


class Kubelet:
    """Writes a secret volume the way Kubernetes' atomic writer does (``..data`` swap)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.revision = 0

    def publish(self, files: dict[str, str]) -> None:
        self.revision += 1
        version = f"..2026_01_01_00_00_{self.revision:02d}.{self.revision}"
        (self.directory / version).mkdir()
        for name, content in files.items():
            (self.directory / version / name).write_text(content + "\n")
            link = self.directory / name
            if not link.is_symlink():
                link.symlink_to(Path("..data") / name)
        temporary = self.directory / "..data_tmp"
        temporary.symlink_to(version)
        os.replace(temporary, self.directory / "..data")


@pytest.fixture(autouse=True)
def _fresh(monkeypatch: pytest.MonkeyPatch) -> Generator[None]:
    monkeypatch.setattr(SecretsDirSource, "watch_interval", 0.02)
    reset_unified_config()
    yield
    reset_unified_config()


@pytest.fixture
def mounted(tmp_path: Path) -> Kubelet:
    kubelet = Kubelet(tmp_path / "secrets")
    kubelet.directory.mkdir()
    kubelet.publish({"shop_api_key": CANARY, "shop_workers": "2", "shop_port": "8000"})
    return kubelet


@pytest.fixture
def live(mounted: Kubelet, tmp_path: Path) -> Iterator[LiveConfig[LiveShopConfig]]:
    env = IsolatedEnvironment(environ={}, isolated=True)
    started = bootstrap(
        LiveShopConfig,
        env=env,
        environment="staging",
        root=tmp_path,
        secret_dirs=[mounted.directory],
        live=True,
    )
    try:
        yield started
    finally:
        started.close()


def _updates(live: LiveConfig[LiveShopConfig]) -> queue.Queue[ConfigUpdate]:
    updates: queue.Queue[ConfigUpdate] = queue.Queue()
    live.add_callback(updates.put)
    return updates


def test_bootstrap_live_returns_a_started_live_config_installed_process_wide(
    live: LiveConfig[LiveShopConfig],
) -> None:
    assert isinstance(live, LiveConfig)
    assert live.config.workers == 2
    assert get_unified_config(LiveShopConfig) is live.config
    assert get_unified_manager().live is live


def test_bootstrap_live_follows_a_secret_volume_swap_and_get_unified_config_answers_it(
    live: LiveConfig[LiveShopConfig], mounted: Kubelet
) -> None:
    before = get_unified_config(LiveShopConfig)  # primes the process-wide cache
    updates = _updates(live)
    mounted.publish({"shop_api_key": ROTATED, "shop_workers": "5", "shop_port": "8000"})
    update = updates.get(timeout=10)
    assert {change.field for change in update.applied} == {"workers", "api_key"}
    assert live.config.workers == 5
    assert live.config.api_key.get_secret_value() == ROTATED
    assert get_unified_config(LiveShopConfig) is live.config
    assert get_unified_config(LiveShopConfig).workers == 5
    assert before.workers == 2  # a snapshot never changes under its reader
    assert ROTATED not in repr(update)
    assert CANARY not in repr(update)


def test_bootstrap_live_holds_back_restart_required_fields(
    live: LiveConfig[LiveShopConfig], mounted: Kubelet
) -> None:
    updates = _updates(live)
    mounted.publish({"shop_api_key": CANARY, "shop_workers": "2", "shop_port": "9000"})
    update = updates.get(timeout=10)
    assert [change.field for change in update.restart_required] == ["port"]
    assert get_unified_config(LiveShopConfig).port == 8000


def test_bootstrap_live_rejects_an_invalid_swap_and_keeps_answering_the_last_good(
    live: LiveConfig[LiveShopConfig], mounted: Kubelet
) -> None:
    updates = _updates(live)
    mounted.publish({"shop_api_key": CANARY, "shop_workers": CANARY, "shop_port": "8000"})
    update = updates.get(timeout=10)
    assert update.rejected
    assert "SHOP_WORKERS" in update.rejected[0]
    assert CANARY not in " ".join(update.rejected)
    assert get_unified_config(LiveShopConfig).workers == 2


def test_bootstrap_live_keeps_overrides_above_the_changing_sources(
    mounted: Kubelet, tmp_path: Path
) -> None:
    env = IsolatedEnvironment(environ={}, isolated=True)
    with bootstrap(
        LiveShopConfig,
        env=env,
        environment="staging",
        root=tmp_path,
        secret_dirs=[mounted.directory],
        overrides={"SHOP_WORKERS": "7"},
        live=True,
    ) as live:
        updates = _updates(live)
        mounted.publish({"shop_api_key": ROTATED, "shop_workers": "3", "shop_port": "8000"})
        update = updates.get(timeout=10)
        assert [change.field for change in update.applied] == ["api_key"]
        assert live.config.workers == 7


def test_bootstrap_live_fails_fast_and_logs_a_masked_summary_like_bootstrap(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env = IsolatedEnvironment(environ={"SHOP_WORKERS": CANARY}, isolated=True)
    with (
        caplog.at_level(logging.INFO, logger="confwarden"),
        pytest.raises(ConfigurationError) as excinfo,
    ):
        bootstrap(LiveShopConfig, env=env, environment="staging", root=tmp_path, live=True)
    message = str(excinfo.value)
    assert "SHOP_WORKERS" in message
    assert "SHOP_API_KEY" in message
    assert CANARY not in message + caplog.text
    assert "rejected" in caplog.text

    caplog.clear()
    env = IsolatedEnvironment(environ={"SHOP_API_KEY": CANARY}, isolated=True)
    with (
        caplog.at_level(logging.INFO, logger="confwarden"),
        bootstrap(
            LiveShopConfig, env=env, environment="development", root=tmp_path, live=True
        ) as live,
    ):
        assert live.config.api_key.get_secret_value() == CANARY
    assert "LiveShopConfig" in caplog.text
    assert "started in development" in caplog.text
    assert CANARY not in caplog.text


def test_bootstrap_live_follows_env_set_through_the_same_validation(tmp_path: Path) -> None:
    env = IsolatedEnvironment(environ={"SHOP_API_KEY": CANARY}, isolated=True)
    with bootstrap(
        LiveShopConfig, env=env, environment="development", root=tmp_path, live=True
    ) as live:
        updates = _updates(live)
        env.set("SHOP_WORKERS", "4", source="test")
        assert updates.get(timeout=10).applied[0].field == "workers"
        assert get_unified_config(LiveShopConfig).workers == 4


USER_MODULE = """
from confwarden import ConfigSchema, LiveConfig, SecretStr, bootstrap, get_unified_config


class ShopConfig(ConfigSchema, env_prefix="SHOP_"):
    workers: int = 1
    api_key: SecretStr


def either(follow: bool) -> None:
    started = bootstrap(ShopConfig, live=follow)
    reveal_type(started)


def start() -> int:
    live = bootstrap(ShopConfig, live=True)
    reveal_type(live)
    reveal_type(live.config)
    plain = bootstrap(ShopConfig)
    reveal_type(plain)
    named = bootstrap("shop", live=True)
    reveal_type(named)
    typed: LiveConfig[ShopConfig] = live
    live.close()
    return typed.config.workers + get_unified_config(ShopConfig).workers
"""


def test_bootstrap_live_is_typed_for_mypy_strict(tmp_path: Path) -> None:
    (tmp_path / "shop.py").write_text(USER_MODULE)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "shop.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert 'Revealed type is "confwarden.config.live.LiveConfig[shop.ShopConfig]"' in output
    assert output.count('Revealed type is "shop.ShopConfig"') == 2
    live_shop = "confwarden.config.live.LiveConfig[shop.ShopConfig]"
    assert (
        f'Revealed type is "Union[shop.ShopConfig, {live_shop}]"' in output
        or f'Revealed type is "shop.ShopConfig | {live_shop}"' in output
    ), output
    schema = "confwarden.config.schema.ConfigSchema"
    assert f'Revealed type is "confwarden.config.live.LiveConfig[{schema}]"' in output


@pytest.mark.integration
def test_bootstrap_live_follows_the_projects_etcd_and_restarts_from_the_last_known_good(
    tmp_path: Path,
) -> None:
    from tests.servers.etcd import EtcdWriter, start_etcd

    from confwarden import LastKnownGood
    from confwarden.secrets.etcd import etcd_prefix

    cluster = start_etcd(1)
    writer = EtcdWriter(cluster.endpoints)
    prefix = etcd_prefix("wired", "staging")
    (tmp_path / "pyproject.toml").write_text(
        "[tool.confwarden.secret_sources.etcd]\n"
        f"endpoints = {json.dumps(cluster.endpoints)}\n"
        'project = "wired"\ntimeout = 1\n'
    )
    lkg = LastKnownGood(tmp_path / "config.lkg", key=b"deployment-key-0123456789abcdef")

    def start() -> LiveConfig[LiveShopConfig]:
        env = IsolatedEnvironment(environ={"SHOP_API_KEY": CANARY}, isolated=True)
        return bootstrap(
            LiveShopConfig,
            env=env,
            environment="staging",
            root=tmp_path,
            last_known_good=lkg,
            live=True,
        )

    try:
        writer.put(prefix + "SHOP_WORKERS", "2")
        with start() as live:
            assert live.config.workers == 2
            updates = _updates(live)
            writer.put(prefix + "SHOP_WORKERS", "6")
            assert updates.get(timeout=10).applied[0].field == "workers"
            assert get_unified_config(LiveShopConfig).workers == 6
            for source in live.remote:
                source.close()  # type: ignore[attr-defined]
    finally:
        writer.close()
        cluster.stop()
    with start() as restarted:  # etcd is gone: the copy on disk carries the start
        assert restarted.config.workers == 6
        assert restarted.status().state.value == "degraded"
        assert CANARY not in lkg.path.read_text()
        for source in restarted.remote:
            source.close()  # type: ignore[attr-defined]
