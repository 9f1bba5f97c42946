"""The event bus: monitoring events fanned out to live subscribers, with a backlog.

Deaths are detected in a checker thread, alerts in the health thread, and the subscribers
(WebSocket clients of the server) live on an asyncio loop. :meth:`EventBus.publish` is
callable from any thread and never blocks: each subscriber has a bounded queue, and a
subscriber whose queue is full and stays behind (its oldest unread event is older than
``max_lag``: a client that does not read) is dropped with a counted reason instead of
slowing the publisher or the other subscribers. A burst longer than the queue does not drop
the clients that are reading it: a full queue may grow, up to a hard cap, for ``max_lag``.
A new subscriber first receives the backlog (the last events), so a dashboard opened after a
death still shows it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import Counter, deque
from typing import Any

__all__ = ["EventBus", "Subscription"]

SLOW_CONSUMER = "slow_consumer"
# However young its backlog, a queue never holds more than this (memory stays bounded).
_HARD_CAP = 10_000


class Subscription:
    """One subscriber's queue; read it with ``await subscription.get()`` on its loop."""

    def __init__(
        self, loop: asyncio.AbstractEventLoop, max_queue: int, max_lag: float = 1.0
    ) -> None:
        self._loop = loop
        self._max = max_queue
        self._cap = max(max_queue, _HARD_CAP)
        self._max_lag = max_lag
        self._queue: deque[tuple[float, dict[str, Any]]] = deque()
        self._ready = asyncio.Event()
        self._closed = asyncio.Event()
        self.closed_reason: str | None = None

    def _offer(self, event: dict[str, Any], now: float) -> bool:
        queued = len(self._queue)
        if queued >= self._max and (queued >= self._cap or now - self._queue[0][0] > self._max_lag):
            return False
        self._queue.append((now, event))
        self._wake()
        return True

    def _wake(self) -> None:
        # A closed loop (the subscriber is gone) has nothing to wake.
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(self._ready.set)

    def _close(self, reason: str) -> None:
        self.closed_reason = reason
        self._wake()
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(self._closed.set)

    async def wait_closed(self) -> str:
        """Return the reason once the subscription is closed (dropped or unsubscribed)."""
        await self._closed.wait()
        return self.closed_reason or "closed"

    async def get(self) -> dict[str, Any] | None:
        """The next event, or None once the subscription was closed (see ``closed_reason``)."""
        while True:
            if self.closed_reason is not None:
                return None
            if self._queue:
                return self._queue.popleft()[1]
            self._ready.clear()
            if self._queue or self.closed_reason is not None:
                continue
            await self._ready.wait()

    @property
    def pending(self) -> int:
        """Events queued and not read yet."""
        return len(self._queue)


class EventBus:
    """Publish JSON-ready events to every subscriber; never blocks the publisher.

    Args:
        backlog: how many recent events a new subscriber receives first.
        max_queue: how many unread events a subscriber may have before it may be dropped.
        max_lag: seconds a subscriber with a full queue may stay behind (a burst) before
            it is dropped as slow.

    Example:
        >>> bus = EventBus(backlog=10)
        >>> bus.publish({"type": "health_change", "status": "UP"})
        >>> [e["type"] for e in bus.backlog]
        ['health_change']
    """

    def __init__(self, *, backlog: int = 200, max_queue: int = 1000, max_lag: float = 1.0) -> None:
        self.backlog: deque[dict[str, Any]] = deque(maxlen=backlog)
        self.max_queue = max_queue
        self.max_lag = max_lag
        self._lock = threading.Lock()
        self._subscribers: list[Subscription] = []
        self.published = 0
        self.dropped: Counter[str] = Counter()

    def publish(self, event: dict[str, Any]) -> None:
        """Send ``event`` (already masked and JSON-ready) to every subscriber, from any thread."""
        now = time.monotonic()
        with self._lock:
            self.published += 1
            self.backlog.append(event)
            slow = [s for s in self._subscribers if not s._offer(event, now)]
            for subscriber in slow:
                self._drop(subscriber, SLOW_CONSUMER)

    def subscribe(self, *, with_backlog: bool = True) -> Subscription:
        """A subscription on the running loop (call from a coroutine)."""
        subscription = Subscription(asyncio.get_running_loop(), self.max_queue, self.max_lag)
        now = time.monotonic()
        with self._lock:
            if with_backlog:
                for event in list(self.backlog)[-self.max_queue :]:
                    subscription._offer(event, now)
            self._subscribers.append(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription, reason: str = "closed") -> None:
        """Stop delivering to ``subscription`` (idempotent)."""
        with self._lock:
            if subscription in self._subscribers:
                self._subscribers.remove(subscription)
                subscription._close(reason)

    def _drop(self, subscription: Subscription, reason: str) -> None:
        self._subscribers.remove(subscription)
        self.dropped[reason] += 1
        subscription._close(reason)

    @property
    def subscriber_count(self) -> int:
        """Live subscribers."""
        return len(self._subscribers)

    def __repr__(self) -> str:
        return f"<EventBus subscribers={len(self._subscribers)} published={self.published}>"
