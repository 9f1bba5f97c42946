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
        # (time, counts) per distinct instant; plain dicts: adding runs in every death.
        self._slots: deque[tuple[float, dict[K, int]]] = deque()

    def add(self, now: float, key: K, n: int = 1) -> None:
        """Count ``n`` occurrences of ``key`` at ``now`` (times never go backwards here: an
        earlier time is counted in the latest slot)."""
        slots = self._slots
        if slots and now <= slots[-1][0]:
            counts = slots[-1][1]
            counts[key] = counts.get(key, 0) + n
            return
        slots.append((now, {key: n}))
        oldest = now - self.horizon
        while slots and slots[0][0] <= oldest:
            slots.popleft()
        if len(slots) > self.max_slots:
            _, merged = slots.popleft()
            into = slots[0][1]
            for k, count in merged.items():
                into[k] = into.get(k, 0) + count

    def since(self, since: float) -> Counter[K]:
        """Occurrences after ``since`` (exclusive), by key."""
        total: Counter[K] = Counter()
        for when, counts in reversed(self._slots):
            if when <= since:
                break
            total.update(counts)
        return total

    def __len__(self) -> int:
        return len(self._slots)
