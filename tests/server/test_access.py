"""Who may read a mounted server, over a real uvicorn: remote clients, foreign hosts and origins.

A client of another machine is simulated the way a reverse proxy presents one: uvicorn trusts
``X-Forwarded-For`` from 127.0.0.1 and gives the app the forwarded address. Nothing leaves
127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import logging

import httpx2 as httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from tests.server.conftest import API_PATHS
from tests.servers.asgi import serve_asgi
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from confwarden.monitoring import MonitoringHub
from confwarden.server import create_app
from confwarden.server.auth import WS_PROTOCOL, token_subprotocols

pytestmark = pytest.mark.integration

REMOTE = {"X-Forwarded-For": "10.1.2.3"}
PROXIED = {"proxy_headers": True, "forwarded_allow_ips": "127.0.0.1"}
PRIVATE = [p for p in API_PATHS if p not in ("/health/live", "/health/ready")]


def _mounted(hub: MonitoringHub, **options: object) -> Starlette:
    return Starlette(routes=[Mount("/confwarden", create_app(hub, manage_hub=False, **options))])


async def _handshake(url: str, **kwargs: object) -> int:
    """101 when the WebSocket opened, else the HTTP status of the refusal."""
    try:
        async with connect(url, open_timeout=5, **kwargs):  # type: ignore[arg-type]
            return 101
    except InvalidStatus as refused:
        return refused.response.status_code


def test_access_mounted_without_token_refuses_remote_clients() -> None:
    hub = MonitoringHub()
    with serve_asgi(_mounted(hub), **PROXIED) as port, httpx.Client() as client:
        base = f"http://127.0.0.1:{port}/confwarden"
        for path in PRIVATE:
            response = client.get(base + path, headers=REMOTE)
            assert response.status_code == 401, path
            assert "CONFWARDEN_SERVE_TOKEN" in response.json()["error"]
        assert client.get(base + "/health/live", headers=REMOTE).status_code == 200
        # The same machine is served.
        assert client.get(base + "/config").status_code == 200
        ws = f"ws://127.0.0.1:{port}/confwarden/events"
        assert asyncio.run(_handshake(ws, additional_headers=REMOTE)) == 401
        assert asyncio.run(_handshake(ws)) == 101


def test_access_mounted_with_a_token_serves_remote_clients_that_send_it() -> None:
    token = "mount-token-0123456789abcdef"
    hub = MonitoringHub()
    with serve_asgi(_mounted(hub, token=token), **PROXIED) as port, httpx.Client() as client:
        url = f"http://127.0.0.1:{port}/confwarden/config"
        assert client.get(url, headers=REMOTE).status_code == 401
        headers = {**REMOTE, "Authorization": f"Bearer {token}"}
        assert client.get(url, headers=headers).status_code == 200


def test_access_refuses_a_rebound_host_name() -> None:
    hub = MonitoringHub()
    with serve_asgi(create_app(hub, manage_hub=False)) as port, httpx.Client() as client:
        url = f"http://127.0.0.1:{port}/config"
        response = client.get(url, headers={"Host": "rebind.evil.example"})
        assert response.status_code == 400
        assert "host 'rebind.evil.example' is not allowed" in response.json()["error"]
        assert client.get(url).status_code == 200
        ws = f"ws://127.0.0.1:{port}/events"
        assert asyncio.run(_handshake(ws, additional_headers={"Host": "rebind.evil"})) == 400


def test_access_refuses_a_websocket_from_another_origin_even_with_the_token() -> None:
    token = "origin-token-0123456789abcdef"
    hub = MonitoringHub()
    hub.bus.publish({"type": "hello"})
    with serve_asgi(create_app(hub, token=token, manage_hub=False)) as port:
        ws = f"ws://127.0.0.1:{port}/events"
        offer = token_subprotocols(token)

        async def main() -> tuple[int, int, str]:
            evil = await _handshake(ws, origin="http://evil.example", subprotocols=offer)
            own = f"http://127.0.0.1:{port}"
            async with connect(ws, origin=own, subprotocols=offer) as client:  # type: ignore[arg-type]
                first = json.loads(await client.recv())["type"]
            return evil, await _handshake(ws, origin=own, subprotocols=offer), first

        evil, own, first = asyncio.run(main())
    assert evil == 403
    assert own == 101
    assert first == "hello"


def test_access_websocket_token_as_subprotocol_stays_out_of_the_access_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = "log-token-CANARY-0123456789"
    hub = MonitoringHub()
    hub.bus.publish({"type": "hello"})
    app = create_app(hub, token=token, manage_hub=False)
    with (
        caplog.at_level(logging.INFO),
        serve_asgi(app, log_level="info", log_config=None) as port,
    ):
        ws = f"ws://127.0.0.1:{port}/events"

        async def main() -> tuple[str | None, str, int]:
            async with connect(ws, subprotocols=token_subprotocols(token)) as client:  # type: ignore[arg-type]
                first = json.loads(await client.recv())["type"]
                chosen = client.subprotocol
            wrong = await _handshake(ws, subprotocols=token_subprotocols("x" * 20))
            return chosen, first, wrong

        chosen, first, wrong = asyncio.run(main())
    assert (chosen, first) == (WS_PROTOCOL, "hello")
    assert wrong == 401
    accepted = [r.getMessage() for r in caplog.records if "[accepted]" in r.getMessage()]
    assert accepted, caplog.text
    assert "CANARY" not in caplog.text
