"""Real servers for integration tests: PostgreSQL and Redis on 127.0.0.1, one per xdist worker.

Use them from a ``conftest.py`` by importing the fixtures (see README.md in this directory)::

    from tests.servers.postgres import postgres_server
    from tests.servers.redis import redis_server
"""

from __future__ import annotations

import socket

__all__ = ["free_port"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
