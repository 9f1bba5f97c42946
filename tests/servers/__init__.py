"""Real servers for integration tests: PostgreSQL, Redis, etcd on 127.0.0.1, one per xdist worker.

Use them from a ``conftest.py`` by importing the fixtures (see README.md in this directory)::

    from tests.servers.postgres import postgres_server
    from tests.servers.redis import redis_server
"""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

__all__ = ["free_port", "self_signed_cert"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """A throwaway certificate and key for 127.0.0.1 (TLS tests only), as (cert, key)."""
    cert, key = directory / "server.crt", directory / "server.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    key.chmod(0o600)
    return cert, key
