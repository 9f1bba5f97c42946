"""MonitoredWebSocket against a real uvicorn and a real ``websockets`` client; the self-test."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket
from tests.servers.asgi import serve_asgi
from websockets.asyncio.client import connect

from confwarden.environment.detection import Environment
from confwarden.monitoring import (
    EventDeliveryError,
    EventFlowMonitor,
    MonitoredWebSocket,
    verify_event_delivery,
)

pytestmark = pytest.mark.integration


class Probe:
    """A Starlette app whose WebSocket endpoint runs ``action(channel)`` and keeps the outcome."""

    def __init__(self, action: Any) -> None:
        self.flow = EventFlowMonitor()
        self.action = action
        self.done = threading.Event()
        self.outcome: object = None
        self.app = Starlette(routes=[WebSocketRoute("/ws", self.endpoint)])

    async def endpoint(self, websocket: WebSocket) -> None:
        await websocket.accept()
        channel = MonitoredWebSocket(websocket, self.flow, "client-1")
        receiving = asyncio.create_task(channel.receive_loop())
        try:
            self.outcome = await self.action(channel)
        except Exception as exc:
            self.outcome = exc
        finally:
            self.done.set()
            await receiving


async def _client(port: int, *, ack: bool, messages: int = 1) -> list[dict[str, Any]]:
    received = []
    async with connect(f"ws://127.0.0.1:{port}/ws") as ws:
        await ws.send(json.dumps({"type": "heartbeat"}))
        for _ in range(messages):
            event = json.loads(await ws.recv())
            received.append(event)
            if ack:
                await ws.send(json.dumps({"type": "ack", "event_id": event["event_id"]}))
        # Wait for the server to finish with this connection before closing it.
        await asyncio.to_thread(_WAIT.wait, 10)
    return received


_WAIT = threading.Event()


@pytest.fixture(autouse=True)
def _reset_wait() -> None:
    _WAIT.clear()


def _run(probe: Probe, *, ack: bool) -> list[dict[str, Any]]:
    async def main(port: int) -> list[dict[str, Any]]:
        client = asyncio.create_task(_client(port, ack=ack))
        assert await asyncio.to_thread(probe.done.wait, 10)
        _WAIT.set()
        return await client

    with serve_asgi(probe.app) as port:
        return asyncio.run(main(port))


def test_monitored_websocket_counts_an_acknowledged_event_as_delivered() -> None:
    async def send(channel: MonitoredWebSocket) -> object:
        waiter = channel.monitor.waiter(channel.connection, "evt-1")
        await channel.send_event({"type": "agent_started", "event_id": "evt-1"}, run_id="exec_a_1")
        return await asyncio.to_thread(waiter.wait, 10)

    probe = Probe(send)
    [event] = _run(probe, ack=True)
    assert event == {"type": "agent_started", "event_id": "evt-1"}
    assert probe.outcome is True
    assert probe.flow.totals["delivered"] == 1
    assert probe.flow.emitted_types("exec_a_1") == {"agent_started"}


def test_self_test_passes_when_the_client_acknowledges() -> None:
    async def selftest(channel: MonitoredWebSocket) -> object:
        return await verify_event_delivery(channel, environment=Environment.PRODUCTION)

    probe = Probe(selftest)
    [event] = _run(probe, ack=True)
    assert event["type"] == "self_test"
    assert probe.outcome is True


def test_self_test_fails_startup_in_production_when_nothing_is_acknowledged() -> None:
    async def selftest(channel: MonitoredWebSocket) -> object:
        return await verify_event_delivery(channel, environment=Environment.PRODUCTION, timeout=0.3)

    probe = Probe(selftest)
    _run(probe, ack=False)
    assert isinstance(probe.outcome, EventDeliveryError)
    assert "not acknowledged within 0.3 s" in str(probe.outcome)


def test_self_test_only_reports_in_development() -> None:
    async def selftest(channel: MonitoredWebSocket) -> object:
        return await verify_event_delivery(
            channel, environment=Environment.DEVELOPMENT, timeout=0.3
        )

    probe = Probe(selftest)
    _run(probe, ack=False)
    assert probe.outcome is False
    assert probe.flow.waiting == 0  # the failed self-test leaves no waiter behind


def test_monitored_websocket_ignores_malformed_client_messages() -> None:
    flow = EventFlowMonitor()

    class Dummy:
        pass

    channel = MonitoredWebSocket(Dummy(), flow, "c")  # type: ignore[arg-type]
    for message in (None, [], {"type": "ack"}, {"type": "ack", "event_id": 3}, {"type": "x"}):
        channel.handle(message)
    assert flow.totals["delivered"] == 0


def test_monitored_websocket_send_after_disconnect_does_not_resurrect_the_connection() -> None:
    flow = EventFlowMonitor()
    done = threading.Event()
    outcome: dict[str, object] = {}

    async def endpoint(websocket: WebSocket) -> None:
        await websocket.accept()
        channel = MonitoredWebSocket(websocket, flow, "client-1")
        await channel.receive_loop()  # returns when the client has gone
        try:
            await channel.send_event({"type": "agent_completed"}, run_id="exec_a_1")
        except Exception as exc:
            outcome["send"] = type(exc).__name__
        finally:
            done.set()

    async def client(port: int) -> None:
        async with connect(f"ws://127.0.0.1:{port}/ws") as ws:
            await ws.send(json.dumps({"type": "heartbeat"}))
        assert await asyncio.to_thread(done.wait, 10)

    app = Starlette(routes=[WebSocketRoute("/ws", endpoint)])
    with serve_asgi(app) as port:
        asyncio.run(client(port))
    assert outcome == {"send": "WebSocketDisconnect"}
    assert flow.connections() == []
    assert flow.emitted_types("exec_a_1") == {"agent_completed"}
