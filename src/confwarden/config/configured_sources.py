"""The secret stores a project configured, built for the environment a service starts in.

``confwarden secrets plan|check`` read ``[tool.confwarden.secret_sources]`` and
``[tool.confwarden.secret_mappings]``; a service started with ``bootstrap()`` used to read
neither, so every service repeated the same ``build_source(...)`` code. This module is the
one place both paths meet: ``bootstrap()`` and :class:`~confwarden.config.manager.
UnifiedConfigManager` ask it for the stores of their environment when they are given no
``secret_sources=``::

    [tool.confwarden.secret_sources.gcp]
    project = "acme-staging"
    [tool.confwarden.secret_sources.gcp.production]
    project = "acme-prod"
    [tool.confwarden.secret_sources.etcd]
    endpoints = ["10.0.0.11:2379"]
    project = "acme"
    environments = ["development", "staging", "production"]   # default: staging, production

A store is used in the deployed environments (staging, production) unless its table lists
``environments``: a developer's machine and a test run never reach a remote store they did
not ask for. Nothing is imported for a store that is not used (its client is an extra).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from confwarden.config.schema import ConfigSchema
from confwarden.config.spec import DEPLOYED
from confwarden.environment.detection import Environment
from confwarden.errors import ConfigurationError, EnvironmentDetectionError
from confwarden.secrets.base import SecretSourceError, ValueSource

__all__ = ["configured_environments", "configured_secret_sources"]


def configured_environments(kind: str, table: Mapping[str, Any]) -> frozenset[Environment]:
    """The environments the store ``kind`` is used in: its ``environments`` key, else deployed.

    Raises:
        ConfigurationError: ``environments`` is not a list of environment names.

    Example:
        >>> sorted(e.value for e in configured_environments("gcp", {"project": "p"}))
        ['production', 'staging']
        >>> sorted(e.value for e in configured_environments("etcd", {"environments": ["dev"]}))
        ['development']
    """
    names = table.get("environments")
    if names is None:
        return frozenset(DEPLOYED)
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ConfigurationError(
            f"[tool.confwarden.secret_sources.{kind}] environments must be a list of "
            f'environment names, e.g. environments = ["staging", "production"].'
        )
    try:
        return frozenset(Environment.parse(name, variable="environments") for name in names)
    except EnvironmentDetectionError as exc:
        raise ConfigurationError(
            f"[tool.confwarden.secret_sources.{kind}] environments: {exc}"
        ) from None


def configured_secret_sources(
    root: str | os.PathLike[str] | None,
    *,
    service: str,
    schema: type[ConfigSchema],
    environment: Environment,
    environ: Mapping[str, str],
) -> tuple[ValueSource, ...]:
    """The stores of ``[tool.confwarden.secret_sources]`` for ``environment``.

    The project is the nearest ``pyproject.toml`` with ``[tool.confwarden]`` at or above
    ``root`` (the working directory when None). The stores come in the order of the file,
    each with the project's mappings (the schema's ``Env(secret=...)`` and
    ``[tool.confwarden.secret_mappings]``); credentials come from ``environ`` (the variables
    the service reads), never from the file.

    Raises:
        ConfigurationError: a store's settings are wrong (naming the table and the key).
        MissingDependencyError: a configured store's extra is not installed (with the
            ``pip install`` to run).

    Example:
        >>> from confwarden.config.schema import ConfigSchema
        >>> class ShopConfig(ConfigSchema):
        ...     page_size: int = 50
        >>> configured_secret_sources("/", service="shop", schema=ShopConfig,
        ...                           environment=Environment.PRODUCTION, environ={})
        ()
    """
    from confwarden.project import PYPROJECT, find_project, read_table

    # bootstrap() passes the project root it found: read that file once, without walking.
    here = Path(root) / PYPROJECT if root is not None else None
    found = read_table(here) if here is not None else None
    if found is not None and here is not None:
        settings, pyproject = found, here
    else:
        project = find_project(root)
        if project is None:
            return ()
        settings, pyproject = dict(project.settings), project.pyproject
    table = settings.get("secret_sources", {})
    if not isinstance(table, Mapping) or not table:
        return ()
    wanted = [
        kind
        for kind, own in table.items()
        if isinstance(own, Mapping) and environment in configured_environments(kind, own)
    ]
    if not wanted:
        return ()
    from confwarden.config.secret_checks import project_mappings
    from confwarden.secrets.mapping import SecretMappings
    from confwarden.secrets.registry import build_source, source_settings

    where = str(pyproject)
    mappings = project_mappings(
        {service: schema}, SecretMappings.from_settings(settings, where=where)
    )
    sources: list[ValueSource] = []
    for kind in wanted:
        try:
            sources.append(
                build_source(
                    kind,
                    source_settings(table, kind, environment),
                    mappings=mappings,
                    environment=environment,
                    environ=environ,
                )
            )
        except SecretSourceError as exc:
            raise ConfigurationError(f"{where}: {exc}") from None
    return tuple(sources)
