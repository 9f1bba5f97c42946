"""Serve an ASGI app with a real uvicorn on 127.0.0.1 (a free port) from a test.

The listening socket is bound and listening before the server thread starts, so a client may
connect at once: no waiting for "started", no sleep.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["serve_asgi"]


@contextlib.contextmanager
def serve_asgi(app: Any, **config: Any) -> Iterator[int]:
    """Run ``app`` with uvicorn in a thread for the block; yields the port."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = int(sock.getsockname()[1])
    options: dict[str, Any] = {"log_level": "warning", "lifespan": "off", "ws": "websockets-sansio"}
    options.update(config)
    server = uvicorn.Server(uvicorn.Config(app, **options))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
