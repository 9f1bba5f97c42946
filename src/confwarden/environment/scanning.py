"""Scanning text for secret spans in linear time: the mechanics under the masking rules.

:mod:`confwarden.environment.masking` holds the rules (tables of names, shapes, markers);
this module holds the scans that are not a single regular expression: URL passwords,
which may contain raw delimiters (with or without a scheme), and the replacement of
(possibly overlapping) spans. Both
only move forward through the text, so a megabyte of ``://``, ``:`` and ``@`` costs
milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["MASK", "apply_spans", "schemeless_password_spans", "url_password_spans"]

MASK = "***"

_SPACE = re.compile(r"\s")
# "://user:" - the user part holds no delimiter, so each match reads its characters once.
_USERINFO = re.compile(r"://[^/?#@\s:]*:")
_PORT = re.compile(r"\d{1,5}(?:[/?#\s]|\Z)")


class _Cursor:
    """The next position of a character at or after ``pos``; positions only move forward."""

    __slots__ = ("_at", "_find", "_text")

    def __init__(self, text: str, find: Callable[[int], int]) -> None:
        self._text = text
        self._find = find
        self._at = -2

    def next(self, pos: int) -> int:
        # Valid because callers ask with positions that never decrease.
        if self._at != -1 and self._at < pos:
            self._at = self._find(pos)
        return self._at


def _finder(text: str, char: str) -> _Cursor:
    return _Cursor(text, lambda pos: text.find(char, pos))


def _space_finder(text: str) -> _Cursor:
    def find(pos: int) -> int:
        match = _SPACE.search(text, pos)
        return match.start() if match else -1

    return _Cursor(text, find)


def url_password_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the password of every ``scheme://user:password@host`` in ``text``.

    The password may contain a raw ``/``, ``#``, ``?``, ``@`` or space: it ends at the last
    ``@`` before the next whitespace after its first ``@`` (an ``@`` further on in a query
    string widens the mask, never narrows it). ``host:port/...`` is not a password when the
    next ``@`` is in another word.
    Candidates come from one regular expression; the ``@`` and line ends are found with
    cursors that only move forward.
    """
    spans: list[tuple[int, int]] = []
    if "@" not in text:
        return spans
    at, newline, space = _finder(text, "@"), _finder(text, "\n"), _space_finder(text)
    length = len(text)
    match = _USERINFO.search(text)
    while match is not None:
        sep = match.end() - 1
        first_at = at.next(sep)
        if first_at < 0:
            break  # no '@' anywhere further: no password either
        line_end = newline.next(sep)
        if line_end < 0 or line_end > first_at:
            blank = space.next(sep)
            # "host:8080/path ... a@b": a port, when the '@' is in another word. In the same
            # word it is a password (``u:1234?x@h``): ambiguous, so masked.
            port = 0 <= blank < first_at and _PORT.match(text, sep + 1) is not None
            if not port:
                blank = space.next(first_at)
                stop = blank if blank >= 0 and (line_end < 0 or blank < line_end) else line_end
                last_at = text.rfind("@", first_at, length if stop < 0 else stop)
                spans.append((sep + 1, last_at))
                match = _USERINFO.search(text, last_at + 1)
                continue
        match = _USERINFO.search(text, match.end())
    return spans


# ``//user:pass@host`` and ``user:pass@host`` (no scheme; clients accept both): a word start,
# an optional ``//``, a user name, a colon not starting ``://``, then the password up to the
# last ``@`` of the word. Candidates start only at a word start, so each word is read once.
_SCHEMELESS_USERINFO = re.compile(
    r"(?:(?<=[\s'\"\[,(=])|^)(?://)?[^\s:/@?#'\"\[\]]*:(?!//)(?P<password>[^\s'\"]*)@"
)


def schemeless_password_spans(text: str) -> list[tuple[int, int]]:
    """Password spans of scheme-relative and scheme-less ``user:pass@host`` forms."""
    if "@" not in text or ":" not in text:
        return []
    return [m.span("password") for m in _SCHEMELESS_USERINFO.finditer(text) if m["password"]]


def apply_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """Replace each span (sorted or not, possibly overlapping) by :data:`MASK`."""
    if not spans:
        return text
    spans.sort()
    parts: list[str] = []
    cursor = 0
    for start, end in spans:
        if end <= cursor:
            continue
        if start >= cursor:
            parts.append(text[cursor:start])
            parts.append(MASK)
        # An overlapping span widens the mask already written.
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts)
