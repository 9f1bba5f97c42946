"""The etcd demo (examples/demo_etcd.py) against a real etcd: it works and shows no secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.servers.etcd import EtcdCluster

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def test_etcd_demo_reloads_rejects_and_never_prints_a_secret(
    etcd_server: EtcdCluster, tmp_path: Path
) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "demo_etcd.py"), etcd_server.endpoints[0]],
        capture_output=True, text=True, timeout=120, check=True,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )  # fmt: skip
    assert list(tmp_path.iterdir()) == []  # its last-known-good directory is removed
    output = result.stdout + result.stderr
    assert "applied: BACKEND_WORKER_COUNT 2 -> 6" in output
    assert "needs a restart (not applied): PORT 8000 -> 9000" in output
    assert "rejected, generation 2 stays" in output
    assert "worker_count=6, port=8000" in output
    secrets = ROOT / "examples" / "platform" / "secrets" / "staging"
    shown = [f.name for f in secrets.iterdir() if f.read_text().strip() in output]
    assert shown == []
