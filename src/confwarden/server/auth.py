"""Who may read the server: a token, or a loopback client on a loopback name; nobody else.

The server shows a service's configuration (masked, but still nobody else's business), so it
is closed by default wherever it runs, alone or mounted in the service's own app:

- **with a token** (``create_app(token=...)``, ``confwarden serve --token`` or
  ``CONFWARDEN_SERVE_TOKEN``) every request needs it in a header (``Authorization: Bearer
  <token>`` or ``X-Confwarden-Token``); a WebSocket may instead offer it as a subprotocol
  (:func:`token_subprotocols`: a browser cannot set headers on a WebSocket, but
  ``new WebSocket(url, protocols)`` sends ``Sec-WebSocket-Protocol``). Never in the URL: a
  request line is written to access logs. Compared in constant time.
- **without a token** only loopback clients are served, and only under a loopback ``Host``
  (``localhost``, ``127.0.0.1``, ``[::1]``): another machine gets 401 saying how to set the
  token, and a page of another site that rebinds its DNS name to 127.0.0.1 gets 400.
- ``allow_unauthenticated=True`` serves everyone without a token (a private network behind
  its own gate); the ``Host`` check still applies, widened by ``allowed_hosts``.

Always open: the dashboard's HTML shell (no data; the page reads the token from its URL
fragment, never sent to the server) and the Kubernetes probes ``/health/live`` and
``/health/ready`` (status only). A WebSocket handshake from a page of another origin (its
``Origin`` header is not the server's own, nor in ``allowed_origins``) is refused whatever
the token: another site must not read the event stream through the user's browser.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
import json
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "AUTHORIZED",
    "MIN_TOKEN_LENGTH",
    "PROBE_PATHS",
    "PUBLIC_PATHS",
    "TOKEN_VARIABLE",
    "WS_PROTOCOL",
    "WS_TOKEN_PREFIX",
    "TokenGuard",
    "check_token",
    "is_loopback",
    "token_matches",
    "token_subprotocols",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# The dashboard shell: static HTML and script without any data.
PUBLIC_PATHS = frozenset({"/", "/dashboard.js"})
# Kubernetes probes come from the node, without a token: they answer a status only.
PROBE_PATHS = frozenset({"/health/live", "/health/ready"})
TOKEN_VARIABLE = "CONFWARDEN_SERVE_TOKEN"
MIN_TOKEN_LENGTH = 16
# The subprotocol the server accepts (echoes); the token rides in a second one, never echoed.
WS_PROTOCOL = "confwarden"
WS_TOKEN_PREFIX = "confwarden.token."
# Set in the scope of a request that passed the guard (the probes then show their reasons).
AUTHORIZED = "confwarden.authorized"

_HOW_TO_TOKEN = (
    "a token is required: send 'Authorization: Bearer <token>' (WebSocket: or the "
    "subprotocols confwarden.server.auth.token_subprotocols(token); open the dashboard as "
    "/#token=<token>). The token is the one the server was started with: confwarden serve "
    f"--token, create_app(hub, token=...), or {TOKEN_VARIABLE}. Without a token only "
    "clients on this machine (loopback) are served."
)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``.

    Example:
        >>> is_loopback("127.0.0.1"), is_loopback("0.0.0.0")
        (True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_token(token: str) -> str:
    """``token`` if it is long enough to resist guessing, else ValueError saying how to make one.

    Example:
        >>> check_token("x" * 16) == "x" * 16
        True
    """
    if len(token.strip()) < MIN_TOKEN_LENGTH:
        raise ValueError(
            f"the token must have at least {MIN_TOKEN_LENGTH} characters (blank or short "
            "tokens are guessable); generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return token


def token_subprotocols(token: str) -> list[str]:
    """The ``Sec-WebSocket-Protocol`` values carrying ``token`` to ``/events``.

    The token is base64url-encoded (any token is then a valid subprotocol name); the server
    accepts :data:`WS_PROTOCOL`, so a browser, which requires one of its offers to be
    accepted, opens the connection.

    Example:
        >>> token_subprotocols("a-long-random-token")
        ['confwarden', 'confwarden.token.YS1sb25nLXJhbmRvbS10b2tlbg']
    """
    encoded = base64.urlsafe_b64encode(token.encode("utf-8")).decode("ascii").rstrip("=")
    return [WS_PROTOCOL, WS_TOKEN_PREFIX + encoded]


def _subprotocol_token(offered: str) -> str | None:
    for offer in offered.split(","):
        protocol = offer.strip()
        if protocol.startswith(WS_TOKEN_PREFIX):
            encoded = protocol[len(WS_TOKEN_PREFIX) :]
            try:
                raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
                return raw.decode("utf-8") or None
            except (binascii.Error, ValueError):
                return None
    return None


def token_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison (no early exit that would leak the matching prefix)."""
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _given_token(scope: Scope) -> str | None:
    bearer = _header(scope, b"authorization")
    if bearer is not None and bearer.lower().startswith("bearer "):
        return bearer[7:].strip()
    header = _header(scope, b"x-confwarden-token")
    if header is not None:
        return header
    if scope["type"] == "websocket":
        offered = _header(scope, b"sec-websocket-protocol")
        return _subprotocol_token(offered) if offered else None
    return None


def _hostname(host: str) -> str:
    """``example.com`` of ``example.com:8700``, ``::1`` of ``[::1]:8700``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _name_matches(name: str, patterns: Iterable[str]) -> bool:
    for pattern in patterns:
        if pattern in ("*", name):
            return True
        if pattern.startswith("*.") and name.endswith(pattern[1:]):
            return True
    return False


class TokenGuard:
    """ASGI middleware deciding who may read the server (see the module docstring).

    Args:
        app: the application to guard.
        token: the expected token; None serves loopback clients only (or everyone with
            ``allow_unauthenticated``).
        allow_unauthenticated: serve clients of any address without a token.
        allowed_hosts: ``Host`` names accepted besides the loopback ones (``"*.corp"``,
            ``"*"`` for any); checked on every request once given.
        allowed_origins: WebSocket ``Origin`` values accepted besides the server's own
            (``"https://ops.example.com"``, ``"*"`` for any).

    Example:
        >>> async def app(scope, receive, send): ...
        >>> TokenGuard(app, "s" * 32)
        <TokenGuard token=***>
    """

    def __init__(
        self,
        app: ASGIApp,
        token: str | None = None,
        *,
        allow_unauthenticated: bool = False,
        allowed_hosts: Iterable[str] = (),
        allowed_origins: Iterable[str] = (),
    ) -> None:
        if token is not None and not token.strip():
            raise ValueError("the token must not be empty")
        self.app = app
        self._token = check_token(token) if token is not None else None
        self._open = allow_unauthenticated
        self._hosts = tuple(h.strip().lower() for h in allowed_hosts)
        self._origins = frozenset(o.strip().lower().rstrip("/") for o in allowed_origins)

    def __repr__(self) -> str:
        return f"<TokenGuard token={'***' if self._token else None}>"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "/")
        root = scope.get("root_path", "")
        relative = (path[len(root) :] if root and path.startswith(root) else path) or "/"
        if kind == "http" and relative in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is None:
            scope[AUTHORIZED] = True
        if refusal is None or (kind == "http" and relative in PROBE_PATHS):
            await self.app(scope, receive, send)
            return
        status, message = refusal
        await _refuse(scope, receive, send, status, message)

    def _refusal(self, scope: Scope) -> tuple[int, str] | None:
        """None when the request may be served, else the status and what to do."""
        host = _header(scope, b"host") or ""
        if scope["type"] == "websocket":
            origin = _header(scope, b"origin")
            if origin is not None and not self._origin_allowed(origin, host):
                return 403, (
                    f"WebSocket origin {origin!r} is not this server's ({host!r}): pages of "
                    "other sites may not read the event stream (allow it with "
                    "create_app(allowed_origins=[...]))"
                )
        if self._token is not None:
            if not token_matches(_given_token(scope), self._token):
                return 401, _HOW_TO_TOKEN
            return self._host_refusal(host) if self._hosts else None
        client = scope.get("client")
        if not self._open and not (client and is_loopback(str(client[0]))):
            return 401, _HOW_TO_TOKEN
        return self._host_refusal(host)

    def _host_refusal(self, host: str) -> tuple[int, str] | None:
        name = _hostname(host)
        if is_loopback(name) or name.endswith(".localhost") or _name_matches(name, self._hosts):
            return None
        return 400, (
            f"host {host!r} is not allowed: without a token this server answers loopback "
            "names only (a page of another site may point its name at 127.0.0.1). Open it as "
            "http://127.0.0.1:<port>/, set a token, or allow the name with "
            "create_app(allowed_hosts=[...])"
        )

    def _origin_allowed(self, origin: str, host: str) -> bool:
        normalized = origin.strip().lower().rstrip("/")
        if "*" in self._origins or normalized in self._origins:
            return True
        return urlsplit(normalized).netloc == host.strip().lower()


async def _refuse(scope: Scope, receive: Receive, send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    headers = [(b"content-type", b"application/json")]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return
    await receive()  # the websocket.connect message
    if "websocket.http.response" in scope.get("extensions", {}):
        # The client sees the status and the reason, not a bare 403.
        await send({"type": "websocket.http.response.start", "status": status, "headers": headers})
        await send({"type": "websocket.http.response.body", "body": body})
        return
    await send({"type": "websocket.close", "code": 1008, "reason": message[:120]})
