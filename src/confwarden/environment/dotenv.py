"""Our own .env parser: python-dotenv's syntax, in linear time, without its surprises.

python-dotenv is the reference every developer knows, so we accept the same files and give
the same values (``dotenv_values(interpolate=True)``) with a few documented exceptions
(see docs/dotenv.md):

- its interpolation copies the whole environment once per line, which is quadratic
  (about 1.4 s for a 10,000-line file); we resolve ``${VAR}`` with one dict lookup;
- it expands ``${VAR}`` inside single quotes, which a shell never does; we keep them literal;
- it returns ``None`` for a bare ``KEY`` line; we have no ``None`` values, so that is a problem;
- it accepts any key (``a.b``, ``1x``); we accept shell names only (``[A-Za-z_][A-Za-z0-9_]*``).

The parser never executes anything (``$(cmd)`` and backticks stay literal text), never reads
``os.environ`` (the caller passes ``environ``) and never puts a value into a problem message,
because any value may be a secret. It scans the text once, left to right, with ``str.find``
and a few regular expressions of one unnested quantifier each, so no input can make it
backtrack. Hostile files stay cheap: expansion is capped (:data:`MAX_VALUE_CHARS`,
:data:`MAX_EXPANDED_CHARS`; the error names ``path:line``), a quote left open is reported on
its own line without swallowing the next ones, and files are read with
:func:`~confwarden.environment.files.read_small_file` (no FIFO, no device).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from confwarden.environment.files import read_small_file
from confwarden.environment.results import DotenvEntry, DotenvResult
from confwarden.errors import DotenvError, DotenvProblem

__all__ = [
    "MAX_EXPANDED_CHARS",
    "MAX_FILE_BYTES",
    "MAX_VALUE_CHARS",
    "DotenvEntry",
    "DotenvResult",
    "parse_dotenv",
    "read_dotenv",
]

MAX_FILE_BYTES = 16 << 20
"""The largest ``.env`` file read (16 MiB): anything larger is not a configuration file."""
MAX_VALUE_CHARS = 1 << 20
"""The largest value interpolation may produce (1 Mi characters)."""
MAX_EXPANDED_CHARS = 16 << 20
"""What interpolation may produce over a whole file (16 Mi characters)."""

# python-dotenv's lexical classes, kept identical so both parsers split a file the same way.
_SPACE = re.compile(r"\s*")  # any whitespace, newlines included
_HSPACE = re.compile(r"[^\S\r\n]*")  # whitespace on the current line
_EXPORT = re.compile(r"export[^\S\r\n]+")
_KEY = re.compile(r"[^=#\s]+")
_REST_OF_LINE = re.compile(r"[^\r\n]*")
# The usual head, ``[export ]KEY=`` and the spaces after '=', in one match. The atomic group
# keeps python-dotenv's reading of "export =1" (no name after export: an error), which
# backtracking into "key named export" would change. A key starting with ' is left to the
# general path.
_HEAD = re.compile(r"(?>(?:export[^\S\r\n]+)?)([^=#\s'][^=#\s]*)[^\S\r\n]*=([^\S\r\n]*)")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ESCAPES = {
    "\\\\": "\\",
    "\\'": "'",
    '\\"': '"',
    "\\a": "\a",
    "\\b": "\b",
    "\\f": "\f",
    "\\n": "\n",
    "\\r": "\r",
    "\\t": "\t",
    "\\v": "\v",
}
_NAME_RULE = "names start with a letter or '_' and contain only letters, digits and '_'"


class _Malformed(Exception):
    """Internal: the binding at hand is malformed; carries the message and where it starts."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _newlines(text: str, start: int, end: int) -> int:
    """Count line breaks (``\\r\\n``, ``\\n`` or ``\\r``) in ``text[start:end]``."""
    return (
        text.count("\n", start, end) + text.count("\r", start, end) - text.count("\r\n", start, end)
    )


# The content of a quoted value up to its closing quote: runs without quote or backslash, or
# a backslash and the character it escapes. Possessive, so a missing quote fails at once
# instead of backtracking; one C-level pass over the value.
_CONTENT = {
    '"': re.compile(r'(?:[^"\\]++|\\.)*+"', re.DOTALL),
    "'": re.compile(r"(?:[^'\\]++|\\.)*+'", re.DOTALL),
}
_DOUBLE_SINGLES = (("\\'", "'"), ('\\"', '"'), *((f"\\{c}", _ESCAPES[f"\\{c}"]) for c in "abfnrtv"))
_SINGLE_SINGLES = (("\\'", "'"),)


def _closing_quote(text: str, start: int, quote: str) -> int:
    """Index of the quote closing a value whose content starts at ``start``, or -1.

    A backslash escapes the character after it, so a quote preceded by an odd run of
    backslashes is content.
    """
    match = _CONTENT[quote].match(text, start)
    return -1 if match is None else match.end() - 1


def _decode(value: str, quote: str) -> str:
    """Resolve the escapes python-dotenv resolves in a ``quote``-quoted value.

    Escaped backslashes pair up from the left of each run, exactly as a left-to-right
    scan would; the pieces between them then hold single backslashes only, so plain
    ``str.replace`` passes finish the job, all in C.
    """
    if "\\" not in value:
        return value
    singles = _DOUBLE_SINGLES if quote == '"' else _SINGLE_SINGLES
    pieces = value.split("\\\\")
    for index, piece in enumerate(pieces):
        if "\\" in piece:
            decoded = piece
            for escape, char in singles:
                decoded = decoded.replace(escape, char)
            pieces[index] = decoded
    return "\\".join(pieces)


def _strip_inline_comment(part: str) -> str:
    """Cut an unquoted value at the first ``#`` preceded by whitespace, then strip it."""
    j = part.find("#")
    while j >= 0:
        if j > 0 and part[j - 1].isspace():
            part = part[: j - 1]
            break
        j = part.find("#", j + 1)
    return part.rstrip()


class _TooLarge(Exception):
    """Internal: interpolation went over a cap."""


def _interpolate(
    value: str,
    defined: Mapping[str, str],
    environ: Mapping[str, str],
    references: list[str],
    budget: int,
) -> str:
    """Expand ``${NAME}`` and ``${NAME:-default}`` exactly where python-dotenv does.

    python-dotenv's pattern is ``\\$\\{([^}:]*)(?::-([^}]*))?\\}``; we follow it with two
    cached ``find`` positions (next ``}``, next ``:``) that only move forward, so the
    expansion is linear in the value even for input such as ``${${${...``.
    Variables defined earlier in the file win over ``environ``; an unknown name without a
    default expands to the empty string. Every name looked up is added to ``references``;
    :class:`_TooLarge` is raised as soon as the result would exceed ``budget`` characters,
    before it is built.
    """
    start = value.find("${")
    if start < 0:
        return value
    parts: list[str] = []
    cursor = size = 0
    close = colon = -1
    no_colon = False
    length = len(value)
    while start >= 0:
        name_start = start + 2
        if close < name_start:
            close = value.find("}", name_start)
            if close < 0:
                break  # no '}' anywhere further: nothing else can match
        if not no_colon and colon < name_start:
            colon = value.find(":", name_start)
            no_colon = colon < 0
        if not no_colon and colon < close:
            if colon + 1 < length and value[colon + 1] == "-":
                name, default = value[name_start:colon], value[colon + 2 : close]
            else:
                start = value.find("${", start + 1)
                continue
        else:
            name, default = value[name_start:close], ""
        parts.append(value[cursor:start])
        references.append(name)
        if name in defined:
            part = defined[name]
        elif name in environ:
            part = environ[name]
        else:
            part = default
        parts.append(part)
        size += start - cursor + len(part)
        if size > budget:
            raise _TooLarge
        cursor = close + 1
        start = value.find("${", cursor)
    parts.append(value[cursor:])
    if size + length - cursor > budget:
        raise _TooLarge
    return "".join(parts)


class _Parser:
    """A single left-to-right pass over the text, one binding at a time.

    The usual line (``[export ]KEY=value``) takes a fast path: one regular expression for
    the head, ``str.find`` for the value. Anything else (comments, quoted keys, bare names,
    errors) goes through the general path, which follows python-dotenv token by token.
    """

    def __init__(self, text: str, environ: Mapping[str, str], interpolate: bool) -> None:
        self.text = text.removeprefix("\ufeff")
        self.crlf = "\r" in self.text
        self.pos = 0
        self.line = 1
        self.environ = environ
        self.interpolate = interpolate
        self.defined: dict[str, str] = {}
        self.expanded = 0  # characters produced by interpolation so far, for the file cap
        self.entries: list[DotenvEntry] = []
        self.problems: list[tuple[int, str]] = []

    def _advance(self, end: int) -> None:
        if self.crlf:
            self.line += _newlines(self.text, self.pos, end)
        else:
            self.line += self.text.count("\n", self.pos, end)
        self.pos = end

    def _match(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        match = pattern.match(self.text, self.pos)
        if match is not None:
            self._advance(match.end())
        return match

    def _peek(self) -> str:
        return self.text[self.pos : self.pos + 1]

    def _column(self) -> int:
        line_start = max(self.text.rfind("\n", 0, self.pos), self.text.rfind("\r", 0, self.pos))
        return self.pos - line_start

    def run(self) -> None:
        text = self.text
        size = len(text)
        while True:
            self._match(_SPACE)
            if self.pos >= size:
                return
            start_line = self.line
            try:
                head = _HEAD.match(text, self.pos)
                if head is not None:
                    # The head holds no line break: moving pos needs no line count.
                    self.pos = head.end()
                    self._value(head.group(1), start_line, spaced=head.end(2) > head.start(2))
                else:
                    self._general_binding(start_line)
            except _Malformed as problem:
                self.problems.append((problem.line, problem.message))
                # Same recovery as python-dotenv: drop the rest of the physical line.
                self._match(_REST_OF_LINE)

    def _general_binding(self, start_line: int) -> None:
        exported = self._match(_EXPORT) is not None
        if self._peek() == "#" and not exported:
            self._match(_REST_OF_LINE)
            return
        key = self._key(exported, start_line)
        self._match(_HSPACE)
        if self._peek() != "=":
            self._end_of_line(
                "expected '=' after the variable name (a name may not contain spaces)"
            )
            raise _Malformed(
                "missing '=': a bare variable name has no value; write NAME= for an empty value",
                start_line,
            )
        self.pos += 1
        before_value = self.pos
        self._match(_HSPACE)
        self._value(key, start_line, spaced=self.pos > before_value)

    def _value(self, key: str, start_line: int, *, spaced: bool) -> None:
        """Read the value after ``=`` (and its spaces), then store the entry."""
        text, pos = self.text, self.pos
        char = text[pos : pos + 1]
        if char in ("'", '"'):
            open_line = self.line
            value, literal = self._quoted(char), char == "'"
            if self.line != open_line and not self._at_line_end():
                # The quote that "closed" it belongs to a later line (``C='3'``): this one
                # was never closed. Report it here and read the following lines again.
                closing_line = self.line
                self.pos, self.line = pos, open_line
                raise _Malformed(
                    f"{self._unterminated(char)} (the {char} on line {closing_line} is followed "
                    "by more text, so it cannot close this value)",
                    open_line,
                )
        elif char in ("", "\n", "\r") or (spaced and char == "#"):
            value, literal = "", True
        else:
            match = _REST_OF_LINE.match(text, pos) if self.crlf else None
            end = match.end() if match is not None else text.find("\n", pos)
            if end < 0:
                end = len(text)
            value, literal = text[pos:end], False
            value = _strip_inline_comment(value) if "#" in value else value.rstrip()
            self.pos = end
        if text[self.pos : self.pos + 1] not in ("", "\n", "\r"):
            self._end_of_line("unexpected text after the closing quote; put a '#' before a comment")
        if _NAME.fullmatch(key) is None:
            raise _Malformed(f"invalid variable name: {_NAME_RULE}", start_line)
        references: list[str] = []
        if self.interpolate and not literal and "${" in value:
            budget = min(MAX_VALUE_CHARS, MAX_EXPANDED_CHARS - self.expanded)
            try:
                value = _interpolate(value, self.defined, self.environ, references, budget)
            except _TooLarge:
                limit = "value" if budget == MAX_VALUE_CHARS else "file"
                cap = MAX_VALUE_CHARS if limit == "value" else MAX_EXPANDED_CHARS
                raise _Malformed(
                    f"interpolation makes this {limit} larger than {cap} characters "
                    "(a variable expanding into itself?); write the value out",
                    start_line,
                ) from None
            self.expanded += len(value)
        self.defined[key] = value
        self.entries.append(DotenvEntry(key, value, start_line, tuple(references)))

    def _key(self, exported: bool, start_line: int) -> str:
        if self._peek() == "'":
            # A name never spans lines: look for its closing quote on this line only.
            line_end = self.text.find("\n", self.pos + 1)
            end = self.text.find("'", self.pos + 1, len(self.text) if line_end < 0 else line_end)
            if end <= self.pos + 1:
                raise _Malformed("unterminated or empty single-quoted variable name", start_line)
            key = self.text[self.pos + 1 : end]
            self._advance(end + 1)
            return key
        match = self._match(_KEY)
        if match is None:
            if exported:
                raise _Malformed("missing variable name after 'export'", start_line)
            raise _Malformed("missing variable name before '='", start_line)
        return match.group()

    def _quoted(self, quote: str) -> str:
        end = _closing_quote(self.text, self.pos + 1, quote)
        if end < 0:
            raise _Malformed(self._unterminated(quote), self.line)
        raw = self.text[self.pos + 1 : end]
        self._advance(end + 1)
        return _decode(raw, quote)

    def _unterminated(self, quote: str) -> str:
        kind = "single" if quote == "'" else "double"
        return (
            f"unterminated {kind} quote starting here (column {self._column()}); "
            f"close the value with {quote}"
        )

    def _at_line_end(self) -> bool:
        """True when only blanks, a comment or nothing follow on this line (nothing read)."""
        match = _HSPACE.match(self.text, self.pos)
        char = self.text[match.end() : match.end() + 1] if match else ""
        return char in ("", "\n", "\r", "#")

    def _end_of_line(self, message: str) -> None:
        """Accept an optional inline comment, then a line break or the end of the text."""
        self._match(_HSPACE)
        if self._peek() == "#":
            self._match(_REST_OF_LINE)
        # The line break itself is left for the whitespace skip of the next binding, so
        # that error recovery (drop the rest of the line) never eats the following line.
        if self._peek() not in ("", "\r", "\n"):
            raise _Malformed(f"{message} (column {self._column()})", self.line)


def parse_dotenv(
    text: str,
    *,
    path: str = "<string>",
    environ: Mapping[str, str] | None = None,
    interpolate: bool = True,
    strict: bool = True,
) -> DotenvResult:
    """Parse the text of a .env file.

    Args:
        text: the file content.
        path: the name used in problems (``path:line: message``).
        environ: what ``${VAR}`` may resolve against besides the variables defined earlier
            in the file, which win. ``None`` means nothing: the parser never reads
            ``os.environ``; pass it explicitly if you want it.
        interpolate: expand ``${VAR}`` and ``${VAR:-default}`` in unquoted and
            double-quoted values (single-quoted values are always literal).
        strict: raise on malformed lines; otherwise skip them and report them in
            ``problems``.

    Returns:
        The entries in file order and, in lenient mode, the problems found.

    Raises:
        DotenvError: in strict mode, listing every malformed line at once (never a value).

    Example:
        >>> text = 'export HOST=db\\nURL="postgres://${HOST}:${PORT:-5432}/app"  # main\\n'
        >>> parse_dotenv(text).as_dict()
        {'HOST': 'db', 'URL': 'postgres://db:5432/app'}
    """
    parser = _Parser(text, environ if environ is not None else {}, interpolate)
    parser.run()
    problems = tuple(DotenvProblem(path, line, message) for line, message in parser.problems)
    if strict and problems:
        raise DotenvError(problems)
    return DotenvResult(path, tuple(parser.entries), problems)


def read_dotenv(
    path: str | os.PathLike[str],
    *,
    environ: Mapping[str, str] | None = None,
    interpolate: bool = True,
    strict: bool = True,
    encoding: str = "utf-8",
) -> DotenvResult:
    """Read and parse a .env file; see :func:`parse_dotenv` for the arguments.

    Line breaks are read in universal-newline mode, as python-dotenv reads files.

    Raises:
        DotenvError: in strict mode for malformed lines, and in both modes when the file is
            not valid ``encoding`` (the problem gives the line, not the bytes).
        OSError: when the file cannot be read, is not a regular file (a FIFO, a device) or
            is larger than :data:`MAX_FILE_BYTES`.
    """
    name = os.fspath(path)
    data = read_small_file(name, limit=MAX_FILE_BYTES)
    try:
        decoded = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        message = f"not valid {encoding} text (byte {error.start}); re-save the file as {encoding}"
        raise DotenvError([DotenvProblem(name, line, message)]) from None
    text = decoded.replace("\r\n", "\n").replace("\r", "\n")
    return parse_dotenv(text, path=name, environ=environ, interpolate=interpolate, strict=strict)
