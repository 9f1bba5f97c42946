"""The rewrite of one file: direct environment reads to the project's sanctioned access.

libcst keeps every byte it does not touch (comments, blank lines, quotes, parentheses,
trailing commas), which is what a migration tool must do: the diff a reviewer sees is the
migration and nothing else. See docs/checker.md for why libcst and not ``ast`` splicing,
parso, bowler/fissix or redbaron.

Rewritten (``accessor`` is ``[tool.confwarden.fix] accessor``, ``get_env()`` by default):

* ``os.getenv(...)``, ``getenv(...)`` (``from os import getenv``) -> ``accessor.get(...)``
* ``os.environ.get(...)``, ``environ.get(...)`` -> ``accessor.get(...)``
* ``os.environ["X"]`` read -> ``accessor["X"]``, only with ``subscript = true`` (confwarden's
  accessor has no ``[]``: a missing variable would stop raising ``KeyError``)

Left as they are (the engine lists them): writes (``os.environ[k] = v``, ``del``,
``setdefault``, ``pop``, ``update``, ``putenv``), ``in os.environ``, and ``os.environ``
used as a mapping (passed to a function, iterated, copied, aliased).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from confwarden.checker.fix.shadowing import find_shadowing

if TYPE_CHECKING:
    import libcst as cst

__all__ = ["Rewrite", "accessor_name", "rewrite_source"]

INSTALL = "pip install 'confwarden[check]'"


@dataclass(frozen=True)
class Rewrite:
    """The outcome for one file: the new source (None when nothing changed) and how many
    accesses were rewritten."""

    source: str | None
    rewritten: int


def _libcst() -> Any:
    try:
        import libcst
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise ImportError(
            f"confwarden check --fix needs libcst; install it with: {INSTALL}"
        ) from exc
    return libcst


def _dotted(node: cst.BaseExpression) -> str:
    import libcst as cst

    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return ""
    parts.append(node.value)
    return ".".join(reversed(parts))


def _bindings(module: cst.Module) -> tuple[set[str], set[str], set[str], set[str]]:
    """Names bound at the top of the module to ``os``, ``os.environ``, ``os.getenv``, and
    every other top-level import binding."""
    import libcst as cst

    os_names: set[str] = set()
    environ_names: set[str] = set()
    getenv_names: set[str] = set()
    imported: set[str] = set()
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    name = _dotted(alias.name)
                    local = alias.asname.name.value if alias.asname else name.partition(".")[0]  # type: ignore[union-attr]
                    imported.add(local)
                    # ``import os.path`` binds ``os`` too: the os module itself.
                    if name == "os" or (name.startswith("os.") and alias.asname is None):
                        os_names.add(local)
            elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                module_name = _dotted(small.module) if small.module else ""
                for alias in small.names:
                    original = _dotted(alias.name)
                    local = alias.asname.name.value if alias.asname else original  # type: ignore[union-attr]
                    imported.add(local)
                    if module_name == "os" and not small.relative:
                        if original == "environ":
                            environ_names.add(local)
                        elif original == "getenv":
                            getenv_names.add(local)
    return os_names, environ_names, getenv_names, imported


def accessor_name(accessor: str) -> str:
    """The name an accessor expression starts from (``get_env`` for ``get_env()``).

    Example:
        >>> accessor_name("settings.env()")
        'settings'
    """
    import ast

    node = ast.parse(accessor, mode="eval").body
    while isinstance(node, ast.Call | ast.Attribute | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def _import_names(import_line: str) -> set[str]:
    import ast

    statement = ast.parse(import_line).body[0]
    assert isinstance(statement, ast.Import | ast.ImportFrom)
    return {(a.asname or a.name).partition(".")[0] for a in statement.names}


def _transformer(  # noqa: PLR0917 - one private call site
    accessor: str,
    subscript: bool,
    os_names: set[str],
    environ_names: set[str],
    getenv: set[str],
    shadowed: Callable[[int, int], bool] | None,
    lines: list[str],
) -> Any:
    import libcst as cst
    from libcst.metadata import PositionProvider

    accessor_node = cst.parse_expression(accessor)

    class _Rewriter(cst.CSTTransformer):
        METADATA_DEPENDENCIES = (PositionProvider,) if shadowed else ()

        def __init__(self) -> None:
            super().__init__()
            self.count = 0
            self.stores: set[int] = set()  # ids of expressions written or deleted

        def _store(self, node: cst.BaseExpression) -> None:
            self.stores.add(id(node))
            if isinstance(node, cst.Tuple | cst.List):
                for element in node.elements:
                    self._store(element.value)

        def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
            self._store(node.target)

        def visit_AugAssign(self, node: cst.AugAssign) -> None:
            self._store(node.target)

        def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
            self._store(node.target)

        def visit_Del(self, node: cst.Del) -> None:
            self._store(node.target)

        def visit_For(self, node: cst.For) -> None:
            self._store(node.target)

        def _is_environ(self, node: cst.BaseExpression) -> bool:
            dotted = _dotted(node)
            head, _, attr = dotted.partition(".")
            return (attr == "environ" and head in os_names) or (not attr and head in environ_names)

        def _is_getenv(self, node: cst.BaseExpression) -> bool:
            dotted = _dotted(node)
            head, _, attr = dotted.partition(".")
            return (attr == "getenv" and head in os_names) or (not attr and head in getenv)

        def _shadowed(self, original: cst.CSTNode) -> bool:
            if shadowed is None:
                return False
            start = self.get_metadata(PositionProvider, original).start
            column = len(lines[start.line - 1][: start.column].encode("utf-8"))
            return shadowed(start.line, column)

        def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
            func = updated.func
            reads = self._is_getenv(func) or (
                isinstance(func, cst.Attribute)
                and func.attr.value == "get"
                and self._is_environ(func.value)
            )
            if not reads or not updated.args or self._shadowed(original):
                return updated
            self.count += 1
            return updated.with_changes(
                func=cst.Attribute(value=accessor_node, attr=cst.Name("get"))
            )

        def leave_Subscript(
            self, original: cst.Subscript, updated: cst.Subscript
        ) -> cst.BaseExpression:
            if not subscript or id(original) in self.stores or not self._is_environ(updated.value):
                return updated
            if self._shadowed(original):
                return updated
            self.count += 1
            return updated.with_changes(value=accessor_node)

    return _Rewriter()


def _unused(code: str, names: set[str]) -> set[str]:
    """Which of ``names`` the new code no longer loads (``ast`` is 10x faster than a CST
    visitor for this, and the code was just printed by libcst, so it parses)."""
    import ast

    used = {
        node.id
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Name) and node.id in names
    }
    return names - used


def _exported(module: cst.Module) -> set[str]:
    """The names of a literal ``__all__``: re-exported, so never removed (another module
    may import ``os`` from this one)."""
    import ast

    import libcst as cst

    names: set[str] = set()
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            targets: list[Any] = []
            if isinstance(small, cst.Assign):
                targets = [t.target for t in small.targets]
            elif isinstance(small, cst.AugAssign | cst.AnnAssign):
                targets = [small.target]
            if any(isinstance(t, cst.Name) and t.value == "__all__" for t in targets):
                value = getattr(small, "value", None)
                try:
                    literal = ast.literal_eval(module.code_for_node(value)) if value else ()
                except (ValueError, SyntaxError):
                    continue
                if isinstance(literal, list | tuple | set):
                    names.update(n for n in literal if isinstance(n, str))
    return names


def _drop_unused(module: cst.Module, unused: set[str]) -> cst.Module:
    """Remove top-level ``import os`` / ``from os import getenv`` bindings nobody uses now."""
    import libcst as cst

    body = []
    carried: list[Any] = []  # comment lines above a removed import stay in the file
    for original in module.body:
        statement = original
        if carried:
            statement = statement.with_changes(leading_lines=[*carried, *statement.leading_lines])
            carried = []
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            small = statement.body[0]
            removable = isinstance(small, cst.Import) or (
                isinstance(small, cst.ImportFrom)
                and not small.relative
                and small.module is not None
                and _dotted(small.module) == "os"
            )
            names = getattr(small, "names", None)
            if removable and isinstance(names, list | tuple):
                keep = [alias for alias in names if not _drops(alias, small, unused)]
                if not keep:
                    carried = [line for line in statement.leading_lines if line.comment]
                    continue
                if len(keep) != len(names):
                    keep[-1] = keep[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                    statement = statement.with_changes(body=[small.with_changes(names=keep)])
        body.append(statement)
    return module.with_changes(body=body)


def _drops(alias: Any, statement: Any, unused: set[str]) -> bool:
    """Whether an alias of an ``import os`` / ``from os import ...`` binds an unused name."""
    import libcst as cst

    original = _dotted(alias.name)
    local = alias.asname.name.value if alias.asname else original.partition(".")[0]
    if isinstance(statement, cst.Import):
        return original == "os" and local in unused
    return local in unused


def _insert_import(module: cst.Module, import_line: str) -> cst.Module:
    """Add the import after the module's leading docstring and imports."""
    import libcst as cst

    position = 0
    for index, statement in enumerate(module.body):
        if not isinstance(statement, cst.SimpleStatementLine):
            break
        small = statement.body[0]
        docstring = (
            index == 0
            and isinstance(small, cst.Expr)
            and isinstance(small.value, cst.SimpleString | cst.ConcatenatedString)
        )
        if docstring or isinstance(small, cst.Import | cst.ImportFrom):
            position = index + 1
            continue
        break
    line = cst.parse_statement(import_line + "\n")
    body = list(module.body)
    body.insert(position, line)
    return module.with_changes(body=body)


def rewrite_source(
    source: str,
    *,
    accessor: str,
    import_line: str,
    subscript: bool = False,
    keep: frozenset[str] = frozenset(),
    hold: frozenset[tuple[int, int]] = frozenset(),
) -> Rewrite:
    """Rewrite the direct environment reads of one module.

    Args:
        source: the module's text.
        accessor: the sanctioned environment object, as an expression (``get_env()``).
        import_line: the import that binds the accessor's name.
        subscript: the accessor supports ``accessor["NAME"]`` raising ``KeyError``.
        keep: names other modules import from this one: their imports stay.
        hold: (line, 0-based UTF-8 column) of reads to leave as they are (a suppressed
            read, a variable the project writes: see :mod:`~confwarden.checker.fix.safety`).

    Returns:
        The new text (None when nothing was rewritten) and the number of rewrites.

    Raises:
        ImportError: libcst is not installed (the message names the extra).
        libcst.ParserSyntaxError: the module does not parse.

    Example:
        >>> rewrite_source(
        ...     "import os\\nx = os.getenv('A', '1')  # why\\n",
        ...     accessor="get_env()",
        ...     import_line="from confwarden import get_env",
        ... ).source
        "from confwarden import get_env\\nx = get_env().get('A', '1')  # why\\n"
    """
    _libcst()
    import libcst as cst

    module = cst.parse_module(source)
    os_names, environ_names, getenv_names, imported = _bindings(module)
    if not (os_names or environ_names or getenv_names):
        return Rewrite(None, 0)
    shadowing = find_shadowing(source, accessor_name(accessor))
    if shadowing.module_binds:
        return Rewrite(None, 0)
    skip: Callable[[int, int], bool] | None = None
    if shadowing.regions or hold:
        skip = lambda line, column: (line, column) in hold or shadowing.covers(line, column)  # noqa: E731
    transformer = _transformer(
        accessor,
        subscript,
        os_names,
        environ_names,
        getenv_names,
        skip,
        source.splitlines(),
    )
    if skip is not None:
        changed = cst.MetadataWrapper(module, unsafe_skip_copy=True).visit(transformer)
    else:
        changed = module.visit(transformer)
    if not transformer.count:
        return Rewrite(None, 0)
    unused = _unused(changed.code, os_names | environ_names | getenv_names)
    unused -= _exported(module) | keep
    if unused:
        changed = _drop_unused(changed, unused)
    if not _import_names(import_line) & imported:
        changed = _insert_import(changed, import_line)
    return Rewrite(changed.code, transformer.count)
