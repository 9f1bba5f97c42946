"""WS /events over a real uvicorn: a client that stops reading is dropped, others are not slowed."""

from __future__ import annotations

import asyncio
import json
import socket

import pytest
from tests.servers.asgi import serve_asgi
from websockets.asyncio.client import ClientConnection, connect

from confwarden.monitoring import MonitoringHub
from confwarden.server import create_app

pytestmark = pytest.mark.integration

PAYLOAD = "x" * 32_768
MAX_EVENTS = 600


def test_events_slow_client_is_dropped_without_blocking_a_fast_one() -> None:
    hub = MonitoringHub(client_queue=8, backlog=1)
    hub.bus.max_lag = 0.0  # a full queue is slow at once (the burst allowance is tested below)

    async def main(port: int) -> int:
        url = f"ws://127.0.0.1:{port}/events"
        # The slow client: a tiny receive buffer, a handshake by hand, then it never reads
        # (a client library would go on reading into its own buffers in the background).
        slow = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.connect(("127.0.0.1", port))
        slow.sendall(
            f"GET /events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        assert slow.recv(12) == b"HTTP/1.1 101"  # subscribed before the handshake completed
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
        slow.close()
        return received

    with serve_asgi(create_app(hub, manage_hub=False)) as port:
        received = asyncio.run(main(port))
    assert hub.bus.dropped == {"slow_consumer": 1}
    assert received < MAX_EVENTS


def test_events_a_burst_longer_than_the_queue_keeps_the_clients_that_read() -> None:
    # 2,000 events published at once, 50 per client queue: clients that read get them all.
    hub = MonitoringHub(client_queue=50, backlog=1)
    burst, clients = 2000, 6

    async def main(port: int) -> list[int]:
        url = f"ws://127.0.0.1:{port}/events"
        sockets = [await connect(url, max_size=None) for _ in range(clients)]
        await asyncio.to_thread(lambda: [hub.bus.publish({"i": i}) for i in range(burst)])

        async def read(ws: ClientConnection) -> int:
            seen = [json.loads(await ws.recv())["i"] for _ in range(burst)]
            assert seen == list(range(burst))
            await ws.close()
            return len(seen)

        return await asyncio.gather(*(read(ws) for ws in sockets))

    with serve_asgi(create_app(hub, manage_hub=False)) as port:
        received = asyncio.run(main(port))
    assert received == [burst] * clients
    assert hub.bus.dropped == {}
