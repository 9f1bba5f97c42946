"""The single pass over a file: parse once, walk once, record :mod:`facts`.

Speed matters here (the target is 100,000 lines/s on two processes, close to what
``ast.parse`` alone manages), so the walk is one explicit-stack loop that dispatches on the
node type to a handful of handlers; every rule then works from the recorded facts. The
explicit stack also means a deeply nested file cannot exhaust the recursion limit.

Aliases are followed in source order (``import os as _os``, ``e = os.environ``,
``self._env = get_env()``...): the collector is an :class:`~confwarden.checker.aliases.
AliasTracker` that its import and assignment handlers keep up to date.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from confwarden.checker.aliases import ACCESSOR, ENVIRON, OS, AliasTracker
from confwarden.checker.excerpts import wide_encoding
from confwarden.checker.facts import (
    VIA_ACCESSOR,
    VIA_OS,
    EnvAccess,
    EnvCall,
    FileFacts,
    ImportFact,
    OutputCall,
    ParseError,
)
from confwarden.checker.newer_syntax import newer_construct
from confwarden.checker.patterns import (
    CALL_ATTRS,
    CALL_NAMES,
    LOG_METHODS,
    OS_ATTRS,
    SAFE_WRAPPERS,
)
from confwarden.checker.suppressions import find_suppressions
from confwarden.checker.travel import travelled_accesses
from confwarden.checker.walking import (
    FIELDS_OF,
    MAY_HOLD_NONE,
    STATEMENT_FIELDS,
    catches_import_error,
    child_fields,
    dotted_name,
    is_type_checking,
    literal,
    needs_full_walk,
)

__all__ = ["analyze_source", "count_lines"]

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_TOP, _FUNCTION, _TYPE_CHECKING, _GUARDED = "", "function", "type_checking", "guarded"
_TRY = (ast.Try, ast.TryStar)
_WIDE = "{} encoded: Python reads source files as UTF-8 and cannot import it; save it as UTF-8"
# Attribute names read anywhere in a file (for typed schema fields, CW108): a regex over the
# bytes costs a fraction of a walk and the statement-only fast path stays fast.
_ATTRIBUTE = re.compile(rb"\.[ \t]*([A-Za-z_][A-Za-z0-9_]*)")
_GETATTR = re.compile(rb"getattr\([^,()]+,\s*[\"']([A-Za-z_][A-Za-z0-9_]*)[\"']")
_LOADED = re.compile(rb"\b(?:bootstrap|load_config)\(\s*([A-Za-z_][A-Za-z0-9_.]*)")


def count_lines(data: bytes) -> int:
    """Lines of a file, counting a last line without a newline."""
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


class _Collector(AliasTracker):
    """Walks one tree and records its facts; one instance per file."""

    def __init__(self, module: str, is_package: bool, accessors: Iterable[str]) -> None:
        super().__init__(module, is_package, accessors)
        self.consumed: set[int] = set()
        self.env: list[EnvAccess] = []
        self.imports: list[ImportFact] = []
        self.outputs: list[OutputCall] = []
        self.calls: list[EnvCall] = []
        self.function_nodes: dict[int, ast.AST] = {}
        self.pending: list[tuple[int, ast.expr]] = []  # (index in env, key expression)
        self.flag = _TOP
        self.next_scope = 0
        self.handlers = {
            ast.Import: self.on_import,
            ast.ImportFrom: self.on_import_from,
            ast.Assign: self.on_assign,
            ast.AnnAssign: self.on_assign,
            ast.NamedExpr: self.on_assign,
            ast.Call: self.on_call,
            ast.Subscript: self.on_subscript,
            ast.Compare: self.on_compare,
            ast.Attribute: self.on_reference,
            ast.Name: self.on_reference,
            ast.FunctionDef: self.on_function,
            ast.AsyncFunctionDef: self.on_function,
        }

    # -- traversal --------------------------------------------------------------------------

    def walk(self, tree: ast.Module) -> None:
        """Visit every node in source order with an explicit stack.

        The scope and the import context change only at functions and ``if TYPE_CHECKING``;
        they are restored by ``(scope, flag)`` markers pushed on the same stack, so most
        nodes carry no state at all.
        """
        handlers = self.handlers
        stack: list[object] = [tree]
        pop, push, extend = stack.pop, stack.append, stack.extend
        fields_of = FIELDS_OF
        while stack:
            node = pop()
            node_type = type(node)
            if node_type is tuple:
                self.scope, self.flag = node  # type: ignore[misc]
                continue
            handler = handlers.get(node_type)
            if handler is not None:
                handler(node)  # type: ignore[operator]
            fields = fields_of.get(node_type)
            if fields is None:
                fields = fields_of[node_type] = child_fields(node_type)
            if not fields:
                continue
            if node_type in _FUNCTIONS:
                push((self.scope, self.flag))
                self.next_scope += 1
                self.scope, self.flag = self.next_scope, self.flag or _FUNCTION
                self.functions[self.scope] = _signature(node)  # type: ignore[arg-type]
                self.function_nodes[self.scope] = node  # type: ignore[assignment]
            elif node_type is ast.If and is_type_checking(node.test):  # type: ignore[attr-defined]
                self._type_checking(node, push, extend)  # type: ignore[arg-type]
                continue
            elif node_type in _TRY and catches_import_error(node):  # type: ignore[arg-type]
                self._guarded(node, push, extend)  # type: ignore[arg-type]
                continue
            for field in fields:
                value = getattr(node, field, None)
                if type(value) is list:
                    if field in MAY_HOLD_NONE:
                        extend(v for v in reversed(value) if v is not None)
                    else:
                        extend(reversed(value))
                elif value is not None:
                    push(value)

    def walk_statements(self, tree: ast.Module) -> None:
        """Visit statements only, for imports: enough for a file that cannot touch the
        environment (see :func:`needs_full_walk`), and several times cheaper than
        :meth:`walk` because expressions, which are most of a tree, are never pushed."""
        stack: list[object] = [tree]
        pop, push, extend = stack.pop, stack.append, stack.extend
        while stack:
            node = pop()
            node_type = type(node)
            if node_type is tuple:
                self.scope, self.flag = node  # type: ignore[misc]
                continue
            if node_type is ast.Import:
                self.on_import(node)  # type: ignore[arg-type]
                continue
            if node_type is ast.ImportFrom:
                self.on_import_from(node)  # type: ignore[arg-type]
                continue
            if node_type is ast.FunctionDef or node_type is ast.AsyncFunctionDef:
                push((self.scope, self.flag))
                self.next_scope += 1
                self.scope, self.flag = self.next_scope, self.flag or _FUNCTION
            elif node_type is ast.If and is_type_checking(node.test):  # type: ignore[attr-defined]
                self._type_checking(node, push, extend)  # type: ignore[arg-type]
                continue
            elif node_type in _TRY and catches_import_error(node):  # type: ignore[arg-type]
                self._guarded(node, push, extend)  # type: ignore[arg-type]
                continue
            for field in STATEMENT_FIELDS:
                value = getattr(node, field, None)
                if type(value) is list and value:
                    extend(reversed(value))

    def _type_checking(self, node: ast.If, push: object, extend: object) -> None:
        """Push an ``if TYPE_CHECKING:``: its body's imports happen for type checkers only."""
        push((self.scope, self.flag))  # type: ignore[operator]
        extend(reversed(node.orelse))  # type: ignore[operator]
        push((self.scope, self.flag))  # type: ignore[operator]
        extend(reversed(node.body))  # type: ignore[operator]
        self.flag = _TYPE_CHECKING

    def _guarded(self, node: ast.Try, push: object, extend: object) -> None:
        """Push a ``try`` whose handler catches ``ImportError``: its body is guarded."""
        push((self.scope, self.flag))  # type: ignore[operator]
        extend(reversed(node.finalbody))  # type: ignore[operator]
        extend(reversed(node.orelse))  # type: ignore[operator]
        extend(reversed(node.handlers))  # type: ignore[operator]
        push((self.scope, self.flag))  # type: ignore[operator]
        extend(reversed(node.body))  # type: ignore[operator]
        if self.flag != _TYPE_CHECKING:
            self.flag = _GUARDED

    def record(
        self,
        node: ast.AST,
        via: str,
        form: str,
        name: str,
        op: str,
        *,
        key: ast.expr | None = None,
    ) -> None:
        if not name and key is not None and type(key) is not ast.Constant:
            self.pending.append((len(self.env), key))
        self.env.append(
            EnvAccess(
                node.lineno,  # type: ignore[attr-defined]
                node.col_offset + 1,  # type: ignore[attr-defined]
                via,
                form,
                name,
                op,
                self.scope,
                self.targets.pop(id(node), ""),
            )
        )

    # -- handlers ---------------------------------------------------------------------------

    def on_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if node.name in self.factories and self.scope == 0:
            self.origins[node.name] = f"{self.module}:{node.name}"  # defined right here

    def _env_call(self, node: ast.Call | ast.Subscript, kind: str, name: str, origin: str) -> None:
        args = node.args if isinstance(node, ast.Call) else [node.slice]
        keywords = node.keywords if isinstance(node, ast.Call) else []
        self.calls.append(
            EnvCall(
                node.lineno,
                node.col_offset + 1,
                kind,
                name,
                origin,
                sum(1 for a in args if type(a) is not ast.Starred),
                tuple(k.arg for k in keywords if k.arg is not None),
                any(type(a) is ast.Starred for a in args) or any(k.arg is None for k in keywords),
            )
        )

    def on_import(self, node: ast.Import) -> None:
        for alias in node.names:
            local = alias.asname or alias.name.partition(".")[0]
            self.modules[local] = alias.name if alias.asname else local
            if alias.name == "os" and alias.asname:
                self.bindings[alias.asname] = OS
            elif alias.name == "importlib" and alias.asname:
                self.bindings[alias.asname] = "importlib"
            self.imports.append(
                ImportFact(node.lineno, node.col_offset + 1, alias.name, self.flag, ())
            )

    def on_import_from(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level:
            parts = self.module.split(".") if self.module else []
            keep = len(parts) - node.level + (1 if self.is_package else 0)
            base = ".".join(parts[: max(keep, 0)])
            module = f"{base}.{module}".strip(".") if module else base
        names = tuple(a.name for a in node.names)
        self.imports.append(ImportFact(node.lineno, node.col_offset + 1, module, self.flag, names))
        for alias in node.names:
            local = alias.asname or alias.name
            if module == "os" and alias.name in OS_ATTRS:
                kind = ENVIRON if alias.name in ("environ", "environb") else f"envfunc:{alias.name}"
                self.bindings[local] = kind
                self.record(node, VIA_OS, f"from os import {alias.name}", "", "ref")
            elif alias.name in self.factories:
                self.bindings[local] = "factory"
                self.origins[local] = f"{module}:{alias.name}"
            elif alias.name == "IsolatedEnvironment":
                self.bindings[local] = ACCESSOR
            elif module == "importlib" and alias.name == "import_module":
                self.bindings[local] = "import_module"

    def on_call(self, node: ast.Call) -> None:
        func = node.func
        func_type = type(func)
        if func_type is ast.Attribute:
            origin = self.factory_origin(func.value)  # type: ignore[attr-defined]
            if origin is not None:
                self._env_call(node, "method", func.attr, origin)  # type: ignore[attr-defined]
            elif func.attr in self.factories:  # type: ignore[attr-defined]
                origin = self.factory_call_origin(node)
                if origin is not None:
                    self._env_call(node, "factory", func.attr, origin)  # type: ignore[attr-defined]
            if func.attr not in CALL_ATTRS and func.attr != "import_module":  # type: ignore[attr-defined]
                return
        elif func_type is ast.Name:
            if func.id not in CALL_NAMES and func.id not in self.bindings:  # type: ignore[attr-defined]
                return
            if self.bindings.get(func.id) == "factory":  # type: ignore[attr-defined]
                self._env_call(node, "factory", func.id, self.origins.get(func.id, ""))  # type: ignore[attr-defined]
                return
        else:
            return
        found = self.read_of(node)
        if found is not None:
            via, form, name, op, receiver = found
            self.consumed.add(id(receiver))
            self.record(node, via, form, name, op, key=node.args[0] if node.args else None)
            return
        dotted = dotted_name(func)
        last = dotted.rpartition(".")[2]
        if last == "import_module" or dotted == "__import__":
            target = literal(node.args[0]) if node.args else ""
            if target and (
                dotted in ("importlib.import_module", "__import__")
                or (
                    self.bindings.get(dotted) == "import_module"
                    or self.bindings.get(dotted.partition(".")[0]) == "importlib"
                )
            ):
                self.imports.append(
                    ImportFact(node.lineno, node.col_offset + 1, target, "importlib", ())
                )
            return
        if dotted == "print" or (
            last in LOG_METHODS and func_type is ast.Attribute and "log" in dotted.lower()
        ):
            self._output(node, dotted)
            return
        if dotted == "getattr" and id(node) not in self.consumed:
            kind = self.kind(node)
            if kind is not None:
                self.record(node, VIA_OS, f"getattr(os, {literal(node.args[1])!r})", "", "ref")

    def _output(self, node: ast.Call, func: str) -> None:
        names: list[str] = []
        env_names: list[str] = []
        stack: list[ast.AST] = [*node.args, *(k.value for k in node.keywords)]
        while stack:
            item = stack.pop()
            item_type = type(item)
            if item_type is ast.Name:
                names.append(item.id)  # type: ignore[attr-defined]
                continue
            if item_type is ast.Call:
                callee = dotted_name(item.func).rpartition(".")[2]  # type: ignore[attr-defined]
                if callee in SAFE_WRAPPERS or callee.startswith(("mask", "get_safe_log")):
                    continue
                found = self.read_of(item)  # type: ignore[arg-type]
                if found is not None and found[2]:
                    env_names.append(found[2])
            elif item_type is ast.Subscript and self.kind(item.value) in (  # type: ignore[attr-defined,operator]
                ENVIRON,
                ACCESSOR,
            ):
                name = literal(item.slice)  # type: ignore[attr-defined]
                if name:
                    env_names.append(name)
            stack.extend(ast.iter_child_nodes(item))
        self.outputs.append(
            OutputCall(
                node.lineno,
                node.col_offset + 1,
                func,
                tuple(sorted(set(names))),
                tuple(sorted(set(env_names))),
                self.scope,
            )
        )

    def on_subscript(self, node: ast.Subscript) -> None:
        kind = self.kind(node.value)
        if kind in (ENVIRON, ACCESSOR):
            op = "read" if type(node.ctx) is ast.Load else "write"
            via = VIA_OS if kind == ENVIRON else VIA_ACCESSOR
            form = (
                "os.environ[...]"
                if kind == ENVIRON
                else f"{dotted_name(node.value) or 'get_env()'}[...]"
            )
            self.consumed.add(id(node.value))
            self.record(node, via, form, literal(node.slice), op, key=node.slice)
            origin = self.factory_origin(node.value) if kind == ACCESSOR else None
            if origin is not None:
                # accessor[...]: the signature rule checks the class has [] at all.
                method = "__getitem__" if op == "read" else "__setitem__"
                self._env_call(node, "subscript", method, origin)

    def on_compare(self, node: ast.Compare) -> None:
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            if type(op) in (ast.In, ast.NotIn):
                kind = self.kind(comparator)
                if kind in (ENVIRON, ACCESSOR):
                    self.consumed.add(id(comparator))
                    via = VIA_OS if kind == ENVIRON else VIA_ACCESSOR
                    form = "in os.environ" if kind == ENVIRON else "in get_env()"
                    self.record(node, via, form, literal(node.left), "read", key=node.left)

    def on_reference(self, node: ast.Name | ast.Attribute) -> None:
        if id(node) in self.consumed:
            return
        if type(node) is ast.Name and (
            node.id not in self.bindings or type(node.ctx) is not ast.Load
        ):
            return
        load = type(node.ctx) is ast.Load
        if not load and (node.attr not in OS_ATTRS or self.kind(node.value) != OS):  # type: ignore[union-attr]
            return  # rebinding a name that held os.environ is not an access
        kind = self.kind(node)
        if kind == ENVIRON or (kind is not None and kind.startswith("envfunc:")):
            op = "ref" if load else "write"
            shown = dotted_name(node)
            self.record(node, VIA_OS, shown, "", op)


def _signature(
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda,
) -> tuple[str, tuple[str, ...]]:
    """A function's name and its positional parameters (self/cls dropped for methods)."""
    args = node.args
    params = [a.arg for a in (*args.posonlyargs, *args.args)]
    if params and params[0] in ("self", "cls"):
        params = params[1:]
    name = getattr(node, "name", "<lambda>")
    return name, (*params, *(a.arg for a in args.kwonlyargs))


def analyze_source(
    data: bytes,
    *,
    module: str = "",
    is_package: bool = False,
    accessors: Iterable[str] = (),
    attributes: bool = False,
) -> FileFacts:
    """Parse ``data`` once, walk it once, and return its facts.

    A file that does not parse (syntax error, null bytes, nesting too deep for the parser)
    yields facts with :attr:`FileFacts.error` set instead of raising.

    Example:
        >>> facts = analyze_source(b"import os\\nx = os.environ['HOME']\\n")
        >>> [(a.line, a.form, a.name) for a in facts.env]
        [(2, 'os.environ[...]', 'HOME')]
    """
    lines = count_lines(data)
    wide = wide_encoding(data) if b"\x00" in data[:4096] else None
    if wide is not None:
        return FileFacts(lines, error=ParseError(1, 1, _WIDE.format(wide)))
    suppressions = find_suppressions(data)
    try:
        tree = ast.parse(data)
    except SyntaxError as exc:
        message = exc.msg or str(exc)
        newer = newer_construct(message, data, exc.lineno or 1)
        error = ParseError(exc.lineno or 1, (exc.offset or 0) or 1, message, newer)
        return FileFacts(lines, suppressions=suppressions, error=error)
    except (ValueError, RecursionError, MemoryError) as exc:
        error = ParseError(1, 1, f"{type(exc).__name__}: {exc}")
        return FileFacts(lines, suppressions=suppressions, error=error)
    collector = _Collector(module, is_package, accessors)
    if needs_full_walk(data, collector.factories):
        collector.walk(tree)
        if collector.pending:
            collector.env += travelled_accesses(
                tree,
                collector.env,
                collector.pending,
                collector.functions,
                collector.function_nodes,
            )
    else:
        collector.walk_statements(tree)
    read: tuple[str, ...] = ()
    if attributes:
        found = {m.decode() for m in _ATTRIBUTE.findall(data)}
        found.update(m.decode() for m in _GETATTR.findall(data))
        found.update("()" + m.decode().rpartition(".")[2] for m in _LOADED.findall(data))
        read = tuple(sorted(found))
    return FileFacts(
        lines,
        tuple(collector.env),
        tuple(collector.imports),
        tuple(collector.outputs),
        suppressions,
        calls=tuple(collector.calls),
        attributes=read,
    )
