"""The platform's configuration schemas: one for the API backend, one for the auth service.

Both build on confwarden's schemas, so they read the same variables the same way: the JWT
secret through ``SharedJWTSecretManager``, the database URL through ``DatabaseURLBuilder``,
``SERVICE_SECRET`` through ``get_security_config()``. A service imports this package, never
another service.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from confwarden import Env
from confwarden.presets.agent_platform import AppConfig, AuthEnvironment

__all__ = ["PLATFORM_ROOT", "PlatformAuthEnvironment", "PlatformConfig"]

PLATFORM_ROOT = Path(__file__).resolve().parent.parent
"""Where the platform's ``.env`` files live."""


class PlatformConfig(AppConfig):
    """Everything the backend reads: confwarden's AppConfig plus the platform's own settings."""

    __confwarden_prefix__ = "PLATFORM_"

    platform_name: Annotated[
        str, Env("PLATFORM_NAME", group="platform", description="Name shown in the UI")
    ] = "Example Platform"
    platform_support_email: Annotated[
        str,
        Env(
            "PLATFORM_SUPPORT_EMAIL",
            group="platform",
            description="Support address in error pages",
            example="support@example.com",
        ),
    ] = "support@example.com"


class PlatformAuthEnvironment(AuthEnvironment):
    """Everything the auth service reads (the SSOT its AuthConfig wrapper delegates to)."""

    __confwarden_prefix__ = "PLATFORM_"

    platform_name: Annotated[
        str, Env("PLATFORM_NAME", group="platform", description="Name shown in the UI")
    ] = "Example Platform"
