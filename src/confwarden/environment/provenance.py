"""Where a value came from: the provenance every variable carries.

Modelled on click's ``ParameterSource``, with the file, line and code location added, so that
``confwarden env explain VAR`` can say "from .env.development:12, overriding the process
environment" instead of just "from somewhere".
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

__all__ = ["Source", "SourceKind"]


class SourceKind(StrEnum):
    """The kinds of place a value can come from, in no particular order."""

    OS = "os"
    DOTENV = "dotenv"
    SET = "set"
    SECRET = "secret"
    FALLBACK = "fallback"
    DEFAULT = "default"


class Source(NamedTuple):
    """The origin of one value (immutable).

    A named tuple rather than a dataclass because one is created on every ``set()``, and a
    tuple is built several times faster than a frozen dataclass.

    Attributes:
        kind: what kind of source it is.
        detail: who or what: the ``source=`` given to ``set()``, a secret name, a fallback's
            reason.
        path: the file it was read from (``.env`` files, mounted secrets), or the code file of
            the ``set()`` call.
        line: the line in ``path``.
        version: a secret's version, where the store has versions.
    """

    kind: SourceKind
    detail: str | None = None
    path: str | None = None
    line: int | None = None
    version: str | None = None

    @property
    def location(self) -> str | None:
        """``path:line`` when known."""
        if self.path is None:
            return None
        return f"{self.path}:{self.line}" if self.line is not None else self.path

    def __str__(self) -> str:
        # Plain string comparisons: this runs once per set() with a callback attached.
        kind, detail, path, line, version = self
        if kind == "set":
            if path is None:
                return f"set() by {detail or 'unknown'}"
            return f"set() by {detail or 'unknown'} at {path}:{line}"
        if kind == "os":
            return "os environment"
        if kind == "dotenv":
            return f".env file {self.location}"
        if kind == "secret":
            return f"secret {detail} version {version}" if version else f"secret {detail}"
        if kind == "fallback":
            return f"fallback ({detail})" if detail else "fallback"
        return "default"

    def to_dict(self) -> dict[str, str | int | None]:
        """A JSON-ready form."""
        return {
            "kind": self.kind.value,
            "detail": self.detail,
            "path": self.path,
            "line": self.line,
            "version": self.version,
            "description": str(self),
        }


OS_SOURCE = Source(SourceKind.OS)

_new_tuple = tuple.__new__


def set_source(detail: str, path: str, line: int) -> Source:
    """A ``set()`` source, built on the hot path without NamedTuple's argument handling."""
    return _new_tuple(Source, (_SET, detail, path, line, None))


_SET = SourceKind.SET
