"""The facts one pass over a file extracts, from which every per-file rule is decided.

A file is parsed once and walked once (:mod:`confwarden.checker.visitor`); what the walk
finds is recorded here as small tuples. Rules read facts, never trees, which is what lets
the cache store a file's facts and skip the parse entirely when the file did not change.
Every fact is a plain tuple of strings and ints so that it can be stored with ``marshal``.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "EnvAccess",
    "EnvCall",
    "FileFacts",
    "ImportFact",
    "OutputCall",
    "ParseError",
    "Suppression",
    "facts_from_plain",
    "facts_to_plain",
]

VIA_OS = "os"
VIA_ACCESSOR = "accessor"


class EnvAccess(NamedTuple):
    """One touch of the process environment.

    ``via`` is ``"os"`` (``os.environ``, ``os.getenv``...) or ``"accessor"`` (``get_env()``,
    ``IsolatedEnvironment``). ``name`` is the variable when it is a literal, else "".
    ``op`` is ``read``, ``write`` or ``ref`` (the object itself, e.g. ``e = os.environ``).
    ``scope`` numbers the enclosing function (0: module level); ``target`` is the local
    name the value was assigned to ("" if none). ``indirect`` says how a name that is not a
    literal at the access reaches it ("through NAMES", "through helper _get()"); such an
    access repeats a direct one for each name it may read, so rules about the access itself
    (CW101, CW102) skip it and rules about names (CW103, CW104, CW107) use it.
    """

    line: int
    column: int
    via: str
    form: str
    name: str
    op: str
    scope: int
    target: str
    indirect: str = ""


class EnvCall(NamedTuple):
    """A call of the sanctioned factory (``kind="factory"``) or of a method of the object it
    returns (``kind="method"``), or a subscript of that object (``kind="subscript"``, ``name``
    ``__getitem__``/``__setitem__``), with its argument shape, for the signature rule (CW111).

    ``origin`` is the module the factory was imported from (or defined in, "" if unknown).
    """

    line: int
    column: int
    kind: str
    name: str
    origin: str
    positional: int
    keywords: tuple[str, ...]
    starred: bool


class ImportFact(NamedTuple):
    """One import: the absolute module and how it happens.

    ``kind`` is "" (top level), ``function`` (inside a function), ``type_checking`` (under
    ``if TYPE_CHECKING``), ``guarded`` (in the body of a ``try`` whose handler catches
    ``ImportError``) or ``importlib`` (``importlib.import_module("literal")``).
    ``names`` are the names of a ``from`` import, which may be submodules.
    """

    line: int
    column: int
    module: str
    kind: str
    names: tuple[str, ...]


class OutputCall(NamedTuple):
    """A ``print``/logging call: the local names its arguments use, and the variables its
    arguments read from the environment directly."""

    line: int
    column: int
    func: str
    names: tuple[str, ...]
    env_names: tuple[str, ...]
    scope: int


class Suppression(NamedTuple):
    """A ``# confwarden: ignore[...]`` comment; empty ``codes`` means every code."""

    line: int
    codes: tuple[str, ...]


class ParseError(NamedTuple):
    """Why a file could not be parsed.

    ``newer`` names the newer-Python construct the error can stand for ("" for an error
    no Python accepts): see :mod:`confwarden.checker.newer_syntax`.
    """

    line: int
    column: int
    message: str
    newer: str = ""


class FileFacts(NamedTuple):
    """Everything the per-file pass knows about one file."""

    lines: int
    env: tuple[EnvAccess, ...] = ()
    imports: tuple[ImportFact, ...] = ()
    outputs: tuple[OutputCall, ...] = ()
    suppressions: tuple[Suppression, ...] = ()
    error: ParseError | None = None
    calls: tuple[EnvCall, ...] = ()
    attributes: tuple[str, ...] = ()


Plain = tuple[object, ...]


def facts_to_plain(facts: FileFacts) -> Plain:
    """Plain tuples (no NamedTuple subclasses) that ``marshal`` can store."""
    return (
        facts.lines,
        tuple(tuple(a) for a in facts.env),
        tuple(tuple(i) for i in facts.imports),
        tuple(tuple(o) for o in facts.outputs),
        tuple(tuple(s) for s in facts.suppressions),
        tuple(facts.error) if facts.error else None,
        tuple(tuple(c) for c in facts.calls),
        facts.attributes,
    )


def facts_from_plain(plain: Plain) -> FileFacts:
    """The inverse of :func:`facts_to_plain`."""
    lines, env, imports, outputs, suppressions, error, calls, attributes = plain
    return FileFacts(
        lines,  # type: ignore[arg-type]
        tuple(EnvAccess(*a) for a in env),  # type: ignore[attr-defined]
        tuple(ImportFact(*i) for i in imports),  # type: ignore[attr-defined]
        tuple(OutputCall(*o) for o in outputs),  # type: ignore[attr-defined]
        tuple(Suppression(*s) for s in suppressions),  # type: ignore[attr-defined]
        ParseError(*error) if error else None,  # type: ignore[misc]
        tuple(EnvCall(*c) for c in calls),  # type: ignore[attr-defined]
        attributes,  # type: ignore[arg-type]
    )
