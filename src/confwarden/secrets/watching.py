"""Polling watches: notice that files changed by comparing a cheap fingerprint at an interval.

Mounted secrets change by Kubernetes' atomic writer: it writes a new timestamped directory,
then renames a ``..data_tmp`` symlink over ``..data``. Polling a fingerprint (the target of
``..data`` plus ``stat`` of each file) catches that and every other way a file can change,
on every platform, for a few system calls per interval. inotify is not used because it is
Linux-only, not in the standard library, misses changes made through another mount namespace
or bind mount (the kubelet writes the volume from outside the container), and watches inodes
that the symlink swap replaces, so a watch must be re-armed after every update anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable

from confwarden.secrets._remote import Poller

__all__ = ["PollingWatch"]

logger = logging.getLogger("confwarden.secrets")


class PollingWatch:
    """Call ``on_change(frozenset())`` whenever ``fingerprint()`` returns something new.

    Args:
        name: names the thread (the source's name).
        fingerprint: a cheap function of the watched state; must not raise for a missing
            file (return a value that says so).
        on_change: called from the polling thread ("unknown: re-read everything").
        interval: seconds between two fingerprints.

    Example:
        >>> state = {"n": 0}
        >>> watch = PollingWatch("doc", lambda: state["n"], lambda changed: None, 0.01)
        >>> watch.close()
    """

    def __init__(
        self,
        name: str,
        fingerprint: Callable[[], Hashable],
        on_change: Callable[[frozenset[str]], None],
        interval: float,
    ) -> None:
        self._fingerprint = fingerprint
        self._on_change = on_change
        self._last = fingerprint()
        self._poller = Poller(self._check, interval, name=f"confwarden-poll {name}")

    def _check(self) -> None:
        try:
            current = self._fingerprint()
        except Exception as exc:  # never let the watch die; report and keep polling
            logger.warning("fingerprint failed: %s", type(exc).__name__)
            return
        if current != self._last:
            self._last = current
            try:
                self._on_change(frozenset())
            except Exception as exc:
                logger.warning("change listener failed: %s", type(exc).__name__)

    def close(self) -> None:
        """Stop polling and wait for the thread (idempotent)."""
        self._poller.close()
