"""Sources of configuration values beyond the process environment.

Mounted secret files ship in the core (:mod:`confwarden.secrets.files`); remote stores
(Google Secret Manager in :mod:`confwarden.secrets.gcp`, Vault/OpenBao in
:mod:`confwarden.secrets.vault`) implement the same :class:`ValueSource` interface and are
imported only when used, behind their extras. :mod:`confwarden.secrets.mapping` says which
stored secret feeds which variable.
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
from confwarden.secrets.mapping import SecretMappings, SecretRef

__all__ = [
    "FileReferenceSource",
    "SecretMappings",
    "SecretRef",
    "SecretSourceError",
    "SecretsDirSource",
    "SourceHit",
    "SourceStatus",
    "Subscription",
    "ValueSource",
    "read_secret_file",
]
