"""The four environment profiles of the preset's :class:`AppConfig` (DESIGN.md's table).

Each profile changes defaults only; the rules of its column (validation mode, fallbacks,
cache, localhost and secret-length severities) live in
:mod:`confwarden.environment.policy` and are reached through ``config.policy``. A profile is
found from its base with ``AppConfig.for_environment(environment)``, so a service's own
base class (``BackendConfig(AppConfig)``) gets the same lookup for its own profiles.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from confwarden.environment.detection import Environment
from confwarden.presets.agent_platform.app import AppConfig, LogLevel, SecurityConfig

__all__ = [
    "AppConfig",
    "DevelopmentConfig",
    "ProductionConfig",
    "SecurityConfig",
    "StagingConfig",
    "TestingConfig",
    "profile_for",
]


class DevelopmentConfig(AppConfig):
    """Development: debug on, verbose logs; generated fallbacks fill missing secrets (WARN)."""

    ENVIRONMENT: ClassVar[Environment | None] = Environment.DEVELOPMENT
    environment: Environment = Environment.DEVELOPMENT
    debug: bool = True
    log_level: LogLevel = "DEBUG"


class TestingConfig(AppConfig):
    """Testing: built-in test defaults (OAuth test credentials, in-memory DB); 30 s cache (WARN)."""

    ENVIRONMENT: ClassVar[Environment | None] = Environment.TESTING
    __test__: ClassVar[bool] = False  # a config class, not a pytest test class
    environment: Environment = Environment.TESTING
    debug: bool = False
    log_level: LogLevel = "INFO"
    # The in-memory database is a test default, not a schema default: served only under a
    # test runner, so ENVIRONMENT=testing copied into a deployment keeps its real database
    # (or fails for want of one) instead of silently writing to SQLite in memory.
    TEST_DEFAULTS: ClassVar[Mapping[str, str]] = {
        **AppConfig.TEST_DEFAULTS,
        "USE_MEMORY_DB": "true",
    }
    jwt_access_token_expire_minutes: int = 5


class StagingConfig(AppConfig):
    """Staging: production-like; no fallbacks, no localhost, database TLS (ENFORCE_CRITICAL)."""

    ENVIRONMENT: ClassVar[Environment | None] = Environment.STAGING
    environment: Environment = Environment.STAGING
    debug: bool = False
    log_level: LogLevel = "INFO"
    postgres_sslmode: str | None = "require"
    prometheus_enabled: bool = True


class ProductionConfig(AppConfig):
    """Production: strict; every problem stops startup (ENFORCE_ALL)."""

    ENVIRONMENT: ClassVar[Environment | None] = Environment.PRODUCTION
    environment: Environment = Environment.PRODUCTION
    debug: bool = False
    log_level: LogLevel = "WARNING"
    postgres_sslmode: str | None = "require"
    prometheus_enabled: bool = True
    enable_analytics: bool = True


def profile_for(environment: Environment) -> type[AppConfig]:
    """The :class:`AppConfig` profile of ``environment``.

    Example:
        >>> profile_for(Environment.PRODUCTION).__name__
        'ProductionConfig'
    """
    profile = AppConfig.for_environment(environment)
    assert issubclass(profile, AppConfig)
    return profile
