"""A fake clock and small settings for the monitoring tests (nothing here sleeps)."""

from __future__ import annotations

import pytest

from confwarden.monitoring import MonitoringSettings


class FakeClock:
    """POSIX seconds that move only when a test says so."""

    def __init__(self, start: float = 1_736_454_600.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings() -> MonitoringSettings:
    """The spec's defaults."""
    return MonitoringSettings()
