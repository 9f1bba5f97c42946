"""CW110 undefined-name-in-annotation: a name in an annotation that is never evaluated.

What it does:
    Reports the undefined names of ruff's F821 that sit where Python never evaluates them:
    inside a string annotation (``def f() -> "ToolDispatcher":``), in any function or
    variable annotation of a module with ``from __future__ import annotations``, in the
    annotation of a local variable, and in the string type arguments of ``cast("T", x)`` and
    ``TypeVar("T", bound="B")``. They are split from CW106 because they cannot raise
    ``NameError`` at run time. The rule is opt-in (``select = ["CW110"]``): the finding is
    real for type checkers and ``typing.get_type_hints()``, not for a deploy.

Why is this bad:
    A type checker cannot resolve the name, and anything that evaluates annotations at run
    time (pydantic, dataclass-based serialisers, ``get_type_hints``) fails on it. Often the
    name is imported only under ``TYPE_CHECKING`` in another module, or the import was lost
    in a refactor.

Example:
    .. code-block:: python

        def dispatcher(self) -> "ToolDispatcher": ...

Use instead:
    .. code-block:: python

        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from app.tools import ToolDispatcher

        def dispatcher(self) -> "ToolDispatcher": ...
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from confwarden.checker.findings import Rule

__all__ = ["RULE", "annotation_only"]

RULE = Rule(
    "CW110",
    "undefined-name-in-annotation",
    "name in a never-evaluated annotation is not defined or imported",
    level="note",
)

Span = tuple[int, int, int, int]  # (line, column, end line, end column), 1-based lines


def _span(node: ast.expr) -> Span:
    return (node.lineno, node.col_offset, node.end_lineno or node.lineno, node.end_col_offset or 0)


def _lazy_spans(tree: ast.Module) -> list[Span]:
    """Spans of every annotation that Python does not evaluate at run time."""
    future = any(
        isinstance(node, ast.ImportFrom)
        and node.module == "__future__"
        and any(a.name == "annotations" for a in node.names)
        for node in tree.body
    )
    spans: list[Span] = []
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]  # (node, inside a function body)
    while stack:
        node, in_function = stack.pop()
        annotations: list[ast.expr] = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
            annotations = [a.annotation for a in every if a is not None and a.annotation]
            if node.returns is not None:
                annotations.append(node.returns)
            lazy = future
        elif isinstance(node, ast.AnnAssign):
            annotations = [node.annotation]
            lazy = future or in_function  # local annotations are never evaluated
        elif isinstance(node, ast.Call):
            spans.extend(_span(n) for n in _type_strings(node))
        for annotation in annotations:
            if lazy:
                spans.append(_span(annotation))
            else:  # an evaluated annotation: only its string parts are lazy
                spans.extend(
                    _span(n)
                    for n in ast.walk(annotation)
                    if isinstance(n, ast.Constant) and isinstance(n.value, str)
                )
        inner = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        stack.extend((child, inner) for child in ast.iter_child_nodes(node))
    return spans


def _type_strings(call: ast.Call) -> list[ast.expr]:
    """The string arguments of ``cast("T", x)`` and ``TypeVar("T", "A", bound="B")``: type
    expressions for type checkers, never evaluated by Python."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    if name == "cast":
        candidates = call.args[:1]
    elif name == "TypeVar":
        candidates = [*call.args[1:], *(k.value for k in call.keywords if k.arg == "bound")]
    else:
        return []
    return [n for n in candidates if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _inside(line: int, column: int, span: Span) -> bool:
    start_line, start_col, end_line, end_col = span
    if (line, column) < (start_line, start_col):
        return False
    return (line, column) < (end_line, end_col)


def annotation_only(data: bytes, hits: Iterable[tuple[int, int, str]]) -> list[bool]:
    """For each ruff hit ``(line, 1-based column, message)``: is it in a lazy annotation?"""
    items = list(hits)
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return [False] * len(items)
    spans = _lazy_spans(tree)
    return [any(_inside(line, column - 1, span) for span in spans) for line, column, _ in items]
