"""``--source etcd``: an :class:`~confwarden.secrets.etcd.EtcdSource` from the project's settings.

Kept apart from the source itself so that the registry
(:mod:`confwarden.secrets.registry`) can name it without the source module growing a second
job. Settings::

    [tool.confwarden.secret_sources.etcd]
    endpoints = ["10.0.0.11:2379", "10.0.0.12:2379"]   # or ETCDCTL_ENDPOINTS
    project = "acme"                                    # /confwarden/acme/<environment>/
    # prefix = "/custom/prefix/"                        # instead of project
    timeout = 2
    keepalive = 5                                       # seconds between liveness reads
    username = "reader"                                 # or ETCDCTL_USER; ETCDCTL_PASSWORD
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from confwarden.environment.detection import Environment
from confwarden.secrets.base import SecretSourceError
from confwarden.secrets.etcd import EtcdSource, etcd_prefix
from confwarden.secrets.mapping import SecretMappings
from confwarden.secrets.registry import checked

__all__ = ["from_settings"]

_SETTINGS: dict[str, type | tuple[type, ...]] = {
    "endpoints": (str, list),
    "project": str,
    "prefix": str,
    "timeout": (int, float),
    "keepalive": (int, float),
    "username": str,
}


def from_settings(
    settings: Mapping[str, Any],
    *,
    mappings: SecretMappings,
    environment: Environment,
    environ: Mapping[str, str],
) -> EtcdSource:
    """A source from ``[tool.confwarden.secret_sources.etcd]`` (``--source etcd``).

    ``endpoints`` (a list or a comma-separated string) falls back to ``ETCDCTL_ENDPOINTS``;
    the prefix is ``prefix``, or :func:`etcd_prefix` of ``project`` and the environment.
    Keys are variable names, so secret mappings do not apply. The password comes from the
    environment only (``ETCDCTL_PASSWORD``), the user from ``username`` or ``ETCDCTL_USER``.

    Raises:
        SecretSourceError: no endpoint, a malformed one (or one carrying credentials), or
            neither ``project`` nor ``prefix``.
    """
    values = checked(settings, "etcd", _SETTINGS)
    endpoints = values.get("endpoints") or environ.get("ETCDCTL_ENDPOINTS", "")
    if isinstance(endpoints, str):
        endpoints = [e.strip() for e in endpoints.split(",") if e.strip()]
    if not endpoints:
        raise SecretSourceError(
            "etcd: no endpoint. Set [tool.confwarden.secret_sources.etcd] endpoints or "
            "ETCDCTL_ENDPOINTS."
        )
    prefix = values.get("prefix")
    if prefix is None:
        if "project" not in values:
            raise SecretSourceError(
                "etcd: set [tool.confwarden.secret_sources.etcd] project (the prefix is then "
                "/confwarden/<project>/<environment>/) or prefix."
            )
        prefix = etcd_prefix(values["project"], environment.value)
    username = values.get("username") or environ.get("ETCDCTL_USER") or None
    password = environ.get("ETCDCTL_PASSWORD") or None
    if username and ":" in username and password is None:
        username, password = username.split(":", 1)  # etcdctl's --user=name:password
    try:
        return EtcdSource(
            [str(e) for e in endpoints],
            prefix,
            timeout=float(values.get("timeout", 2.0)),
            keepalive=float(values.get("keepalive", 5.0)),
            username=username,
            password=password,
        )
    except ValueError as exc:  # a malformed endpoint (its message masks any password)
        raise SecretSourceError(f"[tool.confwarden.secret_sources.etcd]: {exc}.") from None
