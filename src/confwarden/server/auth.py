"""The token guard: loopback needs nothing, any other bind needs a token on every request.

``confwarden serve`` binds 127.0.0.1 unless told otherwise; a service reachable from other
machines must not show its configuration to anyone who asks, even masked. With a token set,
every HTTP request needs it in a header (``Authorization: Bearer <token>`` or
``X-Confwarden-Token``) and the WebSocket accepts it as the ``token`` query parameter too (a
browser cannot set headers on a WebSocket). Tokens are compared in constant time. The
dashboard's HTML shell is served without a token: it holds no data, and the page reads the
token from its URL fragment (never sent to the server) to call the API.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

__all__ = ["PUBLIC_PATHS", "TokenGuard", "is_loopback", "token_matches"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# The dashboard shell: static HTML and script without any data.
PUBLIC_PATHS = frozenset({"/", "/dashboard.js"})


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
        query = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1"))
        values = query.get("token")
        return values[0] if values else None
    return None


class TokenGuard:
    """ASGI middleware refusing requests without the token (401, or a closed WebSocket).

    Args:
        app: the application to guard.
        token: the expected token.
    """

    def __init__(self, app: ASGIApp, token: str) -> None:
        if not token:
            raise ValueError("the token must not be empty")
        self.app = app
        self._token = token

    def __repr__(self) -> str:
        return "<TokenGuard token=***>"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "/")
        root = scope.get("root_path", "")
        relative = path[len(root) :] if root and path.startswith(root) else path
        if kind == "http" and (relative or "/") in PUBLIC_PATHS:
            await self.app(scope, receive, send)
            return
        if token_matches(_given_token(scope), self._token):
            await self.app(scope, receive, send)
            return
        if kind == "websocket":
            await receive()  # the websocket.connect message
            await send({"type": "websocket.close", "code": 1008, "reason": "token required"})
            return
        body = json.dumps(
            {
                "error": "a token is required: send 'Authorization: Bearer <token>' (the "
                "token confwarden serve was started with, or CONFWARDEN_SERVE_TOKEN)"
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"www-authenticate", b"Bearer"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
