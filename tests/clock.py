"""A clock the tests pass in (monotonic or POSIX seconds) that moves only when a test says so.

Sources, the monitoring hub and the server all take a ``clock`` callable; one fake serves
them all, so that no test sleeps to let time pass.
"""

from __future__ import annotations

__all__ = ["FakeClock"]


class FakeClock:
    """Seconds that move only by :meth:`advance` (or by setting :attr:`now`).

    Example:
        >>> clock = FakeClock()
        >>> clock.advance(5)
        >>> clock() - 1_736_454_600.0
        5.0
    """

    def __init__(self, start: float = 1_736_454_600.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
