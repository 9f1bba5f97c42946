"""Cleaning values on their way in, before anything stores or uses them.

Three problems from spec/003 "Service Secret Sanitization" and the incidents:

* control characters (a NUL or an escape sequence pasted into a secret store) are removed;
* values that end up in HTTP headers (``SERVICE_SECRET``, ``SERVICE_ID``, API keys, tokens)
  lose surrounding whitespace and every newline: a trailing ``\\n`` from ``echo`` into a secret
  manager broke inter-service authentication;
* database URLs are trimmed and use the canonical ``postgresql://`` scheme.

Nothing here ever evaluates a value: ``$(...)`` and backticks stay literal text.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["HEADER_BOUND_NAMES", "is_database_url_name", "is_header_bound", "sanitize_value"]

# Exact names whose values travel in HTTP headers between services.
HEADER_BOUND_NAMES = frozenset({"SERVICE_SECRET", "SERVICE_ID", "JWT_SECRET", "JWT_SECRET_KEY"})
_HEADER_BOUND_SUFFIXES = ("_API_KEY", "_TOKEN", "_SERVICE_SECRET", "_CLIENT_ID", "_CLIENT_SECRET")
_HEADER_BOUND_PREFIXES = ("JWT_SECRET_",)
_DATABASE_URL_NAMES = ("DATABASE_URL", "POSTGRES_URL", "POSTGRES_DSN")

# C0 controls and DEL, except tab, newline and carriage return which multi-line values
# (PEM keys, JSON documents) legitimately contain.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"[\r\n]+")


@lru_cache(maxsize=4096)
def is_header_bound(name: str) -> bool:
    """Tell whether the value of ``name`` is sent in an HTTP header and must be one clean line."""
    upper = name.upper()
    return (
        upper in HEADER_BOUND_NAMES
        or upper.endswith(_HEADER_BOUND_SUFFIXES)
        or upper.startswith(_HEADER_BOUND_PREFIXES)
    )


@lru_cache(maxsize=4096)
def is_database_url_name(name: str) -> bool:
    """Tell whether ``name`` holds a full database URL."""
    upper = name.upper()
    return upper.endswith(_DATABASE_URL_NAMES)


@lru_cache(maxsize=4096)
def _treatment(name: str) -> int:
    # One cached lookup per set(): 1 header-bound, 2 database URL, 0 nothing special.
    if is_header_bound(name):
        return 1
    return 2 if is_database_url_name(name) else 0


def sanitize_value(name: str, value: str) -> str:
    """Return ``value`` cleaned for variable ``name``.

    Example:
        >>> sanitize_value("SERVICE_SECRET", "  abc\\n")
        'abc'
        >>> sanitize_value("DATABASE_URL", " postgres://db/app ")
        'postgresql://db/app'
        >>> sanitize_value("GREETING", "hello\\x00 world")
        'hello world'
    """
    if not value.isprintable() and _CONTROL.search(value):
        value = _CONTROL.sub("", value)
    treatment = _treatment(name)
    if treatment == 0:
        return value
    if treatment == 1:
        return _LINE_BREAKS.sub("", value).strip()
    if treatment == 2:
        value = value.strip()
        if value.startswith("postgres://"):
            value = "postgresql://" + value[len("postgres://") :]
    return value
