"""The spec platform's dependency map: which of its services need each critical variable.

spec/003 "ConfigDependencyMap" names the backend, the auth service and their features. The
core map knows generic features only (inter-service auth, tokens, the database); this table
adds the platform's services and its OAuth credentials in both naming conventions.

Example:
    >>> from confwarden.config.dependencies import ConfigDependencyMap
    >>> deps = ConfigDependencyMap(PLATFORM_DEPENDENCIES)
    >>> "auth_service" in deps.get("POSTGRES_PASSWORD").required_by
    True
"""

from __future__ import annotations

from confwarden.config.dependencies import ConfigDependency, Impact

__all__ = ["PLATFORM_DEPENDENCIES"]

_DB = ("backend", "auth_service", "session_store", "state_persistence")
PLATFORM_DEPENDENCIES: tuple[ConfigDependency, ...] = (
    ConfigDependency(
        "SERVICE_SECRET",
        ("backend", "inter_service_auth", "circuit_breaker"),
        "Complete inter-service auth failure: the circuit breaker stays open and every user "
        "is locked out",
        Impact.ULTRA_CRITICAL,
        sensitive=True,
    ),
    ConfigDependency(
        "SERVICE_ID",
        ("backend", "auth_service", "inter_service_auth"),
        "Services cannot identify each other; inter-service calls are refused",
        Impact.HIGH,
    ),
    ConfigDependency(
        "JWT_SECRET_KEY",
        ("auth_service", "backend_auth", "token_validation"),
        "All authentication fails: tokens cannot be signed or verified",
        Impact.CRITICAL,
        sensitive=True,
        alternatives=("JWT_SECRET_{ENVIRONMENT}", "JWT_SECRET"),
    ),
    ConfigDependency(
        "SECRET_KEY",
        ("backend", "sessions", "csrf_protection"),
        "Sessions and CSRF tokens cannot be signed; every user is logged out",
        Impact.CRITICAL,
        sensitive=True,
    ),
    ConfigDependency(
        "POSTGRES_HOST",
        _DB,
        "No database server to connect to: complete backend failure with no data access",
        Impact.CRITICAL,
        fallback_allowed=True,
    ),
    ConfigDependency(
        "POSTGRES_USER",
        _DB,
        "Database login fails: complete backend failure with no data access",
        Impact.CRITICAL,
        fallback_allowed=True,
    ),
    ConfigDependency(
        "POSTGRES_PASSWORD",
        _DB,
        "Database login fails: complete backend failure with no data access",
        Impact.CRITICAL,
        sensitive=True,
    ),
    ConfigDependency(
        "POSTGRES_DB",
        _DB,
        "Connects to the wrong (default) database or none: no data access",
        Impact.CRITICAL,
        fallback_allowed=True,
    ),
    ConfigDependency(
        "GOOGLE_OAUTH_CLIENT_ID_{ENVIRONMENT}",
        ("auth_service", "oauth_login"),
        "Google login fails in the auth service",
        Impact.HIGH,
        fallback_allowed=True,
        alternatives=("GOOGLE_CLIENT_ID",),
    ),
    ConfigDependency(
        "GOOGLE_OAUTH_CLIENT_SECRET_{ENVIRONMENT}",
        ("auth_service", "oauth_login"),
        "Google login fails in the auth service",
        Impact.HIGH,
        fallback_allowed=True,
        sensitive=True,
        alternatives=("GOOGLE_CLIENT_SECRET",),
    ),
    ConfigDependency(
        "GOOGLE_CLIENT_ID",
        ("backend", "oauth_login"),
        "Google login fails in the backend",
        Impact.HIGH,
        fallback_allowed=True,
        alternatives=("GOOGLE_OAUTH_CLIENT_ID_{ENVIRONMENT}",),
    ),
    ConfigDependency(
        "GOOGLE_CLIENT_SECRET",
        ("backend", "oauth_login"),
        "Google login fails in the backend",
        Impact.HIGH,
        fallback_allowed=True,
        sensitive=True,
        alternatives=("GOOGLE_OAUTH_CLIENT_SECRET_{ENVIRONMENT}",),
    ),
    ConfigDependency(
        "ENVIRONMENT",
        ("every service",),
        "Detection falls back to development rules (or fails on a cloud deployment): "
        "fallbacks and .env loading may switch on",
        Impact.CRITICAL,
    ),
    ConfigDependency(
        "DATABASE_URL",
        (),
        "None: DatabaseURLBuilder builds the URL from POSTGRES_* components and never "
        "reads DATABASE_URL",
        Impact.NONE,
        validation_required=False,
        restart_required=False,
        sensitive=True,
    ),
)
