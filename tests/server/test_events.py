"""WS /events over a real uvicorn: a client that stops reading is dropped, others are not slowed."""

from __future__ import annotations

import asyncio
import json
import socket

import pytest
from tests.servers.asgi import serve_asgi
from websockets.asyncio.client import connect

from confwarden.monitoring import MonitoringHub
from confwarden.server import create_app

pytestmark = pytest.mark.integration

PAYLOAD = "x" * 32_768
MAX_EVENTS = 600


def test_events_slow_client_is_dropped_without_blocking_a_fast_one() -> None:
    hub = MonitoringHub(client_queue=8, backlog=1)

    async def main(port: int) -> int:
        url = f"ws://127.0.0.1:{port}/events"
        # The slow client: a tiny receive buffer, and it never reads.
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        raw.connect(("127.0.0.1", port))
        slow = await connect(url, sock=raw, max_queue=1, max_size=None)
        fast = await connect(url, max_size=None)
        hub.bus.publish({"type": "hello"})
        assert json.loads(await fast.recv())["type"] == "hello"
        received = 0
        for i in range(MAX_EVENTS):
            hub.bus.publish({"type": "load", "i": i, "data": PAYLOAD})
            event = json.loads(await fast.recv())
            assert event["i"] == i
            received += 1
            if hub.bus.dropped:
                break
        # The fast client goes on receiving after the slow one was dropped.
        for i in range(5):
            hub.bus.publish({"type": "after", "i": i})
            assert json.loads(await fast.recv()) == {"type": "after", "i": i}
        await fast.close()
        slow.transport.abort()
        return received

    with serve_asgi(create_app(hub, manage_hub=False)) as port:
        received = asyncio.run(main(port))
    assert hub.bus.dropped == {"slow_consumer": 1}
    assert received < MAX_EVENTS
