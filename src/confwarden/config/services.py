"""Which configuration schema each service uses: a small registry ``bootstrap`` reads.

``bootstrap(service="backend")`` names a service, not a class, so every service starts the
same way (spec/000). The built-in names are ``backend`` (:class:`AppConfig` and its four
profiles) and ``auth`` (:class:`AuthEnvironment`); a platform registers its own classes
under those or other names (``register_service("backend", BackendConfig)``), or passes a
class directly.
"""

from __future__ import annotations

import threading

from confwarden.config.schema import ConfigSchema
from confwarden.errors import ConfigurationError

__all__ = ["register_service", "registered_services", "resolve_service"]

_lock = threading.Lock()
_registry: dict[str, type[ConfigSchema]] = {}


def _builtins() -> dict[str, type[ConfigSchema]]:
    from confwarden.config.auth import AuthEnvironment
    from confwarden.config.profiles import AppConfig

    return {"backend": AppConfig, "auth": AuthEnvironment}


def register_service(name: str, schema: type[ConfigSchema]) -> None:
    """Make ``bootstrap(service=name)`` use ``schema`` (and its environment profiles)."""
    with _lock:
        _registry[name] = schema


def registered_services() -> dict[str, type[ConfigSchema]]:
    """Every service name and its schema, built-ins included."""
    with _lock:
        return {**_builtins(), **_registry}


def resolve_service(service: str | type[ConfigSchema]) -> tuple[str, type[ConfigSchema]]:
    """``(name, schema base class)`` of a service name or class.

    Raises:
        ConfigurationError: the name is not registered.
    """
    if isinstance(service, type):
        return service.__name__, service
    known = registered_services()
    try:
        return service, known[service]
    except KeyError:
        raise ConfigurationError(
            f"unknown service {service!r}: known services are {', '.join(sorted(known))}. "
            "Register it with confwarden.config.register_service(name, ConfigClass)."
        ) from None
