"""The event-flow monitor: events that should have reached a client and did not.

spec/003 "WebSocket Event Monitoring Configuration": an event sent on a connection and not
confirmed within ``WEBSOCKET_EVENT_TIMEOUT`` is a *silent failure*; after
``WEBSOCKET_SILENT_FAILURE_THRESHOLD`` of them on one connection an alert is raised and logged
at CRITICAL; a connection without a heartbeat for 2 × ``WEBSOCKET_HEARTBEAT_INTERVAL`` is
unhealthy. The monitor knows nothing of WebSockets: a transport calls :meth:`sent`,
:meth:`delivered` and :meth:`heartbeat` (the Starlette adapter in
:mod:`confwarden.monitoring.asgi` does). Unconfirmed events wait in a deadline heap, so a
check costs O(expired · log n) like the execution tracker's.
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

from confwarden.monitoring._listeners import Listeners
from confwarden.monitoring._window import WindowCounts
from confwarden.monitoring.settings import MonitoringSettings, MonitoringValues

__all__ = ["ConnectionHealth", "EventFlowAlert", "EventFlowMonitor", "SilentFailure"]

logger = logging.getLogger("confwarden.monitoring.event_flow")

_MAX_RUNS = 100_000
_MAX_WAITERS = 1000  # per connection


@dataclass(frozen=True, slots=True)
class SilentFailure:
    """An event sent and never confirmed in time."""

    connection: str
    event_id: str
    event_type: str
    sent_at: float
    detected_at: float


@dataclass(frozen=True, slots=True)
class EventFlowAlert:
    """A connection reached the silent-failure threshold."""

    connection: str
    failures: int
    threshold: int
    timestamp: float

    @property
    def message(self) -> str:
        """One line for logs and alert feeds."""
        return (
            f"connection {self.connection}: {self.failures} events were not delivered within "
            f"WEBSOCKET_EVENT_TIMEOUT (threshold WEBSOCKET_SILENT_FAILURE_THRESHOLD="
            f"{self.threshold}); clients on it are not receiving updates"
        )

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "type": "event_flow_alert",
            "connection": self.connection,
            "failures": self.failures,
            "threshold": self.threshold,
            "timestamp": self.timestamp,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class ConnectionHealth:
    """One connection's counters and whether it is healthy."""

    connection: str
    sent: int
    delivered: int
    pending: int
    silent_failures: int
    last_heartbeat: float
    healthy: bool

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "connection": self.connection,
            "sent": self.sent,
            "delivered": self.delivered,
            "pending": self.pending,
            "silent_failures": self.silent_failures,
            "last_heartbeat": self.last_heartbeat,
            "healthy": self.healthy,
        }


class _Connection:
    __slots__ = ("delivered", "failures", "last_heartbeat", "pending", "sent", "waiters")

    def __init__(self, now: float) -> None:
        self.sent = 0
        self.delivered = 0
        self.failures = 0
        self.last_heartbeat = now
        self.pending: dict[str, tuple[float, str]] = {}  # event id -> (sent at, type)
        # Waiters live with their connection, so a disconnect drops them all.
        self.waiters: dict[str, threading.Event] = {}


class EventFlowMonitor:
    """Count events per connection and detect the ones never delivered.

    Only connections opened with :meth:`connect` are followed, until :meth:`disconnect`:
    a late :meth:`sent`, :meth:`delivered` or :meth:`heartbeat` for a connection that is gone
    (a result sent to a client that left) never brings it back, so it cannot linger as an
    unhealthy connection forever.

    Args:
        settings: the intervals and threshold (``MonitoringSettings()`` when None).
        clock: POSIX seconds; inject a fake one in tests.
        failure_window: how long silent failures are remembered for
            :meth:`recent_failures` (exact for any window up to it).

    Example:
        >>> clock = [0.0]
        >>> flow = EventFlowMonitor(clock=lambda: clock[0])
        >>> flow.connect("ws-1")
        >>> flow.sent("ws-1", "e1", event_type="agent_started")
        True
        >>> clock[0] += 31  # WEBSOCKET_EVENT_TIMEOUT is 30 s
        >>> [f.event_id for f in flow.check()]
        ['e1']
    """

    def __init__(
        self,
        settings: MonitoringValues | None = None,
        *,
        clock: Callable[[], float] = time.time,
        failure_window: float = 3600.0,
    ) -> None:
        self.settings: MonitoringValues = settings or MonitoringSettings()
        self._clock = clock
        self._lock = threading.Lock()
        self._connections: dict[str, _Connection] = {}
        self._heap: list[tuple[float, str, str]] = []  # (deadline, connection, event id)
        self._runs: OrderedDict[str, set[str]] = OrderedDict()
        self._listeners: Listeners[EventFlowAlert] = Listeners("event-flow alert", logger)
        self.alerts: deque[EventFlowAlert] = deque(maxlen=100)
        self._failures: WindowCounts[str] = WindowCounts(failure_window)
        self.totals: Counter[str] = Counter()

    def now(self) -> float:
        """The monitor's clock."""
        return self._clock()

    def _connection(self, connection: str, now: float) -> _Connection:
        state = self._connections.get(connection)
        if state is None:
            state = self._connections[connection] = _Connection(now)
        return state

    def connect(self, connection: str) -> None:
        """Start following ``connection`` (its heartbeat clock starts now)."""
        with self._lock:
            self._connection(connection, self._clock())

    def disconnect(self, connection: str) -> None:
        """Stop following ``connection``; its unconfirmed events are dropped, not failures,
        and so are its delivery waiters."""
        with self._lock:
            self._connections.pop(connection, None)

    def sent(
        self, connection: str, event_id: str, *, event_type: str = "", run_id: str | None = None
    ) -> bool:
        """An event was handed to the transport; it must be delivered in time.

        Returns:
            False when ``connection`` is not followed (never connected, or gone): nothing is
            expected of it. The run still counts as having emitted the event.
        """
        now = self._clock()
        with self._lock:
            if run_id is not None:
                self._runs.setdefault(run_id, set()).add(event_type)
                self._runs.move_to_end(run_id)
                while len(self._runs) > _MAX_RUNS:
                    self._runs.popitem(last=False)
            state = self._connections.get(connection)
            if state is None:
                self.totals["sent_unfollowed"] += 1
                return False
            state.sent += 1
            state.pending[event_id] = (now, event_type)
            self.totals["sent"] += 1
            heapq.heappush(
                self._heap, (now + self.settings.websocket_event_timeout, connection, event_id)
            )
            return True

    def delivered(self, connection: str, event_id: str) -> bool:
        """The client confirmed ``event_id``. False when it was not pending (late or unknown)."""
        with self._lock:
            state = self._connections.get(connection)
            if state is None or state.pending.pop(event_id, None) is None:
                return False
            state.delivered += 1
            self.totals["delivered"] += 1
            waiter = state.waiters.pop(event_id, None)
        if waiter is not None:
            waiter.set()
        return True

    def heartbeat(self, connection: str) -> None:
        """A sign of life from ``connection`` (ignored when it is not followed)."""
        now = self._clock()
        with self._lock:
            state = self._connections.get(connection)
            if state is not None:
                state.last_heartbeat = now

    def emitted_types(self, run_id: str) -> frozenset[str]:
        """The event types sent for ``run_id`` (the execution tracker's silent-failure check)."""
        with self._lock:
            return frozenset(self._runs.get(run_id, ()))

    def waiter(self, connection: str, event_id: str) -> threading.Event:
        """An event set when ``event_id`` is delivered (register it before sending).

        The monitor forgets it when the event is delivered or times out, when the connection
        goes, or on :meth:`forget_waiter`; a connection keeps at most
        ``1000`` (the oldest are dropped). On a connection not followed it is never set.
        """
        event = threading.Event()
        with self._lock:
            state = self._connections.get(connection)
            if state is not None:
                state.waiters[event_id] = event
                while len(state.waiters) > _MAX_WAITERS:
                    del state.waiters[next(iter(state.waiters))]
        return event

    def forget_waiter(self, connection: str, event_id: str) -> None:
        """Drop the waiter of ``event_id`` (its caller stopped waiting)."""
        with self._lock:
            state = self._connections.get(connection)
            if state is not None:
                state.waiters.pop(event_id, None)

    @property
    def waiting(self) -> int:
        """Delivery waiters held, every connection together."""
        with self._lock:
            return sum(len(c.waiters) for c in self._connections.values())

    def check(self) -> list[SilentFailure]:
        """Count the events not delivered in time; alert connections past the threshold."""
        now = self._clock()
        failures: list[SilentFailure] = []
        alerts: list[EventFlowAlert] = []
        threshold = self.settings.websocket_silent_failure_threshold
        with self._lock:
            while self._heap and self._heap[0][0] <= now:
                _, connection, event_id = heapq.heappop(self._heap)
                state = self._connections.get(connection)
                if state is None:
                    continue
                pending = state.pending.pop(event_id, None)
                if pending is None:
                    continue
                state.failures += 1
                self.totals["silent_failures"] += 1
                self._failures.add(now, "silent_failure")
                state.waiters.pop(event_id, None)
                failures.append(SilentFailure(connection, event_id, pending[1], pending[0], now))
                if state.failures % threshold == 0:
                    alerts.append(EventFlowAlert(connection, state.failures, threshold, now))
            self.alerts.extend(alerts)
        for alert in alerts:
            logger.critical("silent failures: %s", alert.message)
            self._listeners.call(alert)
        return failures

    def add_alert_callback(self, callback: Callable[[EventFlowAlert], None]) -> None:
        """Call ``callback(alert)`` whenever a connection reaches the threshold."""
        self._listeners.add(callback)

    @property
    def callback_errors(self) -> int:
        """Alert callbacks that raised (logged by exception type, never raised)."""
        return self._listeners.errors

    def connections(self) -> list[ConnectionHealth]:
        """Every followed connection with its counters; unhealthy after 2 × the heartbeat
        interval without a heartbeat."""
        now = self._clock()
        limit = 2 * self.settings.websocket_heartbeat_interval
        with self._lock:
            return [
                ConnectionHealth(
                    name,
                    c.sent,
                    c.delivered,
                    len(c.pending),
                    c.failures,
                    c.last_heartbeat,
                    now - c.last_heartbeat <= limit,
                )
                for name, c in self._connections.items()
            ]

    def unhealthy_connections(self) -> list[str]:
        """Names of the connections without a recent heartbeat."""
        return [c.connection for c in self.connections() if not c.healthy]

    def recent_failures(self, window: float) -> int:
        """Silent failures detected in the last ``window`` seconds: exact at any rate for a
        window up to ``failure_window`` (memory stays bounded, see
        :mod:`confwarden.monitoring._window`)."""
        since = self._clock() - window
        with self._lock:
            return sum(self._failures.since(since).values())

    def __repr__(self) -> str:
        return f"<EventFlowMonitor connections={len(self._connections)}>"
