"""Whether a syntax error can be newer syntax the running Python does not know yet.

A project that targets Python 3.12 may use PEP 701 f-strings (the same quotes, a backslash
or a comment inside a replacement field), ``type X = ...`` statements and PEP 695 generics
(``def f[T]``, ``class C[T]``). The checker running on 3.11 cannot parse those files and
must not call them broken; but it must not excuse a real syntax error (``def f(:``) either.
So a file is skipped with a note only when its error is one of the shapes 3.11 gives those
constructs, at a line that holds one; anything else stays CW000. Only the error line is
looked at: linear time whatever the file.
"""

from __future__ import annotations

import re

__all__ = ["newer_construct"]

# 3.11's messages for PEP 701 f-strings. The f-string errors 3.12 still has (an empty
# expression, a lone "}", a bad conversion) are not in the list: those are real errors.
_FSTRING_MESSAGES = (
    "f-string: expecting '}'",
    "f-string: unmatched",
    "f-string expression part cannot include",
    "f-string: unterminated string",
    "f-string: mismatched",
    "f-string: invalid syntax",
)
_FSTRING_LINE_MESSAGES = (
    "invalid syntax",
    "unterminated string literal",
    "unexpected character after line continuation character",
    "unmatched",
    "closing parenthesis",
)
_FSTRING_START = re.compile(r"""(?<![\w.])(?:[fF][rR]?|[rR][fF])(?:'|")""")
_TYPE_STATEMENT = re.compile(r"\s*type\s+[A-Za-z_]\w*\s*(?:\[|=)")
_GENERIC = re.compile(r"\s*(?:async\s+def|def|class)\s+[A-Za-z_]\w*\s*\[")


def newer_construct(message: str, data: bytes, number: int) -> str:
    """The 3.12 construct a 3.11 syntax error can stand for, or "" for a real error.

    Args:
        message: the ``SyntaxError`` message.
        data: the file's bytes.
        number: the line the error points at (1-based).

    Returns:
        A short description of the construct ("an f-string of Python 3.12") or "".

    Example:
        >>> newer_construct("invalid syntax", b"type Pair = tuple[int, int]", 1)
        'a `type` statement (Python 3.12)'
        >>> newer_construct("invalid syntax", b"def f(:", 1)
        ''
    """
    parts = data.split(b"\n", number)
    line = parts[number - 1].decode("utf-8", "replace") if 0 < number <= len(parts) else ""
    if message.startswith(_FSTRING_MESSAGES):
        return "an f-string of Python 3.12 (PEP 701)"
    if message.startswith(_FSTRING_LINE_MESSAGES) and _FSTRING_START.search(line):
        return "an f-string of Python 3.12 (PEP 701)"
    if message.startswith(("invalid syntax", "expected '('")):
        if _TYPE_STATEMENT.match(line):
            return "a `type` statement (Python 3.12)"
        if _GENERIC.match(line):
            return "type parameters (Python 3.12, PEP 695)"
    return ""
