"""The auth service's configuration: AuthServiceEnvironment (SSOT) and the AuthConfig wrapper."""

from __future__ import annotations

from shared.config import PlatformAuthEnvironment

from confwarden.presets.agent_platform import AuthConfig

__all__ = ["AuthConfig", "AuthServiceEnvironment"]


class AuthServiceEnvironment(PlatformAuthEnvironment):
    """All auth service configuration (spec/003 "SSOT Delegation Pattern")."""

    port: int = 8081
