"""Recognising passwords and secrets nobody should deploy: placeholders and weak values.

A database password of ``postgres`` or a JWT secret of ``your-secret-key-here`` works on a
laptop and is a breach in production. The database, Redis, ClickHouse and JWT components all
ask the same question, so the list of known placeholders lives in one place. The answer is a
reason ("is a known placeholder"), never the value.
"""

from __future__ import annotations

import re

__all__ = ["KNOWN_PLACEHOLDERS", "placeholder_reason", "weakness"]

# Values copied from examples, templates and tutorials, compared case-insensitively after
# dropping separators, so that "Change-Me" and "change_me" are both caught.
KNOWN_PLACEHOLDERS = frozenset(
    {
        "password",
        "passw0rd",
        "postgres",
        "root",
        "admin",
        "secret",
        "changeme",
        "changethis",
        "default",
        "example",
        "test",
        "testing",
        "dev",
        "development",
        "placeholder",
        "redis",
        "clickhouse",
        "123456",
        "12345678",
        "qwerty",
        "letmein",
        "yoursecretkey",
        "yoursecretkeyhere",
        "yourpassword",
        "yourpasswordhere",
        "secretkey",
        "jwtsecret",
        "jwtsecretkey",
        "mysecret",
        "mysecretkey",
        "supersecret",
        "notasecret",
        "insecure",
        "todo",
        "fixme",
        "xxx",
        "none",
        "null",
    }
)
# Fragments that mark a template value wherever they appear.
_PLACEHOLDER_MARKERS = re.compile("changeme|replaceme|yoursecret|placeholder|notsecure")
_DROP_SEPARATORS = str.maketrans("", "", " \t\r\n-_.")
_TEMPLATE = re.compile(r"^(<.*>|\$\{.*\}|\{\{.*\}\}|%\(.*\)s)$")


def placeholder_reason(value: str) -> str | None:
    """Why ``value`` looks like a placeholder, or None.

    Example:
        >>> placeholder_reason("Change-Me")
        'is a known placeholder'
        >>> placeholder_reason("${DB_PASSWORD}")
        'is an unexpanded template'
        >>> placeholder_reason("t9Xq2-mV7r!") is None
        True
    """
    stripped = value.strip()
    if stripped[:1] in ("<", "$", "{", "%") and _TEMPLATE.match(stripped):
        return "is an unexpanded template"
    squashed = stripped.lower().translate(_DROP_SEPARATORS)
    if squashed in KNOWN_PLACEHOLDERS:
        return "is a known placeholder"
    if _PLACEHOLDER_MARKERS.search(squashed):
        return "contains a placeholder marker"
    if len(set(squashed)) == 1 and len(squashed) > 1:
        return "repeats one character"
    return None


def weakness(value: str, *, min_length: int) -> str | None:
    """Why ``value`` is too weak to deploy (placeholder or shorter than ``min_length``), or None.

    Example:
        >>> weakness("short", min_length=12)
        'is 5 characters long, shorter than 12'
    """
    reason = placeholder_reason(value)
    if reason is not None:
        return reason
    if len(value) < min_length:
        return f"is {len(value)} characters long, shorter than {min_length}"
    return None
