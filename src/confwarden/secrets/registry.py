"""Remote secret sources by name, built from the project's settings (``--source gcp|vault|etcd``).

Each remote source module exposes ``from_settings(settings, *, mappings, environment,
environ)``; this table names them, so adding a store is one line here and nothing imports a
store's client until that store is used. Settings come from ``pyproject.toml``::

    [tool.confwarden.secret_sources.gcp]
    project = "acme-staging"            # or GOOGLE_CLOUD_PROJECT
    [tool.confwarden.secret_sources.gcp.production]
    project = "acme-prod"               # per-environment values win

    [tool.confwarden.secret_sources.vault]
    url = "https://vault.internal:8200" # or VAULT_ADDR
    mount = "secret"
    kv_version = 2
    auth = "approle"                    # VAULT_ROLE_ID / VAULT_SECRET_ID; "token": VAULT_TOKEN

    [tool.confwarden.secret_sources.etcd]
    endpoints = ["10.0.0.11:2379"]      # or ETCDCTL_ENDPOINTS
    project = "acme"                    # keys under /confwarden/acme/<environment>/

Credentials are read from the environment only, never from the file.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Mapping
from typing import Any

from confwarden.environment.detection import Environment
from confwarden.secrets.base import SecretSourceError, ValueSource
from confwarden.secrets.mapping import SecretMappings

__all__ = ["SOURCES", "build_source", "source_settings"]

SOURCES: dict[str, str] = {
    "etcd": "confwarden.secrets.etcd_settings:from_settings",
    "gcp": "confwarden.secrets.gcp:from_settings",
    "vault": "confwarden.secrets.vault:from_settings",
}


def source_settings(
    table: Mapping[str, Any], kind: str, environment: Environment
) -> dict[str, Any]:
    """``[tool.confwarden.secret_sources.<kind>]`` for ``environment``: its plain keys, with
    the ``[...<kind>.<environment>]`` sub-table's keys on top (``environments``, which says
    where ``bootstrap()`` uses the store, is not a setting of the store)."""
    own = table.get(kind, {})
    if not isinstance(own, Mapping):
        raise SecretSourceError(f"[tool.confwarden.secret_sources.{kind}] must be a table.")
    settings = {k: v for k, v in own.items() if not isinstance(v, Mapping) and k != "environments"}
    names = [e.value for e in Environment]
    for name, value in own.items():
        if isinstance(value, Mapping) and name not in names:
            # A misspelt [...gcp.prodution] ignored would leave production on the plain
            # table's settings (staging's project): the very mistake to prevent.
            close = difflib.get_close_matches(name.lower(), names, n=1, cutoff=0.5)
            hint = f" (did you mean [tool.confwarden.secret_sources.{kind}.{close[0]}]?)"
            raise SecretSourceError(
                f"[tool.confwarden.secret_sources.{kind}.{name}] is not an environment"
                f"{hint if close else ''}; a sub-table holds the settings of one of: "
                f"{', '.join(names)}. Rename it, or move its keys into the plain table."
            )
    specific = own.get(environment.value, {})
    if isinstance(specific, Mapping):
        settings.update(specific)
    return settings


def build_source(
    kind: str,
    settings: Mapping[str, Any],
    *,
    mappings: SecretMappings,
    environment: Environment,
    environ: Mapping[str, str],
) -> ValueSource:
    """The source named ``kind`` (a key of :data:`SOURCES`), configured by ``settings``.

    Raises:
        SecretSourceError: unknown kind, or settings the source cannot use.
        MissingDependencyError: the store's extra is not installed.

    Example:
        >>> try:
        ...     build_source("ftp", {}, mappings=SecretMappings(),
        ...                  environment=Environment.STAGING, environ={})
        ... except SecretSourceError as exc:
        ...     print(exc)
        unknown secret source 'ftp' (known: etcd, gcp, vault).
    """
    reference = SOURCES.get(kind)
    if reference is None:
        raise SecretSourceError(
            f"unknown secret source {kind!r} (known: {', '.join(sorted(SOURCES))})."
        )
    module_name, _, attribute = reference.partition(":")
    factory = getattr(importlib.import_module(module_name), attribute)
    source: ValueSource = factory(
        settings, mappings=mappings, environment=environment, environ=environ
    )
    return source


def checked(
    settings: Mapping[str, Any], kind: str, types: Mapping[str, type | tuple[type, ...]]
) -> dict[str, Any]:
    """``settings`` after checking every key is known and of the right type (all listed)."""
    problems = [
        f"unknown key {key!r} (known: {', '.join(sorted(types))})"
        for key in settings
        if key not in types
    ]
    problems += [
        f"{key} must be {getattr(types[key], '__name__', 'of another type')}, "
        f"got {type(value).__name__}"
        for key, value in settings.items()
        if key in types and not isinstance(value, types[key])
    ]
    if problems:
        raise SecretSourceError(
            f"[tool.confwarden.secret_sources.{kind}]: " + "; ".join(problems) + "."
        )
    return dict(settings)
