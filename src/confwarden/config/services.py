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

import importlib
import os
import threading
import tomllib
from pathlib import Path
from typing import Any

from confwarden._importing import import_from_tree
from confwarden.config.schema import ConfigSchema
from confwarden.errors import ConfigurationError

__all__ = [
    "configs_from_pyproject",
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
        listed = ", ".join(sorted(known)) or "none registered"
        raise ConfigurationError(
            f"unknown service {service!r} (known services: {listed}). Name its schema in "
            '[tool.confwarden.configs] of pyproject.toml (service = "package.module:Class") '
            "or register it with confwarden.config.register_service(name, ConfigClass)."
        ) from None


def load_schema_reference(
    reference: str, root: str | os.PathLike[str] | None = None
) -> type[ConfigSchema]:
    """Import ``"package.module:Class"`` (with ``root`` first on ``sys.path``).

    Raises:
        ConfigurationError: the reference is malformed, cannot be imported, or is not a
            configuration schema class.
    """
    module_name, _, attribute = reference.partition(":")
    if not module_name or not attribute:
        raise ConfigurationError(
            f"{reference!r} is not a schema reference; write it as 'package.module:Class'."
        )
    try:
        module = (
            importlib.import_module(module_name)
            if root is None
            else import_from_tree(module_name, root)
        )
        obj = getattr(module, attribute)
    except (ImportError, AttributeError) as exc:
        raise ConfigurationError(
            f"cannot import the schema {reference!r}: {type(exc).__name__}: {exc}. "
            "Run from the project root or pass its directory."
        ) from None
    if not (isinstance(obj, type) and issubclass(obj, ConfigSchema)):
        raise ConfigurationError(f"{reference!r} is not a confwarden ConfigSchema class.")
    return obj


def confwarden_settings(root: str | os.PathLike[str] = ".") -> dict[str, Any]:
    """The ``[tool.confwarden]`` table of ``root/pyproject.toml`` (empty when absent).

    Raises:
        ConfigurationError: the file cannot be read or parsed.
    """
    path = Path(root) / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"{path}: cannot read [tool.confwarden]: {exc}") from None
    table = data.get("tool", {}).get("confwarden", {})
    return table if isinstance(table, dict) else {}


def configs_from_pyproject(root: str | os.PathLike[str] = ".") -> dict[str, str]:
    """``[tool.confwarden] configs`` of ``root/pyproject.toml``: service name -> schema reference.

    A missing file or table gives an empty mapping.

    Raises:
        ConfigurationError: the file cannot be parsed or ``configs`` is not a table of strings.
    """
    path = Path(root) / "pyproject.toml"
    configs = confwarden_settings(root).get("configs", {})
    if not isinstance(configs, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in configs.items()
    ):
        raise ConfigurationError(
            f"{path}: [tool.confwarden] configs must map service names to "
            f'"package.module:Class" references; got {configs!r}.'
        )
    return dict(configs)


def find_service(
    service: str | type[ConfigSchema], root: str | os.PathLike[str] = "."
) -> tuple[str, type[ConfigSchema]]:
    """Like :func:`resolve_service`, also trying ``root``'s ``[tool.confwarden] configs``.

    The project's own declaration wins over names registered in code.
    """
    if isinstance(service, str):
        reference = configs_from_pyproject(root).get(service)
        if reference is not None:
            return service, load_schema_reference(reference, root)
    return resolve_service(service)
