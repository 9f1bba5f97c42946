"""DevSecretStore: random development secrets, once per project and machine, 0600, race-safe."""

from __future__ import annotations

import hashlib
import stat
import threading
from pathlib import Path

import pytest

from confwarden.environment.dev_secrets import (
    DEV_SECRET_PREFIX,
    DevSecretStore,
    project_root,
)


def test_dev_secret_is_not_the_public_formula(tmp_path: Path) -> None:
    value = DevSecretStore(tmp_path).get("JWT_SECRET_KEY")
    public = "dev-" + hashlib.sha256(b"confwarden-dev-fallback:JWT_SECRET_KEY").hexdigest()
    assert value != public
    assert value.startswith(DEV_SECRET_PREFIX)
    assert len(value) >= 64


def test_dev_secret_shared_by_services_of_one_project(tmp_path: Path) -> None:
    backend, auth = DevSecretStore(tmp_path), DevSecretStore(tmp_path)
    assert backend.get("JWT_SECRET_KEY") == auth.get("JWT_SECRET_KEY")


def test_dev_secret_differs_between_machines(tmp_path: Path) -> None:
    one, other = DevSecretStore(tmp_path / "a"), DevSecretStore(tmp_path / "b")
    assert one.get("JWT_SECRET_KEY") != other.get("JWT_SECRET_KEY")
    assert one.get("JWT_SECRET_KEY") != one.get("SERVICE_SECRET")


def test_dev_secret_file_is_private_and_git_ignored(tmp_path: Path) -> None:
    directory = tmp_path / ".confwarden" / "dev-secrets"
    store = DevSecretStore(directory)
    store.get("SERVICE_SECRET")
    assert stat.S_IMODE(store.path("SERVICE_SECRET").stat().st_mode) == 0o600
    assert stat.S_IMODE(directory.stat().st_mode) & 0o077 == 0
    for ignored in (directory / ".gitignore", tmp_path / ".confwarden" / ".gitignore"):
        assert ignored.read_text().splitlines()[-1] == "*"


def test_dev_secret_race_between_services_agrees(tmp_path: Path) -> None:
    stores = [DevSecretStore(tmp_path) for _ in range(16)]
    results: list[str] = []
    barrier = threading.Barrier(len(stores))

    def start(store: DevSecretStore) -> None:
        barrier.wait()
        results.append(store.get("JWT_SECRET_KEY"))

    threads = [threading.Thread(target=start, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [".gitignore", "JWT_SECRET_KEY"]


def test_dev_secret_refuses_non_variable_names(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a variable name"):
        DevSecretStore(tmp_path).get("../etc/passwd")


def test_dev_secret_default_store_under_project_root(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname='x'\n")
    nested = tmp_path / "src" / "pkg"
    nested.mkdir(parents=True)
    assert project_root(nested) == tmp_path.resolve()
    store = DevSecretStore.default({}, cwd=nested)
    assert store.directory == tmp_path.resolve() / ".confwarden" / "dev-secrets"
    configured = DevSecretStore.default({"CONFWARDEN_DEV_SECRETS_DIR": str(tmp_path / "x")})
    assert configured.directory == tmp_path / "x"


def test_dev_secret_shared_by_monorepo_services_with_own_pyproject(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    for service in ("backend", "auth"):
        (tmp_path / "services" / service).mkdir(parents=True)
        (tmp_path / "services" / service / "pyproject.toml").write_text("[project]\n")
    backend = DevSecretStore.default({}, cwd=tmp_path / "services" / "backend")
    auth = DevSecretStore.default({}, cwd=tmp_path / "services" / "auth")
    assert backend.directory == auth.directory == tmp_path.resolve() / ".confwarden" / "dev-secrets"
    assert backend.get("JWT_SECRET_KEY") == auth.get("JWT_SECRET_KEY")
