"""The one masking function used everywhere a value may be shown.

A value is sensitive by name (``*SECRET*``, ``*PASSWORD*``, ``*TOKEN*``, ``*_KEY``,
``*CREDENTIAL*``, ``*PRIVATE*``...) or by content (a URL with a password, a PEM private key).
Every output path of confwarden (repr, CLI, JSON, logs, exceptions, HTML) goes through
:func:`mask_value`, so there is exactly one place to get this right.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["MASK", "is_sensitive_name", "mask_text", "mask_url", "mask_value", "value_is_sensitive"]

MASK = "***"

# Substrings that make any variable name sensitive, and suffixes that do.
_SENSITIVE_PARTS = ("SECRET", "PASSWORD", "PASSWD", "TOKEN", "CREDENTIAL", "PRIVATE", "APIKEY")
_SENSITIVE_SUFFIXES = ("_KEY", "_PASS", "_PWD", "_DSN", "_AUTH")
_SENSITIVE_EXACT = frozenset({"PASSWORD", "KEY", "AUTH", "DSN"})

# scheme://user:password@host  (the password may contain anything but '@' in practice;
# we stop at the last '@' before the host part so encoded or raw '@' do not leak).
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<userinfo>[^/?#\s]*)@")
_QUERY_SECRET = re.compile(
    r"(?P<key>[?&;](?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?token|sslpassword)=)"
    r"(?P<value>[^&;#\s]*)",
    re.IGNORECASE,
)
_PEM_PRIVATE = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")


@lru_cache(maxsize=4096)
def is_sensitive_name(name: str) -> bool:
    """Tell whether a variable name denotes a secret.

    Example:
        >>> is_sensitive_name("SERVICE_SECRET"), is_sensitive_name("STRIPE_API_KEY")
        (True, True)
        >>> is_sensitive_name("POSTGRES_HOST")
        False
    """
    upper = name.upper()
    if upper in _SENSITIVE_EXACT:
        return True
    if any(part in upper for part in _SENSITIVE_PARTS):
        return True
    return upper.endswith(_SENSITIVE_SUFFIXES)


def value_is_sensitive(value: str) -> bool:
    """Tell whether a value carries a secret whatever its name (URL password, PEM key)."""
    if "-----BEGIN" in value and _PEM_PRIVATE.search(value):
        return True
    match = _URL_CREDENTIALS.search(value)
    if match and ":" in match.group("userinfo"):
        return True
    return "=" in value and _QUERY_SECRET.search(value) is not None


def mask_url(url: str) -> str:
    """Hide the password (and secret query parameters) of every URL inside ``url``.

    Example:
        >>> mask_url("postgresql://app:s3cret@db:5432/app?sslmode=require")
        'postgresql://app:***@db:5432/app?sslmode=require'
    """

    def _userinfo(match: re.Match[str]) -> str:
        userinfo = match.group("userinfo")
        user, sep, _password = userinfo.partition(":")
        if not sep:
            return match.group(0)
        return f"{match.group('scheme')}{user}:{MASK}@"

    masked = _URL_CREDENTIALS.sub(_userinfo, url)
    return _QUERY_SECRET.sub(lambda m: f"{m.group('key')}{MASK}", masked)


def mask_value(name: str, value: str | None) -> str | None:
    """Return ``value`` as it may be shown for variable ``name``.

    Sensitive names are masked whole; other values have embedded credentials masked.

    Example:
        >>> mask_value("JWT_SECRET_KEY", "x" * 40)
        '***'
        >>> mask_value("REDIS_URL", "redis://:pw@cache:6379/0")
        'redis://:***@cache:6379/0'
        >>> mask_value("LOG_LEVEL", "INFO")
        'INFO'
    """
    if value is None:
        return None
    if value == "":
        return ""
    if is_sensitive_name(name):
        return MASK
    if "-----BEGIN" in value and _PEM_PRIVATE.search(value):
        return MASK
    if "://" in value or "=" in value:
        return mask_url(value)
    return value


def mask_text(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each known secret in free text (exception messages, logs).

    Secrets shorter than 4 characters are ignored: masking "a" everywhere would destroy the text
    and reveal more than it hides.
    """
    for secret in sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text
