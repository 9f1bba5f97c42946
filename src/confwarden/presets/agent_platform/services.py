"""The spec platform's two services, registered only when a project asks for them.

``bootstrap(service="backend")`` in the spec platform names a service, not a class. The core
registry starts empty (a project names its services in ``[tool.confwarden.configs]``); a
project built on this preset calls :func:`register_services` once at startup, or names the
preset's classes in its ``pyproject.toml`` like any other schema::

    [tool.confwarden.configs]
    backend = "confwarden.presets.agent_platform:AppConfig"
    auth = "confwarden.presets.agent_platform:AuthEnvironment"
"""

from __future__ import annotations

from confwarden.config.schema import ConfigSchema
from confwarden.config.services import register_service
from confwarden.presets.agent_platform.auth import AuthEnvironment
from confwarden.presets.agent_platform.profiles import AppConfig

__all__ = ["SERVICES", "register_services"]

SERVICES: dict[str, type[ConfigSchema]] = {"backend": AppConfig, "auth": AuthEnvironment}


def register_services() -> None:
    """Register ``backend`` (:class:`AppConfig`) and ``auth`` (:class:`AuthEnvironment`).

    Example:
        >>> from confwarden.config.services import resolve_service
        >>> register_services()
        >>> resolve_service("backend")[1].__name__
        'AppConfig'
    """
    for name, schema in SERVICES.items():
        register_service(name, schema)
