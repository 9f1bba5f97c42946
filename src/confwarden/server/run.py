"""Run the server for a hub with uvicorn: the one place that binds a socket.

Binding is refused on any non-loopback address without a token (the configuration, even
masked, is nobody else's business). The socket is bound and listening before
``on_ready(url)`` is called, so whatever reads that line may connect at once.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable

from confwarden.errors import ConfwardenError
from confwarden.monitoring.hub import MonitoringHub
from confwarden.server.app import create_app
from confwarden.server.auth import check_token, is_loopback

__all__ = ["BindError", "TokenRequiredError", "bind", "serve"]


class TokenRequiredError(ConfwardenError):
    """A non-loopback bind was asked for without a (strong enough) token."""

    exit_code = 2


class BindError(ConfwardenError):
    """The address cannot be listened on: taken, not of this machine, or not an address."""

    exit_code = 2


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: the kernel picks one).

    The socket is created with ``IPPROTO_TCP`` and ``TCP_NODELAY``: asyncio only disables
    Nagle's algorithm on accepted connections of a socket whose protocol says TCP, and
    without that every keep-alive response waits ~40 ms for the client's delayed ACK.

    Raises:
        BindError: the address is taken, not available here, or not an address.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    shown = f"[{host.strip('[]')}]:{port}" if ":" in host else f"{host}:{port}"
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise BindError(_bind_problem(shown, host, exc)) from None
    sock.set_inheritable(True)
    return sock


def _bind_problem(shown: str, host: str, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (
            f"{shown} is already in use (another confwarden serve, or another server): "
            "choose another port with --port (0: any free port), or stop what listens there"
        )
    if exc.errno == errno.EACCES:
        return (
            f"cannot bind {shown}: permission denied (ports below 1024 need privileges); use --port"
        )
    reason = exc.strerror or str(exc)
    return (
        f"cannot bind {shown}: {reason}. --host must be an address of this machine "
        "(127.0.0.1, ::1, 0.0.0.0 for every interface) or a name resolving to one"
    )


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
        TokenRequiredError: ``host`` is not a loopback address and no token was given, or
            the token is blank or shorter than 16 characters.
        BindError: ``host:port`` cannot be listened on.
    """
    import uvicorn
    from uvicorn.config import WS_PROTOCOLS

    if not is_loopback(host) and not (token and token.strip()):
        raise TokenRequiredError(
            f"refusing to serve on {host} without a token: anyone who can reach it would "
            "see the configuration. Pass --token (or set CONFWARDEN_SERVE_TOKEN), or bind "
            "127.0.0.1 and reach it through a tunnel."
        )
    if token is not None:
        try:
            check_token(token)
        except ValueError as exc:
            raise TokenRequiredError(f"refusing this --token: {exc}") from None
    sock = bind(host, port)
    bound_port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    ws = "websockets-sansio" if "websockets-sansio" in WS_PROTOCOLS else "auto"
    config = uvicorn.Config(create_app(hub, token=token), log_level=log_level, ws=ws)
    server = uvicorn.Server(config)
    if on_ready is not None:
        on_ready(f"http://{shown}:{bound_port}/")
    server.run(sockets=[sock])
