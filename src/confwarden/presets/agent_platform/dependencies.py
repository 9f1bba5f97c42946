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

from dataclasses import replace

from confwarden.config.dependencies import BUILTIN_DEPENDENCIES, ConfigDependency, Impact

__all__ = ["PLATFORM_DEPENDENCIES"]

# Which of the platform's services (and features) need each variable of the core table; the
# core's consequence, impact and flags stay as they are.
_SERVICES: dict[str, tuple[str, ...]] = {
    "SERVICE_SECRET": ("backend",),
    "SERVICE_ID": ("backend", "auth_service"),
    "JWT_SECRET_KEY": ("auth_service", "backend_auth"),
    "SECRET_KEY": ("backend",),
    "POSTGRES_HOST": ("backend", "auth_service"),
    "POSTGRES_USER": ("backend", "auth_service"),
    "POSTGRES_PASSWORD": ("backend", "auth_service"),
    "POSTGRES_DB": ("backend", "auth_service"),
}


def _with_services(dependency: ConfigDependency) -> ConfigDependency:
    services = _SERVICES.get(dependency.variable, ())
    extra = tuple(s for s in dependency.required_by if s not in services)
    return replace(dependency, required_by=services + extra)


PLATFORM_DEPENDENCIES: tuple[ConfigDependency, ...] = (
    *(_with_services(dependency) for dependency in BUILTIN_DEPENDENCIES),
    # The platform's OAuth credentials, in both naming conventions (spec/003).
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
)
