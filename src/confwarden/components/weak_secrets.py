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
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from confwarden.components.weak_shapes import (
    Vocabulary,
    low_variety,
    made_of_words,
    mostly_sequential,
    repeats_a_unit,
)
from confwarden.components.weak_words import (
    COMMON_PASSWORD_WORDS,
    DEVELOPMENT_WORDS,
    KNOWN_PLACEHOLDERS,
    PHRASE_WORDS,
    PLACEHOLDER_WORDS,
    RUN_TOGETHER_WORDS,
    SECRET_WORDS,
)

__all__ = [
    "COMMON_PASSWORD_WORDS",
    "DEVELOPMENT_WORDS",
    "KNOWN_PLACEHOLDERS",
    "LIBRARY_PREFIXES",
    "PHRASE_WORDS",
    "PLACEHOLDER_WORDS",
    "RUN_TOGETHER_WORDS",
    "SECRET_WORDS",
    "WEAK_VALUE_RULES",
    "WeakValueRule",
    "placeholder_reason",
    "short_reason",
    "weak_value_reason",
    "weakness",
]

# Fragments that mark a template value wherever they appear.
_PLACEHOLDER_MARKERS = re.compile(
    "changeme|replaceme|yoursecret|placeholder|notsecure|insertyour|enteryour"
    "|your(?:api)?(?:key|token|password)"
)
_SEPARATORS = ("-", "_", ".", " ", "\t", "\r", "\n")
_TEMPLATE = re.compile(r"^(<.*>|\$\{.*\}|\{\{.*\}\}|%\(.*\)s)$")
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
    return _written_by_a_person(value)


_LOWER_WORDS = re.compile(r"[a-z]+")


# A run of letters in none of lower, UPPER or Title case has a lower letter followed by an
# upper one ("aB"), or two upper letters followed by a lower one ("ABc"): one search in C.
_MIXED_CASE = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")


def _written_by_a_person(value: str) -> bool:
    # Every run of letters in one case (lower, UPPER or Title): token_urlsafe() mixes cases
    # within its runs, so a random secret is never taken for a phrase.
    return _MIXED_CASE.search(value) is None


def _placeholder_phrase(value: str, _: str) -> bool:
    if not _written_by_a_person(value):
        return False  # the common case for a real secret, decided first
    words = _LOWER_WORDS.findall(value.lower())
    if len(words) < 2:
        return False
    found = set(words)
    if found & PLACEHOLDER_WORDS:
        return True
    if "set" in found and "me" in found and ("set", "me") in itertools.pairwise(words):
        return True
    return bool(found & PHRASE_WORDS and found & SECRET_WORDS)


_COMMON_SHAPE = re.compile(r"([A-Za-z@$0-9]*?[A-Za-z])([0-9]*)([^A-Za-z0-9]*)")
_LEET = str.maketrans("@$0134", "asoiea")
# The longest stem plus a year and a few symbols: "Administrator2024!!!".
_COMMON_MAX_LENGTH = max(map(len, COMMON_PASSWORD_WORDS | KNOWN_PLACEHOLDERS)) + 8


def _common_password(value: str, _: str) -> bool:
    if len(value) > _COMMON_MAX_LENGTH:
        return False  # the stems are short; a long value is judged by the other rows
    match = _COMMON_SHAPE.fullmatch(value)
    if match is None:
        return False
    stem = match.group(1).translate(_LEET).lower()
    return stem in COMMON_PASSWORD_WORDS or stem in KNOWN_PLACEHOLDERS


# A test-mode key of a payment or identity API (``sk_test_``, ``pk_test_``, ``rk_test_``): a
# widespread convention, not one vendor's; the vendors publish such keys in their docs.
_TEST_MODE_KEY = re.compile(r"[a-z]{2,5}_test_[A-Za-z0-9]")


def _library_default(value: str, _: str) -> bool:
    return (
        value.startswith(LIBRARY_PREFIXES)
        or bool(_FORMER_DEV_FORMULA.match(value))
        or value in _FORMER_JWT_FALLBACKS
    )


_RUN_TOGETHER = Vocabulary.of(RUN_TOGETHER_WORDS)


def _run_together_words(value: str, _: str) -> bool:
    return made_of_words(value, _RUN_TOGETHER)


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
        "is a common password with digits or symbols added", False, "Password123!", _common_password
    ),
    WeakValueRule(
        "looks like a placeholder phrase",
        True,
        "your-service-secret-here-at-least-32-chars",
        _placeholder_phrase,
    ),
    WeakValueRule(
        "is a test-mode API key",
        True,
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        lambda value, _: bool(_TEST_MODE_KEY.match(value)),
    ),
    WeakValueRule(
        "is a confwarden development or test default", True, "confwarden-dev-…", _library_default
    ),
    WeakValueRule(
        "looks like a development or test value", True, "development_password", _development_word
    ),
    WeakValueRule(
        "is made of development, test or placeholder words run together",
        True,
        "DevPassword2024",
        _run_together_words,
    ),
    WeakValueRule(
        "is a run of consecutive characters",
        True,
        "abcdefghijklmnopqrstuvwxyz0123456789",
        lambda value, _: mostly_sequential(value),
    ),
    WeakValueRule(
        "repeats a short unit", True, "secretsecretsecret", lambda _, sq: repeats_a_unit(sq)
    ),
    WeakValueRule(
        "uses too few distinct characters",
        True,
        "aaaaaaaabbbbbbbbcccc",
        lambda value, _: low_variety(value),
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
