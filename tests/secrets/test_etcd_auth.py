"""EtcdSource against a real etcd with authentication: wrong password, permission denied."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator

import pytest
from tests.servers.etcd import EtcdCluster, start_etcd

from confwarden.config.live import LiveConfig
from confwarden.config.schema import ConfigSchema
from confwarden.environment.detection import Environment
from confwarden.errors import ConfigurationError
from confwarden.secrets.etcd import EtcdSource, etcd_prefix

pytestmark = pytest.mark.integration

PASSWORD = "CANARY-5f0e1d-etcd-p@ss:w/rd"
ALLOWED = etcd_prefix("allowed", "production")
FORBIDDEN = etcd_prefix("forbidden", "production")


class AuthConfig(ConfigSchema):
    workers: int = 1


def _etcdctl(cluster: EtcdCluster, *args: str, user: str | None = None) -> None:
    executable = shutil.which("etcdctl")
    assert executable is not None, "etcdctl is missing: run `make system-deps`"
    command = [executable, f"--endpoints={cluster.endpoints[0]}"]
    if user is not None:
        command.append(f"--user={user}")
    subprocess.run([*command, *args], check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def secured() -> Iterator[EtcdCluster]:
    cluster = start_etcd(1)
    try:
        _etcdctl(cluster, "put", ALLOWED + "WORKERS", "4")
        _etcdctl(cluster, "user", "add", "root:root-password")
        _etcdctl(cluster, "user", "add", f"reader:{PASSWORD}")
        _etcdctl(cluster, "role", "add", "readers")
        _etcdctl(cluster, "role", "grant-permission", "readers", "--prefix=true", "read", ALLOWED)
        _etcdctl(cluster, "user", "grant-role", "reader", "readers")
        _etcdctl(cluster, "auth", "enable")
        yield cluster
    finally:
        cluster.stop()


def _start(source: EtcdSource) -> LiveConfig[AuthConfig]:
    live = LiveConfig(AuthConfig, environment=Environment.PRODUCTION, env={}, remote=[source])
    live.start()
    return live


def test_etcd_auth_reader_reads_its_prefix(secured: EtcdCluster) -> None:
    source = EtcdSource(secured.endpoints, ALLOWED, username="reader", password=PASSWORD)
    try:
        with _start(source) as live:
            assert live.config.workers == 4
    finally:
        source.close()
    assert PASSWORD not in repr(source)


def test_etcd_auth_permission_denied_fails_fast_naming_the_source(secured: EtcdCluster) -> None:
    source = EtcdSource(secured.endpoints, FORBIDDEN, username="reader", password=PASSWORD)
    try:
        with pytest.raises(ConfigurationError, match=f"etcd {FORBIDDEN}") as caught:
            _start(source)
        assert "permission denied" in str(caught.value)
        assert PASSWORD not in str(caught.value) + str(source.status())
    finally:
        source.close()


def test_etcd_auth_wrong_password_fails_fast_without_showing_it(secured: EtcdCluster) -> None:
    wrong = PASSWORD + "-wrong"
    source = EtcdSource(secured.endpoints, ALLOWED, username="reader", password=wrong)
    try:
        with pytest.raises(ConfigurationError, match="authentication failed") as caught:
            _start(source)
        assert wrong not in str(caught.value) + str(source.status())
    finally:
        source.close()
