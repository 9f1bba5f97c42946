"""Where the name ``--fix`` introduces would not mean the accessor: shadowed scopes.

``os.getenv("A")`` -> ``get_env().get("A")`` is only right where ``get_env`` resolves to the
module-level import the fix adds (or finds). Inside ``def f(get_env=None)`` it is the
parameter, and the rewrite turns a working read into a ``TypeError`` at run time that no
static check notices (the name is defined). This module finds those places with one walk
of the ``ast``:

* a function, lambda or comprehension that binds the name (parameter, assignment, loop or
  ``with``/``except`` target, import, nested ``def``/``class``, walrus, ``nonlocal``,
  match capture) shadows it in all of its text, nested scopes included;
* a class body that binds it shadows it in the body, not in its methods (which skip the
  class scope);
* a binding at module level (other than an import), or one under ``global``, makes the
  whole module refuse: the added import would be overwritten or would overwrite it.

The regions are conservative (a default value of a shadowing function counts as inside it):
an access left alone is listed with the reason, an access rewritten wrongly breaks a service.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Shadowing", "find_shadowing"]

_Position = tuple[int, int]  # (line, UTF-8 byte column), as ``ast`` counts them
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


@dataclass
class Shadowing:
    """Where ``name`` is not the module's binding.

    Attributes:
        name: the name the fix introduces (``get_env``).
        module_binds: the module binds it itself (not by an import), so nothing is rewritten.
        regions: (start, end, holes) spans where it is a local name; ``holes`` are the
            methods of a class body, where the class binding does not apply.
    """

    name: str
    module_binds: bool = False
    regions: list[tuple[_Position, _Position, list[tuple[_Position, _Position]]]] = field(
        default_factory=list
    )

    def covers(self, line: int, column: int) -> bool:
        """Whether the name is shadowed at (line, UTF-8 byte column).

        Example:
            >>> find_shadowing("def f(get_env):\\n    return 1\\n", "get_env").covers(2, 4)
            True
        """
        spot = (line, column)
        for start, end, holes in self.regions:
            if start <= spot < end and not any(a <= spot < b for a, b in holes):
                return True
        return False


def _span(node: ast.AST) -> tuple[_Position, _Position]:
    start = (node.lineno, node.col_offset)  # type: ignore[attr-defined]
    for decorator in getattr(node, "decorator_list", ()):
        start = min(start, (decorator.lineno, decorator.col_offset))
    end = (node.end_lineno or node.lineno, node.end_col_offset or 0)  # type: ignore[attr-defined]
    return start, end


class _Walk:
    def __init__(self, name: str) -> None:
        self.name = name
        self.result = Shadowing(name)

    def binds(self, node: ast.AST) -> bool:
        """Whether ``node`` itself binds the name in the scope it belongs to."""
        name = self.name
        if isinstance(node, ast.Name):
            return node.id == name and not isinstance(node.ctx, ast.Load)
        if isinstance(node, ast.arg):
            return node.arg == name
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            return node.name == name
        if isinstance(node, ast.alias):
            return (node.asname or node.name.partition(".")[0]) == name
        if isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar):
            return node.name == name
        if isinstance(node, ast.MatchMapping):
            return node.rest == name
        if isinstance(node, ast.Nonlocal):
            return name in node.names
        return False

    def scope(self, node: ast.AST, children: Sequence[ast.AST]) -> tuple[bool, bool]:
        """Walk one scope's own nodes; return (binds the name, declares it global).

        Nested scopes are walked on their own; their ``def``/``class`` name (and a walrus
        in a comprehension) binds in this scope.
        """
        binds = declared_global = False
        stack = list(reversed(children))
        while stack:
            child = stack.pop()
            if isinstance(child, ast.Global) and self.name in child.names:
                declared_global = True
            if self.binds(child):
                binds = True
            if isinstance(child, (*_FUNCTIONS, ast.ClassDef, *_COMPREHENSIONS)):
                if self.nested(child):
                    binds = True  # a walrus in a comprehension binds here
                # Defaults, decorators and bases are evaluated here: walk them too.
                stack.extend(reversed(_outer_parts(child)))
                continue
            stack.extend(reversed(list(ast.iter_child_nodes(child))))
        return binds, declared_global

    def nested(self, node: ast.AST) -> bool:
        """Walk a nested scope; return whether a walrus inside binds the name outside."""
        binds, declared_global = self.scope(node, _inner_parts(node))
        walrus = (
            binds
            and isinstance(node, _COMPREHENSIONS)
            and any(
                isinstance(n, ast.NamedExpr) and n.target.id == self.name for n in ast.walk(node)
            )
        )
        if declared_global:
            self.result.module_binds = self.result.module_binds or binds
            return False
        if binds:
            start, end = _span(node)
            holes = []
            if isinstance(node, ast.ClassDef):
                holes = [_span(n) for n in ast.walk(node) if isinstance(n, _FUNCTIONS)]
            self.result.regions.append((start, end, holes))
        return walrus


def _outer_parts(node: ast.AST) -> list[ast.AST]:
    """The parts of a scope-making node evaluated in the enclosing scope."""
    if isinstance(node, ast.Lambda | ast.FunctionDef | ast.AsyncFunctionDef):
        args = node.args
        parts: list[ast.AST] = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
        if not isinstance(node, ast.Lambda):
            parts += node.decorator_list
        return parts
    if isinstance(node, ast.ClassDef):
        return [*node.decorator_list, *node.bases, *node.keywords]
    return []


def _inner_parts(node: ast.AST) -> list[ast.AST]:
    """The parts of a scope-making node that belong to its own scope."""
    if isinstance(node, ast.Lambda):
        return [*_arguments(node.args), node.body]
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return [*_arguments(node.args), *node.body]
    if isinstance(node, ast.ClassDef):
        return list(node.body)
    return list(ast.iter_child_nodes(node))  # comprehensions: conservatively all of it


def _arguments(args: ast.arguments) -> list[ast.AST]:
    found: list[ast.AST] = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    found += [a for a in (args.vararg, args.kwarg) if a is not None]
    return found


def find_shadowing(source: str | ast.Module, name: str) -> Shadowing:
    """Where ``name`` is bound by something else than a module-level import.

    Args:
        source: the module's text (or its tree).
        name: the name the fix introduces.

    Returns:
        The shadowed regions (empty when the name is not in the text at all: the fast path).

    Example:
        >>> find_shadowing("x = 1\\n", "get_env").regions
        []
    """
    if isinstance(source, str):
        if name not in source:
            return Shadowing(name)
        source = ast.parse(source)
    walk = _Walk(name)
    imports = (ast.Import, ast.ImportFrom)
    top = [n for n in source.body if not isinstance(n, imports)]
    binds, _ = walk.scope(source, top)
    walk.result.module_binds = walk.result.module_binds or binds
    return walk.result
