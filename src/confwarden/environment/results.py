"""What the environment layer's operations return: loads, validations, explanations.

Plain immutable records, kept apart from :mod:`confwarden.environment.isolated` so that the
class doing the work reads as the work. Every value in them is already masked where it may be
shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from confwarden.environment.masking import MASK, is_sensitive_name, mask_value
from confwarden.environment.provenance import Source
from confwarden.errors import DotenvProblem

__all__ = [
    "DotenvEntry",
    "DotenvResult",
    "EnvValidationResult",
    "LoadResult",
    "VariableExplanation",
]


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What :meth:`IsolatedEnvironment.load_from_file` did.

    Attributes:
        path: the file read.
        loaded: variables set from the file, with their source (file:line).
        skipped: variables the file defines but that kept their existing value because
            ``override`` was false (the process environment wins over ``.env``).
        problems: malformed lines (lenient mode only; strict mode raises).
    """

    path: str
    loaded: dict[str, Source] = field(default_factory=dict)
    skipped: dict[str, Source] = field(default_factory=dict)
    problems: tuple[DotenvProblem, ...] = ()


@dataclass(frozen=True, slots=True)
class EnvValidationResult:
    """Outcome of :meth:`IsolatedEnvironment.validate_all`; every problem at once."""

    missing: tuple[str, ...]
    empty: tuple[str, ...]

    @property
    def is_valid(self) -> bool:
        """True when every required variable is set to a non-empty value."""
        return not self.missing and not self.empty

    @property
    def errors(self) -> list[str]:
        """One message per problem, naming the variable and what to do."""
        messages = [
            f"{key}: required but not set. Set it in the environment." for key in self.missing
        ]
        messages += [
            f"{key}: required but set to an empty value. Give it a value or unset it."
            for key in self.empty
        ]
        return messages


@dataclass(frozen=True, slots=True)
class VariableExplanation:
    """Everything known about one variable, masked: the answer to ``env explain VAR``."""

    key: str
    value: str | None
    source: Source | None
    overridden: tuple[tuple[Source, str | None], ...]
    shadowed: tuple[Source, ...]
    sensitive: bool
    protected: bool

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form (values already masked)."""
        return {
            "key": self.key,
            "set": self.source is not None,
            "value": self.value,
            "sensitive": self.sensitive,
            "protected": self.protected,
            "source": self.source.to_dict() if self.source else None,
            "overridden": [{"source": s.to_dict(), "value": v} for s, v in self.overridden],
            "shadowed": [s.to_dict() for s in self.shadowed],
        }


@dataclass(frozen=True, slots=True)
class DotenvEntry:
    """One assignment of a .env file.

    Attributes:
        key: the variable name.
        value: the value, unquoted, unescaped and interpolated.
        line: the 1-based line where the assignment starts.
        references: the variables ``${...}`` interpolated into the value, so that a copy of
            a secret (``COPY=${DB_PASSWORD}``) can be masked like the secret.
    """

    key: str
    value: str
    line: int
    references: tuple[str, ...] = ()

    def __repr__(self) -> str:
        # The value may be a secret: show it only through the one masking function.
        shown = mask_value(self.key, self.value)
        if any(is_sensitive_name(name) for name in self.references):
            shown = MASK
        return f"DotenvEntry(key={self.key!r}, value={shown!r}, line={self.line})"


@dataclass(frozen=True, slots=True)
class DotenvResult:
    """The outcome of parsing one .env input.

    Attributes:
        path: the file path, or ``"<string>"`` for text.
        entries: the assignments in file order; a key may repeat (the last one wins).
        problems: the malformed lines that were skipped (always empty in strict mode,
            which raises instead).
    """

    path: str
    entries: tuple[DotenvEntry, ...]
    problems: tuple[DotenvProblem, ...]

    def as_dict(self) -> dict[str, str]:
        """Return ``{key: value}``, the last assignment of a key winning.

        Example:
            >>> from confwarden.environment.dotenv import parse_dotenv
            >>> parse_dotenv("A=1\\nA=2\\n").as_dict()
            {'A': '2'}
        """
        return {entry.key: entry.value for entry in self.entries}
