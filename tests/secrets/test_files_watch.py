"""Mounted secret files join the reload: Kubernetes' ``..data`` symlink swap, ``VAR_FILE``."""

from __future__ import annotations

import os
import queue
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import pytest
from pydantic import SecretStr

from confwarden.config.live import ConfigUpdate, LiveConfig
from confwarden.config.schema import ConfigSchema, Env
from confwarden.environment.detection import Environment
from confwarden.secrets import files as files_module
from confwarden.secrets.files import FileReferenceSource, SecretsDirSource

CANARY = "CANARY-5f0e1d-0123456789abcdef0123456789abcdef"
ROTATED = "CANARY-rotated-fedcba9876543210fedcba9876543210"


class MountedConfig(ConfigSchema):
    jwt_secret_key: Annotated[SecretStr | None, Env("JWT_SECRET_KEY", sensitive=True)] = None
    workers: Annotated[int, Env("WORKERS")] = 1


class Kubelet:
    """Writes a secret volume the way Kubernetes' atomic writer does."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.revision = 0

    def publish(self, files: dict[str, str]) -> str:
        self.revision += 1
        version = f"..2026_01_01_00_00_{self.revision:02d}.{self.revision}"
        target = self.directory / version
        target.mkdir()
        for name, content in files.items():
            (target / name).write_text(content + "\n")
            link = self.directory / name
            if not link.is_symlink():
                link.symlink_to(Path("..data") / name)
        temporary = self.directory / "..data_tmp"
        temporary.symlink_to(version)
        previous = self.directory / "..data"
        old = os.readlink(previous) if previous.is_symlink() else None
        os.replace(temporary, previous)  # the atomic swap
        if old is not None:  # then the old revision goes, as the kubelet's atomic writer does
            shutil.rmtree(self.directory / old)
        return version


@pytest.fixture
def fast_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SecretsDirSource, "watch_interval", 0.02)
    monkeypatch.setattr(FileReferenceSource, "watch_interval", 0.02)


@pytest.fixture
def mounted(tmp_path: Path) -> Kubelet:
    kubelet = Kubelet(tmp_path)
    kubelet.publish({"JWT_SECRET_KEY": CANARY, "WORKERS": "2"})
    return kubelet


@pytest.fixture
def live(mounted: Kubelet, fast_polling: None) -> Iterator[LiveConfig[MountedConfig]]:
    config = LiveConfig(
        MountedConfig,
        environment=Environment.STAGING,
        env={},
        secret_dirs=[str(mounted.directory)],
    )
    with config:
        yield config


def test_files_watch_sees_the_kubernetes_data_symlink_swap(
    live: LiveConfig[MountedConfig], mounted: Kubelet
) -> None:
    updates: queue.Queue[ConfigUpdate] = queue.Queue()
    live.add_callback(updates.put)
    assert live.config.workers == 2
    version = mounted.publish({"JWT_SECRET_KEY": ROTATED, "WORKERS": "3"})
    update = updates.get(timeout=10)
    assert {c.field for c in update.applied} == {"jwt_secret_key", "workers"}
    assert live.config.jwt_secret_key is not None
    assert live.config.jwt_secret_key.get_secret_value() == ROTATED
    assert live.inspection is not None
    assert live.inspection.load.values["workers"].source.version == version
    shown = repr(update) + str(update.applied) + str(live.status().to_dict())
    assert CANARY not in shown
    assert ROTATED not in shown


def test_a_load_never_mixes_two_revisions_of_the_volume(
    mounted: Kubelet, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The kubelet swaps ``..data`` between two of the load's reads: every value and its
    # version must still come from one revision (CI once saw the new WORKERS beside the
    # old JWT_SECRET_KEY in one update).
    source = SecretsDirSource(mounted.directory)
    real_read = files_module.read_secret_file
    swapped: list[str] = []

    def read_then_swap(path: Path, *, variable: str) -> str:
        value = real_read(path, variable=variable)
        if not swapped:
            swapped.append(mounted.publish({"JWT_SECRET_KEY": ROTATED, "WORKERS": "3"}))
        return value

    monkeypatch.setattr(files_module, "read_secret_file", read_then_swap)
    source.prefetch(["JWT_SECRET_KEY", "WORKERS"])
    secret, workers = source.lookup("JWT_SECRET_KEY"), source.lookup("WORKERS")
    assert secret is not None
    assert workers is not None
    assert (secret.value, workers.value) == (ROTATED, "3")
    assert secret.source.version == workers.source.version == swapped[0]


def test_files_watch_rejects_a_swap_to_a_malformed_value(
    live: LiveConfig[MountedConfig], mounted: Kubelet
) -> None:
    updates: queue.Queue[ConfigUpdate] = queue.Queue()
    live.add_callback(updates.put)
    mounted.publish({"JWT_SECRET_KEY": CANARY, "WORKERS": "lots"})
    update = updates.get(timeout=10)
    assert not update.accepted
    assert live.config.workers == 2


def test_files_watch_follows_a_var_file_reference(tmp_path: Path, fast_polling: None) -> None:
    secret = tmp_path / "jwt"
    secret.write_text(CANARY)
    env = {"JWT_SECRET_KEY_FILE": str(secret)}
    with LiveConfig(MountedConfig, environment=Environment.STAGING, env=env) as live:
        updates: queue.Queue[ConfigUpdate] = queue.Queue()
        live.add_callback(updates.put)
        replacement = tmp_path / "jwt.new"
        replacement.write_text(ROTATED)
        os.replace(replacement, secret)
        updates.get(timeout=10)
        assert live.config.jwt_secret_key is not None
        assert live.config.jwt_secret_key.get_secret_value() == ROTATED


def test_files_watch_close_stops_the_polling_thread(tmp_path: Path) -> None:
    source = SecretsDirSource(tmp_path)
    seen: list[frozenset[str]] = []
    subscription = source.watch(seen.append)
    assert subscription is not None
    subscription.close()
    assert not [t for t in threading.enumerate() if str(tmp_path) in t.name]
