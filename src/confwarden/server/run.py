"""Run the server for a hub with uvicorn: the one place that binds a socket.

Binding is refused on any non-loopback address without a token (the configuration, even
masked, is nobody else's business). The socket is bound and listening before
``on_ready(url)`` is called, so whatever reads that line may connect at once.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

from confwarden.errors import ConfwardenError
from confwarden.monitoring.hub import MonitoringHub
from confwarden.server.app import create_app
from confwarden.server.auth import is_loopback

__all__ = ["TokenRequiredError", "bind", "serve"]


class TokenRequiredError(ConfwardenError):
    """A non-loopback bind was asked for without a token."""

    exit_code = 2


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: the kernel picks one).

    Raises:
        OSError: the address is taken or not available here.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def serve(
    hub: MonitoringHub,
    *,
    host: str = "127.0.0.1",
    port: int = 8700,
    token: str | None = None,
    on_ready: Callable[[str], None] | None = None,
    log_level: str = "warning",
) -> None:
    """Serve ``hub``'s API and dashboard until interrupted (Ctrl-C or SIGTERM).

    Raises:
        TokenRequiredError: ``host`` is not a loopback address and no token was given.
    """
    import uvicorn
    from uvicorn.config import WS_PROTOCOLS

    if not is_loopback(host) and not token:
        raise TokenRequiredError(
            f"refusing to serve on {host} without a token: anyone who can reach it would "
            "see the configuration. Pass --token (or set CONFWARDEN_SERVE_TOKEN), or bind "
            "127.0.0.1 and reach it through a tunnel."
        )
    sock = bind(host, port)
    bound_port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    ws = "websockets-sansio" if "websockets-sansio" in WS_PROTOCOLS else "auto"
    config = uvicorn.Config(create_app(hub, token=token), log_level=log_level, ws=ws)
    server = uvicorn.Server(config)
    if on_ready is not None:
        on_ready(f"http://{shown}:{bound_port}/")
    server.run(sockets=[sock])
