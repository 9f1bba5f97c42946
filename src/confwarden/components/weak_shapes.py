"""Shapes of secrets a person typed: words run together, sequences, repeats, few characters.

The weak-value table (:mod:`confwarden.components.weak_secrets`) reads words between
separators; people also type ``DevPassword2024``, ``localdevpassword``, ``abc...xyz0123``,
``secretsecretsecret`` or ``aaaabbbb...``, which no separator gives away. Each test here
is linear in the value, and each starts with a check in C that dismisses a random secret
(``token_urlsafe``, ``token_hex``) before any Python loop runs: validation judges every
secret of a schema at every startup.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass

__all__ = ["Vocabulary", "low_variety", "made_of_words", "mostly_sequential", "repeats_a_unit"]

# Long values are judged by the other rows (and words run together are short phrases).
_MAX_WORDS_LENGTH = 256
_LETTERS = re.compile(r"[a-z]+")
_FIRST_LETTERS = re.compile(r"[A-Za-z]{1,2}")


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Words to split values into, with what the splitting needs precomputed.

    Attributes:
        words: the words (lower case, two letters or more).
        longest: the length of the longest word.
        openings: the first two letters of every word (a run opening otherwise holds none).
    """

    words: frozenset[str]
    longest: int
    openings: frozenset[str]

    @classmethod
    def of(cls, words: Iterable[str]) -> Vocabulary:
        """The vocabulary of ``words`` (single letters are left out: they split anything)."""
        kept = frozenset(w.lower() for w in words if len(w) >= 2 and w.isalpha())
        return cls(kept, max(map(len, kept), default=0), frozenset(w[:2] for w in kept))


def made_of_words(value: str, vocabulary: Vocabulary) -> bool:
    """Whether every run of letters of ``value`` (case ignored) splits into words.

    Digits and symbols between words are allowed (``DevPassword2024!``); the letters must
    be at least six and at least 40% of the letters and digits, so a number with a word
    stuck to it is left to the other rows. Word breaking is dynamic programming over each
    run: linear, with ``vocabulary.longest`` look-ups per letter.

    Example:
        >>> words = Vocabulary.of({"local", "dev", "password"})
        >>> made_of_words("localDevPassword2024", words), made_of_words("k9Xq2mV7rT4w", words)
        (True, False)
    """
    if len(value) > _MAX_WORDS_LENGTH:
        return False
    first = _FIRST_LETTERS.search(value)
    if first is None or first.group().lower() not in vocabulary.openings:
        return False  # the first run opens with no word: the common case, decided cheaply
    lowered = value.lower()
    runs = _LETTERS.findall(lowered)
    letters = sum(map(len, runs))
    alnum = letters + sum(map(str.isdigit, lowered))
    if letters < 6 or letters * 5 < alnum * 2:
        return False
    return all(_splits(run, vocabulary.words, vocabulary.longest) for run in runs)


def _splits(run: str, words: Collection[str], max_word: int) -> bool:
    size = len(run)
    reachable = [False] * (size + 1)
    reachable[0] = True
    for start in range(size):
        if not reachable[start]:
            continue
        for end in range(start + 2, min(size, start + max_word) + 1):
            if run[start:end] in words:
                reachable[end] = True
    return reachable[size]


def _step_table(step: int) -> bytes:
    # Every byte to the character ``step`` after it in a-z or 0-9 (9 and 0 wrap); any other
    # to NUL, which no environment value holds, so it never matches. A bytes table:
    # bytes.translate is many times faster than str.translate's dict look-ups.
    table = bytearray(256)
    for alphabet in ("abcdefghijklmnopqrstuvwxyz", "0123456789"):
        for index, char in enumerate(alphabet):
            target = index + step
            if alphabet[0] == "0":
                target %= 10
            if 0 <= target < len(alphabet):
                table[ord(char)] = ord(alphabet[target])
    return bytes(table)


_NEXT, _PREVIOUS = _step_table(1), _step_table(-1)


def _steps(lowered: bytes, shifted: bytes) -> int:
    """How many characters of ``lowered`` equal ``shifted``'s one position before: the XOR
    of the two as integers has a zero byte there. All in C, no loop over characters."""
    size = len(lowered) - 1
    after = int.from_bytes(lowered[1:])
    before = int.from_bytes(shifted[:-1])
    return (after ^ before).to_bytes(size).count(0)


def mostly_sequential(value: str) -> bool:
    """Whether three quarters of the steps between characters go up (or down) by one.

    ``abcdefghijklmnopqrstuvwxyz0123456789`` and ``0123456789012345...`` (``9`` to ``0``
    counts as a step), in one case (``aBcDeF...`` is not judged).

    Example:
        >>> mostly_sequential("abcdefghijklmnopqrstuvwxyz0123456789")
        True
        >>> mostly_sequential("k9Xq2mV7rT4wZp8LbN3c")
        False
    """
    if len(value) < 8 or not value.isascii():
        return False
    if value != value.lower() and value != value.upper():
        # Mixed case: typed sequences are in one case (``abc...``, ``ABC...``); a random
        # secret mixes cases, and is dismissed here without the counting below.
        return False
    encoded = value.lower().encode("ascii")
    needed = (len(value) - 1) * 3
    return (
        _steps(encoded, encoded.translate(_NEXT)) * 4 >= needed
        or _steps(encoded, encoded.translate(_PREVIOUS)) * 4 >= needed
    )


_PROBES = 8  # occurrences of the opening tried as periods: bounded work per value


def repeats_a_unit(squashed: str) -> bool:
    """Whether ``squashed`` is one short unit written three times or more.

    ``secretsecretsecret``, ``ab12ab12ab12ab``; a trailing partial unit is allowed.

    Example:
        >>> repeats_a_unit("secretsecretsecretsecret")
        True
        >>> repeats_a_unit("k9xq2mv7rt4wzp8lbn3c")
        False
    """
    size = len(squashed)
    if size < 6:
        return False
    opening = squashed[:2]
    period = squashed.find(opening, 1)
    probes = 0
    while period > 0 and period * 3 <= size and probes < _PROBES:
        if squashed[period:] == squashed[:-period]:
            return True
        period = squashed.find(opening, period + 1)
        probes += 1
    return False


# Thresholds a random secret of 20 characters or more never meets: a random digit string
# (the poorest alphabet) falls under 1.9 bits per character about once in a million.
_MIN_LENGTH = 20
_MIN_ENTROPY_BITS = 1.9
_FEW_CHARACTERS = 4


def low_variety(value: str) -> bool:
    """Whether a value of 20 characters or more uses very few distinct characters.

    Four distinct characters or fewer, or an entropy estimate under 1.9 bits per character
    (``aaaaaaaaaaaaaaaaaaaabbbbbc``). A random digit string has about 3.2, a random hex
    secret close to 4, ``token_urlsafe`` 5.

    Example:
        >>> low_variety("aaaaaaaabbbbbbbbcccccddd"), low_variety("k9Xq2mV7rT4wZp8LbN3cH6yF")
        (True, False)
    """
    size = len(value)
    if size < _MIN_LENGTH:
        return False
    distinct = len(set(value))
    if distinct <= _FEW_CHARACTERS:
        return True
    if distinct * 3 >= size:
        return False  # enough variety to reach the threshold: skip the count
    counts = Counter(value).values()
    entropy = -sum(n / size * math.log2(n / size) for n in counts)
    return entropy < _MIN_ENTROPY_BITS
