"""Where a value came from: the provenance every variable carries.

Modelled on click's ``ParameterSource``, with the file, line and code location added, so that
``confwarden env explain VAR`` can say "from .env.development:12, overriding the process
environment" instead of just "from somewhere".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Source", "SourceKind"]


class SourceKind(StrEnum):
    """The kinds of place a value can come from, in no particular order."""

    OS = "os"
    DOTENV = "dotenv"
    SET = "set"
    SECRET = "secret"
    FALLBACK = "fallback"
    DEFAULT = "default"


@dataclass(frozen=True, slots=True)
class Source:
    """The origin of one value.

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
        if self.kind is SourceKind.OS:
            return "os environment"
        if self.kind is SourceKind.DOTENV:
            return f".env file {self.location}"
        if self.kind is SourceKind.SET:
            where = f" at {self.location}" if self.location else ""
            return f"set() by {self.detail or 'unknown'}{where}"
        if self.kind is SourceKind.SECRET:
            version = f" version {self.version}" if self.version else ""
            return f"secret {self.detail}{version}"
        if self.kind is SourceKind.FALLBACK:
            return f"fallback ({self.detail})" if self.detail else "fallback"
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
