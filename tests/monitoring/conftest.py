"""A fake clock and small settings for the monitoring tests (nothing here sleeps)."""

from __future__ import annotations

import pytest
from tests.clock import FakeClock

from confwarden.monitoring import MonitoringSettings


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings() -> MonitoringSettings:
    """The spec's defaults."""
    return MonitoringSettings()
