"""Sources of configuration values beyond the process environment.

Mounted secret files ship now (:mod:`confwarden.secrets.files`); remote stores (Google Secret
Manager, Vault/OpenBao, etcd) implement the same :class:`ValueSource` interface and are
imported lazily behind their extras.
"""

from __future__ import annotations

from confwarden.secrets.base import (
    SecretSourceError,
    SourceHit,
    SourceStatus,
    Subscription,
    ValueSource,
)
from confwarden.secrets.files import FileReferenceSource, SecretsDirSource, read_secret_file
from confwarden.secrets.mapping import SECRET_MAPPINGS, secret_name_for, secret_names_for

__all__ = [
    "SECRET_MAPPINGS",
    "FileReferenceSource",
    "SecretSourceError",
    "SecretsDirSource",
    "SourceHit",
    "SourceStatus",
    "Subscription",
    "ValueSource",
    "read_secret_file",
    "secret_name_for",
    "secret_names_for",
]
