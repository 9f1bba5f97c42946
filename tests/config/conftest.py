"""Shared helpers for the configuration tests: a canary secret and environments built from dicts."""

from __future__ import annotations

from collections.abc import Generator

import pytest
from tests.servers.etcd import lone_etcd  # noqa: F401
from tests.servers.gcp_secret_manager import gcp_secret_manager  # noqa: F401

from confwarden.config.manager import reset_unified_config

CANARY = "CANARY-5f0e1d-0123456789abcdef0123456789abcdef"


@pytest.fixture(autouse=True)
def _fresh_unified_config() -> Generator[None]:
    reset_unified_config()
    yield
    reset_unified_config()
