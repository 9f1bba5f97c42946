"""The callbacks a monitor tells about its events (deaths, alerts), and what a failing one costs.

Every monitor of this package calls back into code it does not own: the hub, a user's
pager hook. A callback must never take the monitor down or leak what it touched, so each
one runs outside the monitor's lock, in the thread that saw the event, and a failure is
counted and logged by its exception type only (the text may quote a secret).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Listeners"]

T = TypeVar("T")


class Listeners(Generic[T]):
    """A thread-safe list of ``callback(event)`` functions.

    Args:
        what: names the callbacks in the log line of a failure (``"death"``).
        logger: the monitor's logger.

    Example:
        >>> seen: list[int] = []
        >>> listeners: Listeners[int] = Listeners("test", logging.getLogger("demo"))
        >>> listeners.add(seen.append)
        >>> listeners.call(7)
        >>> seen, listeners.errors
        ([7], 0)
    """

    def __init__(self, what: str, logger: logging.Logger) -> None:
        self._what = what
        self._logger = logger
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[T], object]] = []
        self.errors = 0  # failed calls so far

    def add(self, callback: Callable[[T], object]) -> None:
        """Call ``callback(event)`` for every later event."""
        with self._lock:
            self._callbacks.append(callback)

    def remove(self, callback: Callable[[T], object]) -> None:
        """Stop calling ``callback``; an unknown one is ignored."""
        with self._lock:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

    def call(self, event: T) -> None:
        """Pass ``event`` to every callback; a failing one is counted and logged, never raised."""
        with self._lock:
            callbacks = tuple(self._callbacks)
        for callback in callbacks:
            try:
                callback(event)
            except Exception as exc:
                with self._lock:
                    self.errors += 1
                self._logger.warning(
                    "%s callback %s failed: %s",
                    self._what,
                    getattr(callback, "__qualname__", type(callback).__name__),
                    type(exc).__name__,
                )
