"""What ``--fix`` must leave alone although it could rewrite it, and why.

A rewrite that parses and checks clean can still change what a service does:

* **A variable the project writes to the process environment.** In development
  ``get_env()`` works on a private copy taken at its first call (docs/environment.md), so
  ``os.environ.setdefault("WORKER_MODE", "sync"); get_env().get("WORKER_MODE")`` reads
  ``None`` where ``os.getenv`` read ``"sync"``. Every read of a variable written anywhere in
  the tree (``os.environ[...] =``, ``setdefault``, ``pop``, ``del``, ``putenv``) is held.
* **A read the user suppressed** (``# confwarden: ignore[CW101]``): rewriting it would make
  the comment stale (CW001) and refuse the whole file.
* **A module the accessor's module imports** (directly or not, or a package above it): the
  import the fix adds would be circular (``ImportError: cannot import name 'get_env' from
  partially initialized module``).
* **``os.environ["X"]`` with ``subscript = true`` when the accessor is confwarden's
  ``IsolatedEnvironment``**, which has no ``[]``: the rewrite is a ``TypeError`` at import.

Each held access is listed with the reason; the rest of its file is still migrated.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from pathlib import Path

from confwarden.checker.facts import VIA_OS, FileFacts
from confwarden.checker.files import read_regular
from confwarden.checker.rules.env_call_signature import Signatures

__all__ = [
    "Holds",
    "accessor_module",
    "circular_reason",
    "held_accesses",
    "import_chain",
    "left_reason",
    "locate_module",
    "subscript_refusal",
    "subscript_refusal_text",
]

Holds = dict[tuple[int, int], str]  # (line, 0-based UTF-8 column) of an access -> why held


def held_accesses(
    facts: FileFacts,
    written: Mapping[str, tuple[str, int]],
    subscript_refused: str = "",
) -> Holds:
    """The direct reads of one file that the rewrite must skip, each with the reason.

    Example:
        >>> from confwarden.checker.visitor import analyze_source
        >>> facts = analyze_source(b"import os\\nA = os.getenv('A')\\n")
        >>> held_accesses(facts, {"A": ("boot.py", 3)})[(2, 4)].split(";")[0]
        'A is written to os.environ at boot.py:3'
    """
    suppressed = {s.line for s in facts.suppressions if not s.codes or "CW101" in s.codes}
    holds: Holds = {}
    for access in facts.env:
        if access.via != VIA_OS or access.op != "read":
            continue
        spot = (access.line, access.column - 1)
        if access.line in suppressed and not access.indirect:
            holds[spot] = (
                "suppressed with `# confwarden: ignore` on its line: the read stays as the "
                "comment asks (remove the comment and run --fix again to migrate it)"
            )
        elif access.name in written and spot not in holds:
            path, line = written[access.name]
            holds[spot] = (
                f"{access.name} is written to os.environ at {path}:{line}; get_env() may "
                "have taken its copy of the environment before (development and testing "
                "isolate it), so the read would stop seeing the write: set it with "
                "get_env().set() there, then migrate this read"
            )
        elif (
            subscript_refused
            and access.form == "os.environ[...]"
            and not access.indirect
            and spot not in holds
        ):
            holds[spot] = subscript_refusal_text(subscript_refused)
    return holds


def subscript_refusal_text(accessor: str) -> str:
    """Why ``os.environ["X"]`` is not rewritten although ``subscript = true``."""
    return (
        f"[tool.confwarden.fix] subscript = true, but {accessor} is confwarden's "
        "IsolatedEnvironment, and IsolatedEnvironment has no [] (a TypeError at import): "
        "use get_env().get() and handle None, by hand"
    )


def _import_target(import_line: str, name: str) -> tuple[str, str] | None:
    """(module, original name) the fix's import binds ``name`` from, None if not a
    ``from module import name``."""
    statement = ast.parse(import_line).body[0]
    if isinstance(statement, ast.ImportFrom) and statement.module and not statement.level:
        for alias in statement.names:
            if (alias.asname or alias.name) == name:
                return statement.module, alias.name
    return None


def accessor_module(import_line: str) -> str:
    """The module the fix's import line runs (``shared.env`` for ``from shared.env import
    get_env``).

    Example:
        >>> accessor_module("from shared.env import get_env")
        'shared.env'
    """
    statement = ast.parse(import_line).body[0]
    if isinstance(statement, ast.ImportFrom):
        return "" if statement.level else statement.module or ""
    if isinstance(statement, ast.Import):
        return statement.names[0].name
    return ""


def subscript_refusal(
    import_line: str, accessor: str, name: str, source: Callable[[str], str | None]
) -> str:
    """The accessor expression when it is confwarden's ``IsolatedEnvironment`` (no ``[]``),
    else "" (a project's own accessor is trusted when the project says it has ``[]``)."""
    if accessor.replace(" ", "") != f"{name}()":
        return ""
    target = _import_target(import_line, name)
    if target is None:
        return ""
    module, factory = target
    if Signatures(source).method(module, factory, "__getitem__") is None:
        return accessor
    return ""


def import_chain(graph: Mapping[str, set[str]], start: str) -> dict[str, list[str]]:
    """Every module importing ``start`` runs, with the chain that gets there (packages
    above a module run first, so they count).

    Example:
        >>> import_chain({"a.env": {"a.paths"}, "a.paths": set()}, "a.env")["a.paths"]
        ['a.paths']
    """
    chains: dict[str, list[str]] = {start: []}
    queue = [start]
    while queue:
        module = queue.pop(0)
        parts = module.split(".")
        nexts = [".".join(parts[:i]) for i in range(1, len(parts))]
        nexts += sorted(graph.get(module, ()))
        for target in nexts:
            if target in graph and target not in chains:
                chains[target] = [*chains[module], target]
                queue.append(target)
    return chains


def circular_reason(module: str, start: str, chain: list[str], name: str) -> str:
    """Why a module that ``start`` (the accessor's module) imports is not rewritten."""
    if not chain:
        return (
            f"{module} is the module the fix would import `{name}` from: it cannot import "
            "it from itself; read the environment here by hand (and list the module in "
            "env_access_allowed)"
        )
    through = " -> ".join(chain)
    return (
        f"{module} is imported by {start} (through {through}), the module the fix would "
        f"import `{name}` from: the import would be a circular import (ImportError at "
        f"start-up); read this variable in {start} or pass it in, by hand"
    )


def left_reason(tree: ast.Module, line: int, column: int) -> str:
    """Why a direct read that looks rewritable was not: the name it goes through.

    ``import os`` inside a function or an ``if``/``try`` block, or an alias of
    ``os.environ`` kept in a variable, is not followed by the rewrite.
    """
    head = ""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call | ast.Subscript)
            and node.lineno == line
            and node.col_offset == column
        ):
            inner: ast.expr = node.func if isinstance(node, ast.Call) else node.value
            while isinstance(inner, ast.Attribute | ast.Call | ast.Subscript):
                inner = inner.func if isinstance(inner, ast.Call) else inner.value
            head = inner.id if isinstance(inner, ast.Name) else ""
            break
    top_imports = {
        alias.asname or alias.name.partition(".")[0]
        for statement in tree.body
        if isinstance(statement, ast.Import | ast.ImportFrom)
        for alias in statement.names
    }
    if head and head not in top_imports:
        imported_below = any(
            isinstance(node, ast.Import | ast.ImportFrom)
            and any((a.asname or a.name.partition(".")[0]) == head for a in node.names)
            for node in ast.walk(tree)
        )
        if imported_below:
            return (
                f"`{head}` is imported inside a block or a function, where --fix does not "
                "look: move the import to the top of the module, or rewrite this read by hand"
            )
        return (
            f"reads through `{head}`, an alias of os.environ or os.getenv kept in a variable: "
            "rewrite it by hand"
        )
    return (
        "a read --fix cannot rewrite as written (no argument, or a computed receiver): "
        "rewrite it by hand"
    )


def locate_module(root: Path) -> Callable[[str], str | None]:
    """Module name -> its source under ``root`` (plain and src layouts), None if absent."""

    def source(module: str) -> str | None:
        base = module.replace(".", "/")
        for prefix in ("", "src/"):
            for candidate in (f"{prefix}{base}.py", f"{prefix}{base}/__init__.py"):
                try:
                    return read_regular(root / candidate).decode("utf-8", errors="replace")
                except OSError:
                    continue
        return None

    return source
