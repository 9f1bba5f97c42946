"""A real Redis for integration tests: ``redis-server`` with a generated config.

It listens on 127.0.0.1 (a free port, and a second one with TLS) and on a unix socket under
a short temp directory, with ``requirepass`` set to a password full of URL delimiters, and is
stopped by PID.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from tests.servers import free_port, self_signed_cert

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
    process: subprocess.Popen[str] = field(repr=False)
    log_reader: threading.Thread = field(repr=False)
    host: str = "127.0.0.1"
    password: str = field(default=REDIS_PASSWORD, repr=False)

    @property
    def pid(self) -> int:
        """The server's process id."""
        return self.process.pid

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
    process = subprocess.Popen(
        [executable, str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    ready = threading.Event()
    seen: list[str] = []

    def drain() -> None:
        # Reads the log until the server exits, so that it never blocks on a full pipe.
        assert process.stdout is not None
        for line in process.stdout:
            seen.append(line)
            if _READY in line:
                ready.set()

    reader = threading.Thread(target=drain, name=f"redis-log-{port}", daemon=True)
    reader.start()
    if not ready.wait(timeout=30):
        process.kill()
        process.wait(timeout=10)
        reader.join(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
        shutil.rmtree(base, ignore_errors=True)
        raise RuntimeError("redis-server did not become ready:\n" + "".join(seen[-20:]))
    return RedisServer(port, tls_port, str(cert), str(socket_path), str(base), process, reader)


def stop_redis(server: RedisServer) -> None:
    """Terminate by PID, kill if it does not stop, and remove the files."""
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=20)
    # The reader ends at end of file, once the server is gone; then the pipe can be closed.
    server.log_reader.join(timeout=20)
    if server.process.stdout is not None:
        server.process.stdout.close()
    shutil.rmtree(server.base_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A Redis server for the whole session of this (xdist) worker."""
    server = start_redis()
    try:
        yield server
    finally:
        stop_redis(server)
