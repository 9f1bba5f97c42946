"""A real Redis for integration tests: ``redis-server`` with a generated config.

It listens on 127.0.0.1 (a free port, and a second one with TLS) and on a unix socket under
a short temp directory, with ``requirepass`` set to a password full of URL delimiters, and is
stopped by PID.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from tests.servers import free_port, self_signed_cert
from tests.servers.process import LoggedProcess

__all__ = ["RedisServer", "redis_server", "start_redis"]

REDIS_PASSWORD = "r3d!s p@ss/w:rd%#?&= ünï CANARY-5f0e1d"
_READY = "Ready to accept connections"


@dataclass(frozen=True)
class RedisServer:
    """A running server and how to reach it."""

    port: int
    tls_port: int
    cert_file: str
    socket_path: str
    base_dir: str
    running: LoggedProcess = field(repr=False)
    host: str = "127.0.0.1"
    password: str = field(default=REDIS_PASSWORD, repr=False)

    @property
    def pid(self) -> int:
        """The server's process id."""
        return self.running.pid

    def component_vars(self, *, socket: bool = False, db: int = 0) -> dict[str, str]:
        """``REDIS_*`` variables pointing at this server over TCP or the socket."""
        place = {"REDIS_SOCKET": self.socket_path} if socket else {"REDIS_HOST": self.host}
        return {
            **place,
            "REDIS_PORT": str(self.port),
            "REDIS_PASSWORD": self.password,
            "REDIS_DB": str(db),
        }


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def start_redis() -> RedisServer:
    """Start a server and wait for its "ready" line (no polling)."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise RuntimeError("redis-server is not installed: run `make system-deps`")
    base = Path(tempfile.mkdtemp(prefix="cw", dir="/tmp"))
    port, tls_port = free_port(), free_port()
    while tls_port == port:
        tls_port = free_port()
    cert, key = self_signed_cert(base)
    socket_path = base / "redis.sock"
    config = base / "redis.conf"
    config.write_text(
        f"bind 127.0.0.1\nport {port}\nunixsocket {socket_path}\nunixsocketperm 700\n"
        f'requirepass {_quoted(REDIS_PASSWORD)}\ndir {base}\nsave ""\nappendonly no\n'
        'daemonize no\nlogfile ""\nprotected-mode yes\n'
        f"tls-port {tls_port}\ntls-cert-file {cert}\ntls-key-file {key}\n"
        f"tls-ca-cert-file {cert}\ntls-auth-clients no\n",
        encoding="utf-8",
    )
    running = LoggedProcess.start(
        [executable, str(config)], ready_line=_READY, name=f"redis-log-{port}"
    )
    try:
        running.wait_ready("redis-server", timeout=30)
    except RuntimeError:
        shutil.rmtree(base, ignore_errors=True)
        raise
    return RedisServer(port, tls_port, str(cert), str(socket_path), str(base), running)


def stop_redis(server: RedisServer) -> None:
    """Terminate by PID, kill if it does not stop, and remove the files."""
    server.running.stop()
    shutil.rmtree(server.base_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A Redis server for the whole session of this (xdist) worker."""
    server = start_redis()
    try:
        yield server
    finally:
        stop_redis(server)
