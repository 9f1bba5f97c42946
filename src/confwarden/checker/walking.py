"""Small AST helpers for the single-pass walk: which fields hold children, dotted names,
literal strings, and the cheap test that tells whether a file needs the full walk at all.

They live apart from :mod:`confwarden.checker.visitor` so that the visitor reads as the
list of patterns it recognises, not as AST plumbing.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

__all__ = [
    "FIELDS_OF",
    "MAY_HOLD_NONE",
    "STATEMENT_FIELDS",
    "catches_import_error",
    "child_fields",
    "dotted_name",
    "is_type_checking",
    "literal",
    "needs_full_walk",
]


def literal(node: ast.expr | None) -> str:
    if type(node) is ast.Constant and type(node.value) is str:
        return node.value
    return ""


def dotted_name(node: ast.expr) -> str:
    """``a.b.c`` for a chain of attributes on a name, "" for anything else."""
    parts: list[str] = []
    while type(node) is ast.Attribute:
        parts.append(node.attr)
        node = node.value
    if type(node) is not ast.Name:
        return ""
    parts.append(node.id)
    return ".".join(reversed(parts))


# Fields that never hold child nodes (names, numbers, expression contexts, operators), and
# node types with no children: skipping them is most of what makes the walk fast.
NOT_CHILDREN = frozenset(
    {
        "ctx",
        "op",
        "ops",
        "names",
        "id",
        "attr",
        "arg",
        "name",
        "asname",
        "module",
        "level",
        "conversion",
        "is_async",
        "simple",
        "rest",
        "tag",
        "kind",
        "type_comment",
        "type_ignores",
        "kwd_attrs",
        "lineno",
    }
)
LEAVES = frozenset({ast.Constant, ast.MatchSingleton, ast.Pass, ast.Break, ast.Continue})
# Statement lists, reversed so that a stack pops them in source order.
STATEMENT_FIELDS = ("cases", "finalbody", "orelse", "handlers", "body")
# A file without any of these cannot touch the environment, the way the collector follows
# it: its facts are its imports only, found by the cheap statement walk.
FULL_WALK_TOKENS = (
    b"environ",
    b"getenv",
    b"putenv",
    b"unsetenv",
    b"get_env",
    b"IsolatedEnvironment",
    b"import_module",
    b"__import__",
)
MAY_HOLD_NONE = frozenset({"keys", "kw_defaults"})
FIELDS_OF: dict[type, tuple[str, ...]] = {}


def child_fields(node_type: type) -> tuple[str, ...]:
    """The fields of ``node_type`` that can hold child nodes, in source order, reversed so
    that pushing them on a stack pops them in source order."""
    if node_type in LEAVES:
        return ()
    fields = getattr(node_type, "_fields", ())
    return tuple(reversed([f for f in fields if f not in NOT_CHILDREN]))


def needs_full_walk(data: bytes, factories: Iterable[str]) -> bool:
    if any(token in data for token in FULL_WALK_TOKENS):
        return True
    return any(name.encode() in data for name in factories)


def is_type_checking(test: ast.expr) -> bool:
    return dotted_name(test).rpartition(".")[2] == "TYPE_CHECKING"


_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})


def catches_import_error(node: ast.Try | ast.TryStar) -> bool:
    """Whether a handler of the ``try`` catches a failed import (``except ImportError``,
    ``ModuleNotFoundError``, a tuple naming one, ``Exception`` or a bare ``except``) and
    carries on: a handler that raises (``raise``, ``raise RuntimeError(...) from e``) in its
    own body is no guard, the import still stops the process."""
    for handler in node.handlers:
        if any(type(statement) is ast.Raise for statement in handler.body):
            continue
        caught = handler.type
        if caught is None:
            return True
        items = caught.elts if type(caught) is ast.Tuple else [caught]
        if any(dotted_name(item).rpartition(".")[2] in _IMPORT_ERRORS for item in items):
            return True
    return False
