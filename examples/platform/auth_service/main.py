"""The auth service's entry point: one bootstrap() call, then the AuthConfig accessors."""

from __future__ import annotations

import logging
from typing import Any

from shared.config import PLATFORM_ROOT

from auth_service.config import AuthConfig, AuthServiceEnvironment
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.startup import bootstrap


def start(env: IsolatedEnvironment | None = None) -> AuthConfig:
    """Start the auth service: detect, load .env where allowed, validate, fail fast."""
    environment = bootstrap(AuthServiceEnvironment, env=env, root=PLATFORM_ROOT)
    assert isinstance(environment, AuthServiceEnvironment)
    return AuthConfig(environment)


def describe(config: AuthConfig) -> dict[str, Any]:
    """What the auth service would log at startup: nothing secret, fingerprints only."""
    return {
        "service": "auth",
        "environment": config.environment.value,
        "oauth_redirect_uri": config.oauth_redirect_uri,
        "database": str(config.database_url),
        "jwt_fingerprint": config.jwt_fingerprint(),
    }


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    print(describe(start()))
