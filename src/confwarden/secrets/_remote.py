"""What every remote source shares: its up/down record and the thread that polls for changes.

A remote store can go down while the service runs. Nothing in the running configuration
changes then; :class:`RemoteStatus` records it for health checks, and the next successful
request (a load, a watch poll) marks the source up again without anyone's help.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from confwarden.secrets.base import SourceStatus

__all__ = ["Poller", "RemoteStatus"]


class RemoteStatus:
    """Thread-safe up/down record of one source (the ``detail`` never holds a secret)."""

    def __init__(self, name: str, *, wall_clock: Callable[[], float] = time.time) -> None:
        self._name = name
        self._clock = wall_clock
        self._lock = threading.Lock()
        self._state = SourceStatus(name, True, "not contacted yet", None)

    def up(self) -> None:
        """The store answered (a "not found" answer counts)."""
        with self._lock:
            self._state = SourceStatus(self._name, True, "answering", self._clock())

    def down(self, detail: str) -> None:
        """The store did not answer; ``detail`` says why."""
        with self._lock:
            self._state = SourceStatus(self._name, False, detail, self._state.last_ok)

    def snapshot(self) -> SourceStatus:
        """The current record."""
        with self._lock:
            return self._state


class Poller:
    """Runs ``check()`` every ``interval`` seconds on a daemon thread until :meth:`close`.

    ``check`` must not raise for an unreachable store (it records it instead); anything it
    does raise is swallowed so that one bad poll never ends the watch.
    """

    def __init__(self, check: Callable[[], None], interval: float, *, name: str) -> None:
        self._check = check
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._check()
            except Exception:
                continue

    def close(self) -> None:
        """Stop polling and wait for the thread (idempotent)."""
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=10)
