"""Which configuration schema each service uses: a small registry ``bootstrap`` reads.

``bootstrap(service="shop")`` names a service, not a class, so every service starts the
same way (spec/000). The core knows no service: a project names its schemas in
``pyproject.toml`` (the usual way, read by the command line too)::

    [tool.confwarden.configs]
    shop = "shop.config:ShopConfig"

or registers them in code (``register_service("shop", ShopConfig)``), or passes a class
directly. A preset registers its platform's services only when asked
(``confwarden.presets.agent_platform.register_services()``).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from confwarden.config.schema import ConfigSchema
from confwarden.errors import ProjectError
from confwarden.project import find_project, load_schema, read_table, require_project

__all__ = [
    "configs_from_pyproject",
    "confwarden_settings",
    "find_service",
    "load_schema_reference",
    "register_service",
    "registered_services",
    "resolve_service",
    "unregister_service",
]

_lock = threading.Lock()
_registry: dict[str, type[ConfigSchema]] = {}


def register_service(name: str, schema: type[ConfigSchema]) -> None:
    """Make ``bootstrap(service=name)`` use ``schema`` (and its environment profiles).

    Example:
        >>> from confwarden.config.schema import ConfigSchema
        >>> class ShopConfig(ConfigSchema):
        ...     page_size: int = 50
        >>> register_service("shop-doc", ShopConfig)
        >>> resolve_service("shop-doc")[1] is ShopConfig
        True
        >>> unregister_service("shop-doc")
    """
    with _lock:
        _registry[name] = schema


def unregister_service(name: str) -> None:
    """Forget the service ``name`` registered in code (no error when it is unknown)."""
    with _lock:
        _registry.pop(name, None)


def registered_services() -> dict[str, type[ConfigSchema]]:
    """Every service name registered in code and its schema."""
    with _lock:
        return dict(_registry)


def resolve_service(service: str | type[ConfigSchema]) -> tuple[str, type[ConfigSchema]]:
    """``(name, schema base class)`` of a class or of a name registered in code.

    Raises:
        ProjectError: the name is not registered.
    """
    if isinstance(service, type):
        return service.__name__, service
    known = registered_services()
    try:
        return service, known[service]
    except KeyError:
        listed = ", ".join(sorted(known)) or "none registered"
        raise ProjectError(
            f"unknown service {service!r} (known services: {listed}). Name its schema in "
            '[tool.confwarden.configs] of pyproject.toml (service = "package.module:Class") '
            "or register it with confwarden.config.register_service(name, ConfigClass)."
        ) from None


def load_schema_reference(
    reference: str, root: str | os.PathLike[str] | None = None
) -> type[ConfigSchema]:
    """Import ``"package.module:Class"`` (from the project tree at ``root``, else the cwd).

    Raises:
        ProjectError: the reference is malformed, cannot be imported, or is not a
            configuration schema class.
    """
    return load_schema(reference, Path.cwd() if root is None else root)


def confwarden_settings(root: str | os.PathLike[str] = ".") -> dict[str, Any]:
    """The ``[tool.confwarden]`` table of ``root/pyproject.toml`` itself (empty when absent).

    Raises:
        ProjectError: the file cannot be read or parsed.
    """
    return read_table(Path(root) / "pyproject.toml") or {}


def configs_from_pyproject(root: str | os.PathLike[str] = ".") -> dict[str, str]:
    """``[tool.confwarden.configs]`` of the project at or above ``root``: name -> reference.

    No project gives an empty mapping.

    Raises:
        ProjectError: the file cannot be parsed or ``configs`` is not a table of strings.
    """
    project = find_project(root)
    return project.configs if project is not None else {}


def find_service(
    service: str | type[ConfigSchema] | None = None,
    root: str | os.PathLike[str] | None = None,
) -> tuple[str, type[ConfigSchema]]:
    """``(name, schema)`` of a service of the project at or above ``root`` (default: cwd).

    A class is used as it is. A name is looked up in the project's
    ``[tool.confwarden.configs]`` first, then among the services registered in code. None
    means the project's only service (or the only one registered in code).

    Raises:
        ProjectError: no project and nothing registered, several services and none named,
            an unknown name, or a schema that cannot be imported.

    Example:
        >>> from confwarden.config.schema import ConfigSchema
        >>> class ShopConfig(ConfigSchema):
        ...     page_size: int = 50
        >>> find_service(ShopConfig)[0]
        'ShopConfig'
    """
    if isinstance(service, type):
        return resolve_service(service)
    project = find_project(root)
    if project is not None and (service is None or service in project.configs):
        return project.schema(service)
    if service is not None:
        return resolve_service(service)
    registered = registered_services()
    if len(registered) == 1:
        return next(iter(registered.items()))
    if project is not None:
        return project.schema(None)  # raises: names no service
    require_project(root)  # raises: says how to start
    raise AssertionError("unreachable")  # pragma: no cover
