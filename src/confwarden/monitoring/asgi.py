"""A Starlette (ASGI) WebSocket wired to the event-flow monitor, and the startup self-test.

The monitor is transport-agnostic; this adapter is the one transport shipped: every event sent
through :meth:`MonitoredWebSocket.send_event` gets an ``event_id`` and is counted as sent; the
client confirms it with ``{"type": "ack", "event_id": ...}`` and shows it is alive with
``{"type": "heartbeat"}``. Starlette is imported only by the code that uses a WebSocket (it
comes with ``pip install 'confwarden[server]'``).

:func:`verify_event_delivery` is spec/003's "Startup Verification": send one event end to end
and refuse to start in staging or production when it does not arrive.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from typing import TYPE_CHECKING, Any, Protocol

from confwarden.environment.detection import Environment
from confwarden.errors import ConfwardenError
from confwarden.monitoring.event_flow import EventFlowMonitor

if TYPE_CHECKING:
    from starlette.websockets import WebSocket

__all__ = ["EventChannel", "EventDeliveryError", "MonitoredWebSocket", "verify_event_delivery"]

logger = logging.getLogger("confwarden.monitoring.event_flow")


class EventDeliveryError(ConfwardenError):
    """The startup self-test event was not delivered."""


class EventChannel(Protocol):
    """Something that sends events on a named connection of a monitor."""

    connection: str
    monitor: EventFlowMonitor

    async def send_event(self, event: dict[str, Any], *, run_id: str | None = None) -> str:
        """Send ``event``; returns its ``event_id``."""
        ...


class MonitoredWebSocket:
    """Send events on a Starlette WebSocket and feed acks and heartbeats to the monitor.

    Args:
        websocket: an accepted Starlette WebSocket.
        monitor: the event-flow monitor.
        connection: the connection's name in the monitor (a random one by default).

    Example (inside a Starlette WebSocket endpoint)::

        channel = MonitoredWebSocket(websocket, flow)
        await websocket.accept()
        receiving = asyncio.create_task(channel.receive_loop())
        await channel.send_event({"type": "agent_started", "run_id": run_id}, run_id=run_id)
    """

    def __init__(
        self, websocket: WebSocket, monitor: EventFlowMonitor, connection: str | None = None
    ) -> None:
        self.websocket = websocket
        self.monitor = monitor
        self.connection = connection or f"ws-{secrets.token_hex(4)}"
        monitor.connect(self.connection)

    async def send_event(self, event: dict[str, Any], *, run_id: str | None = None) -> str:
        """Send ``event`` as JSON with an ``event_id`` (kept when the event has one).

        Raises:
            starlette.websockets.WebSocketDisconnect: the client is gone; the monitor stops
                following the connection (an event for a gone client is no silent failure).
        """
        from starlette.websockets import WebSocketDisconnect

        event_id = str(event.get("event_id") or secrets.token_hex(8))
        # Encoded first: an event that cannot be encoded was never sent, so never pending.
        text = json.dumps({**event, "event_id": event_id}, separators=(",", ":"))
        # Counted before sending: the client's ack may arrive before send_text returns.
        self.monitor.sent(
            self.connection, event_id, event_type=str(event.get("type", "")), run_id=run_id
        )
        try:
            await self.websocket.send_text(text)
        except WebSocketDisconnect:
            self.monitor.disconnect(self.connection)
            raise
        return event_id

    def handle(self, message: Any) -> None:
        """Apply one client message (``ack`` or ``heartbeat``); anything else is ignored."""
        if not isinstance(message, dict):
            return
        kind = message.get("type")
        if kind == "ack" and isinstance(message.get("event_id"), str):
            self.monitor.delivered(self.connection, message["event_id"])
            self.monitor.heartbeat(self.connection)
        elif kind == "heartbeat":
            self.monitor.heartbeat(self.connection)

    async def receive_loop(self) -> None:
        """Read client messages until the client goes away, then stop following it."""
        from starlette.websockets import WebSocketDisconnect

        try:
            while True:
                text = await self.websocket.receive_text()
                try:
                    self.handle(json.loads(text))
                except ValueError:
                    continue
        except WebSocketDisconnect:
            pass
        finally:
            self.monitor.disconnect(self.connection)


async def verify_event_delivery(
    channel: EventChannel,
    *,
    environment: Environment,
    timeout: float = 5.0,
) -> bool:
    """Send one ``self_test`` event through ``channel`` and wait for its acknowledgement.

    Returns:
        True when it was delivered in time; False (logged at CRITICAL) in development and
        testing when it was not.

    Raises:
        EventDeliveryError: not delivered in ``timeout`` seconds in staging or production
            (the service must not start: its users would never see a result).
    """
    event_id = f"selftest-{secrets.token_hex(6)}"
    monitor = channel.monitor
    waiter = monitor.waiter(channel.connection, event_id)
    try:
        await channel.send_event({"type": "self_test", "event_id": event_id})
        delivered = await asyncio.to_thread(waiter.wait, timeout)
    finally:
        monitor.forget_waiter(channel.connection, event_id)
    if delivered:
        return True
    message = (
        f"startup self-test: the event sent on {channel.connection} was not acknowledged within "
        f"{timeout:g} s; clients would not receive events. Check the WebSocket route, proxies "
        "between client and service, and that the client sends acks."
    )
    logger.critical("%s", message)
    if environment in (Environment.STAGING, Environment.PRODUCTION):
        raise EventDeliveryError(message)
    return False
