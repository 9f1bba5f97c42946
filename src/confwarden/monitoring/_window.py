"""Counts over a sliding time window that stay exact at any rate, in bounded memory.

The health report asks "how many executions died (events were lost) in the last five
minutes?". A log of one entry per occurrence capped at N entries undercounts as soon as more
than N happen in the window, which is exactly when the answer matters (10,000 executions
dying together). Here occurrences are counted per instant: everything detected by one check
shares its timestamp, so a check that declares 10,000 executions dead adds one slot. Slots
older than the horizon are dropped. When more than ``max_slots`` distinct instants fall in
the horizon, the two oldest slots are merged into the later one: no occurrence is lost, an
old one may only be counted a little past the end of the window.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["WindowCounts"]

K = TypeVar("K", bound=Hashable)


class WindowCounts(Generic[K]):
    """Occurrences per key over the last ``horizon`` seconds (not thread-safe: the owner
    holds its lock).

    Example:
        >>> counts = WindowCounts[str](horizon=300)
        >>> counts.add(10.0, "timeout"); counts.add(10.0, "timeout")
        >>> counts.since(0.0)
        Counter({'timeout': 2})
    """

    def __init__(self, horizon: float, *, max_slots: int = 10_000) -> None:
        self.horizon = horizon
        self.max_slots = max_slots
        self._slots: deque[tuple[float, Counter[K]]] = deque()

    def add(self, now: float, key: K, n: int = 1) -> None:
        """Count ``n`` occurrences of ``key`` at ``now`` (times never go backwards here: an
        earlier time is counted in the latest slot)."""
        slots = self._slots
        if slots and now <= slots[-1][0]:
            slots[-1][1][key] += n
        else:
            slots.append((now, Counter({key: n})))
            self._prune(now)
            if len(slots) > self.max_slots:
                _, oldest = slots.popleft()
                slots[0][1].update(oldest)

    def since(self, since: float) -> Counter[K]:
        """Occurrences after ``since`` (exclusive), by key."""
        total: Counter[K] = Counter()
        for when, counts in reversed(self._slots):
            if when <= since:
                break
            total.update(counts)
        return total

    def _prune(self, now: float) -> None:
        oldest = now - self.horizon
        while self._slots and self._slots[0][0] <= oldest:
            self._slots.popleft()

    def __len__(self) -> int:
        return len(self._slots)
