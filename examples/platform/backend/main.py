"""The backend's entry point: one bootstrap() call, then typed configuration only."""

from __future__ import annotations

import logging
from typing import Any

from shared.config import PLATFORM_ROOT

from backend.config import BackendConfig
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.startup import bootstrap


def start(env: IsolatedEnvironment | None = None) -> BackendConfig:
    """Start the backend: detect, load .env where allowed, validate, fail fast."""
    config = bootstrap(BackendConfig, env=env, root=PLATFORM_ROOT)
    assert isinstance(config, BackendConfig)
    return config


def describe(config: BackendConfig) -> dict[str, Any]:
    """What the backend would log at startup: nothing secret, fingerprints only."""
    return {
        "service": "backend",
        "environment": config.environment.value,
        "workers": config.worker_count,
        "database": str(config.database_url),
        "jwt_fingerprint": config.jwt_fingerprint(),
        "service_id": config.get_security_config().service_id,
    }


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    print(describe(start()))
