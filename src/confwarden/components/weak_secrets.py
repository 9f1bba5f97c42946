"""Recognising secrets nobody should deploy: placeholders, development values, our defaults.

A database password of ``postgres``, ``development_password`` or a JWT secret of
``your-secret-key-here`` works on a laptop and is a breach in production. The database,
Redis, ClickHouse and JWT components and the configuration's ``secrets.weak_value`` rule all
ask the same question, so the answer is ONE table, :data:`WEAK_VALUE_RULES`, read top to
bottom (docs/security.md prints it). Some rows apply everywhere (a placeholder is never a
secret); the others only where the platform is deployed (``dev_password`` is fine on a
laptop). The answer is a reason ("looks like a development or test value"), never the value.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "DEVELOPMENT_WORDS",
    "KNOWN_PLACEHOLDERS",
    "LIBRARY_PREFIXES",
    "WEAK_VALUE_RULES",
    "WeakValueRule",
    "placeholder_reason",
    "short_reason",
    "weak_value_reason",
    "weakness",
]

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
_PLACEHOLDER_MARKERS = re.compile(
    "changeme|replaceme|yoursecret|placeholder|notsecure|insertyour|enteryour"
    "|your(?:api)?(?:key|token|password)"
)
_SEPARATORS = ("-", "_", ".", " ", "\t", "\r", "\n")
_TEMPLATE = re.compile(r"^(<.*>|\$\{.*\}|\{\{.*\}\}|%\(.*\)s)$")
# Words that say "not for deployment" when they stand alone between separators
# (``dev_password``, ``development-jwt-secret-...``), in a value written by a person: every
# run of letters in one case (lower, UPPER or Title). A random token_urlsafe secret mixes
# cases within its runs, so it is never taken for one.
DEVELOPMENT_WORDS = frozenset(
    {
        "dev",
        "develop",
        "development",
        "test",
        "tests",
        "testing",
        "local",
        "localdev",
        "example",
        "sample",
        "dummy",
        "fake",
        "demo",
        "insecure",
        "unsafe",
        "notforproduction",
    }
)
_WORDS = re.compile(r"[A-Za-z]+")
_SEPARATED = re.compile(r"[^A-Za-z0-9]+")
# What confwarden itself generates or used to publish: refused wherever the platform is
# deployed. The prefixes mark every value of environment/dev_secrets.py and of the test
# fallbacks; the rest are the public values of former versions (the sha256 development
# formula and the constant JWT fallback), which may live on in copied .env files.
LIBRARY_PREFIXES = ("confwarden-dev-", "confwarden-test-")
_FORMER_DEV_FORMULA = re.compile(r"^dev-[0-9a-f]{64}$")
_FORMER_JWT_FALLBACKS = frozenset(
    hashlib.sha256(
        f"confwarden generated {name} JWT secret (not for deployment)".encode()
    ).hexdigest()
    for name in ("development", "testing", "staging", "production")
)


@dataclass(frozen=True, slots=True)
class WeakValueRule:
    """One row of the weak-value table.

    Attributes:
        reason: what is said about a matching value (never the value).
        deployed_only: the row applies in staging and production only.
        example: a value the row refuses, for the documentation.
        matches: the test, on the value stripped of surrounding blanks and on its
            "squashed" form (lower case, no blanks, ``-``, ``_`` or ``.``).
    """

    reason: str
    deployed_only: bool
    example: str
    matches: Callable[[str, str], bool]


def _squash(value: str) -> str:
    # str.replace chains are ~10x faster than a regex or str.translate here: validation
    # judges every secret of a schema at every startup.
    squashed = value.lower()
    for separator in _SEPARATORS:
        if separator in squashed:
            squashed = squashed.replace(separator, "")
    return squashed


def _template(value: str, _: str) -> bool:
    return value[:1] in ("<", "$", "{", "%") and bool(_TEMPLATE.match(value))


def _repeated(_: str, squashed: str) -> bool:
    return len(squashed) > 1 and squashed == squashed[0] * len(squashed)


_WORD_HINT = re.compile("|".join(sorted(DEVELOPMENT_WORDS)))


def _development_word(value: str, squashed: str) -> bool:
    if not _WORD_HINT.search(squashed):
        return False  # the common case, cheaply
    found = False
    for segment in _SEPARATED.split(value):
        if segment.rstrip("0123456789").lower() in DEVELOPMENT_WORDS:
            found = True
    if not found:
        return False
    return all(run.islower() or run.isupper() or run.istitle() for run in _WORDS.findall(value))


def _library_default(value: str, _: str) -> bool:
    return (
        value.startswith(LIBRARY_PREFIXES)
        or bool(_FORMER_DEV_FORMULA.match(value))
        or value in _FORMER_JWT_FALLBACKS
    )


WEAK_VALUE_RULES: tuple[WeakValueRule, ...] = (
    WeakValueRule("is an unexpanded template", False, "${DB_PASSWORD}", _template),
    WeakValueRule(
        "is a known placeholder", False, "Change-Me", lambda _, sq: sq in KNOWN_PLACEHOLDERS
    ),
    WeakValueRule(
        "contains a placeholder marker",
        False,
        "your-secret-key-here",
        lambda _, sq: bool(_PLACEHOLDER_MARKERS.search(sq)),
    ),
    WeakValueRule("repeats one character", False, "xxxxxxxx", _repeated),
    WeakValueRule(
        "is a confwarden development or test default", True, "confwarden-dev-…", _library_default
    ),
    WeakValueRule(
        "looks like a development or test value", True, "development_password", _development_word
    ),
)


def weak_value_reason(value: str, *, deployed: bool = False) -> str | None:
    """Why ``value`` must not be used as a secret, by :data:`WEAK_VALUE_RULES`, or None.

    Args:
        value: the secret (only its shape is reported).
        deployed: judge for staging/production (every row) instead of development.

    Example:
        >>> weak_value_reason("dev_password") is None
        True
        >>> weak_value_reason("dev_password", deployed=True)
        'looks like a development or test value'
    """
    stripped = value.strip()
    squashed = _squash(stripped)
    for rule in WEAK_VALUE_RULES:
        if (deployed or not rule.deployed_only) and rule.matches(stripped, squashed):
            return rule.reason
    return None


def placeholder_reason(value: str, *, deployed: bool = False) -> str | None:
    """Why ``value`` looks like a placeholder (see :func:`weak_value_reason`), or None.

    Example:
        >>> placeholder_reason("Change-Me")
        'is a known placeholder'
        >>> placeholder_reason("${DB_PASSWORD}")
        'is an unexpanded template'
        >>> placeholder_reason("t9Xq2-mV7r!") is None
        True
    """
    return weak_value_reason(value, deployed=deployed)


def weakness(value: str, *, min_length: int, deployed: bool = False) -> str | None:
    """Why ``value`` is too weak (a weak value, or shorter than ``min_length``), or None.

    Example:
        >>> weakness("short", min_length=12)
        'is shorter than the 12 characters required'
    """
    reason = weak_value_reason(value, deployed=deployed)
    if reason is not None:
        return reason
    if len(value) < min_length:
        # Never the length itself: it tells an attacker which words of a list to try.
        return short_reason(min_length)
    return None


def short_reason(min_length: int) -> str:
    """What is said of a secret shorter than ``min_length`` (never its own length).

    Example:
        >>> short_reason(32)
        'is shorter than the 32 characters required'
    """
    return f"is shorter than the {min_length} characters required"
