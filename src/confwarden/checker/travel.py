"""Variable names that travel: from a constant, a collection or a helper to an env read.

A read is rarely ``env.get("DATABASE_URL")`` in a real platform: the name sits in a
constant (``DB_VAR = "DATABASE_URL"``), a tuple walked by a loop
(``for var in REQUIRED: env.get(var)``), a comprehension, a dict of names, an f-string built
from a prefix, or a small helper (``def _get(name): return get_env().get(name)``) called with
the literal. This module follows string values within one module, flow-insensitively: every
string a name is ever bound to (at module level, or in the function of the access) is a name
it may carry. It runs only for the accesses whose key is not a literal, after the walk, so
the common file pays nothing.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import NamedTuple

from confwarden.checker.facts import EnvAccess
from confwarden.checker.walking import dotted_name

__all__ = ["Helper", "Strings", "helper_calls", "module_strings", "travelled_accesses"]

_FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)

# A key built from pieces can expand combinatorially; past this many names it is unknown.
_MAX_NAMES = 64
_ELEMENT_CALLS = frozenset({"sorted", "list", "tuple", "set", "frozenset", "reversed"})


class Helper(NamedTuple):
    """A function of the module that reads the variable named by one of its parameters."""

    name: str
    position: int  # of the parameter (after self/cls for methods)
    param: str
    via: str
    form: str
    op: str


class Strings:
    """The strings each name of a module may hold (scalars) or contain (collections)."""

    def __init__(self, nodes: Iterable[ast.AST], parent: Strings | None = None) -> None:
        self.scalars: dict[str, set[str]] = _copy(parent.scalars if parent else {})
        self.elements: dict[str, set[str]] = _copy(parent.elements if parent else {})
        self.keys: dict[str, set[str]] = _copy(parent.keys if parent else {})
        # name -> literal key (a dict's string, a tuple's index) -> what it holds there
        self.items: dict[str, dict[object, set[str]]] = {
            name: {key: set(held) for key, held in table.items()}
            for name, table in (parent.items if parent else {}).items()
        }
        self.functions: dict[int, Strings] = {}
        bindings: list[tuple[ast.expr, ast.expr, bool]] = []  # (target, value, iterate)
        for node in nodes:
            node_type = type(node)
            if node_type is ast.Assign:
                for target in node.targets:  # type: ignore[attr-defined]
                    bindings.append((target, node.value, False))  # type: ignore[attr-defined]
            elif node_type in (ast.AnnAssign, ast.NamedExpr) and node.value is not None:  # type: ignore[attr-defined]
                bindings.append((node.target, node.value, False))  # type: ignore[attr-defined]
            elif node_type in (ast.For, ast.AsyncFor, ast.comprehension):
                bindings.append((node.target, node.iter, True))  # type: ignore[attr-defined]
        # Constants may be defined after the function that uses them: two rounds settle the
        # usual one level of indirection (NAMES = (A, B) with A and B constants).
        for _ in range(2):
            for target, value, iterate in bindings:
                self._bind(target, value, iterate)

    def within(self, function: ast.AST | None) -> Strings:
        """The strings seen from inside ``function``: the module's plus the function's own."""
        if function is None:
            return self
        found = self.functions.get(id(function))
        if found is None:
            found = self.functions[id(function)] = Strings(ast.walk(function), self)
        return found

    def _bind(self, target: ast.expr, value: ast.expr, iterate: bool) -> None:
        if type(target) is ast.Tuple and iterate:
            # for key, name in MAPPING.items(): the second element carries the values.
            if type(value) is ast.Call and type(value.func) is ast.Attribute:
                base = value.func.value
                if value.func.attr == "items" and type(base) is ast.Name and len(target.elts) == 2:
                    first, second = target.elts
                    if type(first) is ast.Name:
                        self.scalars.setdefault(first.id, set()).update(self.keys.get(base.id, ()))
                    if type(second) is ast.Name:
                        self.scalars.setdefault(second.id, set()).update(
                            self.elements.get(base.id, ())
                        )
            return
        if type(target) is not ast.Name:
            return
        name = target.id
        if iterate:
            found = self.members(value)
            if found:
                self.scalars.setdefault(name, set()).update(found)
            return
        scalar = self.values(value)
        if scalar:
            self.scalars.setdefault(name, set()).update(scalar)
        if type(value) is ast.Dict:
            keys = {k for key in value.keys if key is not None for k in self.values(key)}
            self.keys.setdefault(name, set()).update(keys)
            self.elements.setdefault(name, set()).update(self._union(value.values))
            items = self.items.setdefault(name, {})
            for key, item in zip(value.keys, value.values, strict=True):
                if type(key) is ast.Constant:
                    items.setdefault(key.value, set()).update(self.values(item))
                else:
                    items[None] = set()  # ``**other`` or a computed key: not all known
            return
        if type(value) in (ast.Tuple, ast.List):
            items = self.items.setdefault(name, {})
            for index, item in enumerate(value.elts):  # type: ignore[attr-defined]
                if type(item) is ast.Starred:
                    items[None] = set()
                    break
                items.setdefault(index, set()).update(self.values(item))
        members = self.members(value)
        if members:
            self.elements.setdefault(name, set()).update(members)

    def _union(self, items: Iterable[ast.expr]) -> set[str]:
        found: set[str] = set()
        for item in items:
            found |= self.values(item)
        return found

    def values(self, node: ast.expr) -> set[str]:
        """The strings the expression may evaluate to (empty: unknown)."""
        node_type = type(node)
        if node_type is ast.Constant:
            value = node.value  # type: ignore[attr-defined]
            return {value} if type(value) is str else set()
        if node_type is ast.Name:
            return set(self.scalars.get(node.id, ()))  # type: ignore[attr-defined]
        if node_type is ast.Attribute and type(node.value) is ast.Name:  # type: ignore[attr-defined]
            # self.DB_VAR, cls.DB_VAR, Names.DB: a constant bound in a class body.
            return set(self.scalars.get(node.attr, ()))  # type: ignore[attr-defined]
        if node_type is ast.BinOp and type(node.op) is ast.Add:  # type: ignore[attr-defined]
            return self._product([node.left, node.right])  # type: ignore[attr-defined]
        if node_type is ast.JoinedStr:
            parts: list[ast.expr] = []
            for value in node.values:  # type: ignore[attr-defined]
                if type(value) is ast.FormattedValue:
                    if value.format_spec is not None or value.conversion != -1:
                        return set()
                    parts.append(value.value)
                else:
                    parts.append(value)
            return self._product(parts)
        if node_type is ast.Subscript:
            # MAPPING["db"] or NAMES[0]: the member at a literal key when the collection is
            # a literal; any of its members otherwise.
            base = node.value  # type: ignore[attr-defined]
            if type(base) is ast.Name:
                key = node.slice  # type: ignore[attr-defined]
                items = self.items.get(base.id)
                if type(key) is ast.Constant and items is not None and None not in items:
                    return set(items.get(key.value, ()))
                return set(self.elements.get(base.id, ()))
        return set()

    def _product(self, parts: list[ast.expr]) -> set[str]:
        choices = [self.values(part) for part in parts]
        if any(not c for c in choices):
            return set()
        total = 1
        for c in choices:
            total *= len(c)
        if total > _MAX_NAMES:
            return set()
        return {"".join(combo) for combo in itertools.product(*choices)}

    def members(self, node: ast.expr) -> set[str]:
        """The strings a collection expression may yield when iterated (empty: unknown)."""
        node_type = type(node)
        if node_type in (ast.Tuple, ast.List, ast.Set):
            return self._union(node.elts)  # type: ignore[attr-defined]
        if node_type is ast.Name:
            return set(self.elements.get(node.id, ()))  # type: ignore[attr-defined]
        if node_type is ast.BinOp and type(node.op) is ast.Add:  # type: ignore[attr-defined]
            return self.members(node.left) | self.members(node.right)  # type: ignore[attr-defined]
        if node_type is ast.Dict:
            return {k for key in node.keys if key is not None for k in self.values(key)}  # type: ignore[attr-defined]
        if node_type is ast.Call:
            func = node.func  # type: ignore[attr-defined]
            args = node.args  # type: ignore[attr-defined]
            if type(func) is ast.Name and func.id in _ELEMENT_CALLS and len(args) == 1:
                return self.members(args[0])
            if type(func) is ast.Attribute and type(func.value) is ast.Name and not args:
                if func.attr == "keys":
                    return set(self.keys.get(func.value.id, ()))
                if func.attr == "values":
                    return set(self.elements.get(func.value.id, ()))
        return set()


def _copy(table: dict[str, set[str]]) -> dict[str, set[str]]:
    return {key: set(value) for key, value in table.items()}


_DESCRIBED = {
    ast.JoinedStr: "an f-string",
    ast.BinOp: "a string concatenation",
    ast.Call: "a call",
    ast.IfExp: "a conditional expression",
}


def _described(key: ast.expr) -> str:
    """How a finding says the name reached the read, in the user's words."""
    shown = dotted_name(key)
    if shown:
        return f"`{shown}`"
    if type(key) is ast.Subscript:
        base = dotted_name(key.value)
        return f"a lookup in `{base}`" if base else "a lookup"
    return _DESCRIBED.get(type(key), "an expression")


def _default_of(args: ast.arguments, name: str) -> ast.expr | None:
    """The default value of parameter ``name``, None if it has none."""
    positional = [*args.posonlyargs, *args.args]
    offset = len(positional) - len(args.defaults)
    for index, arg in enumerate(positional):
        if arg.arg == name:
            return args.defaults[index - offset] if index >= offset else None
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        if arg.arg == name:
            return default
    return None


def _walk_with_functions(tree: ast.AST) -> Iterator[tuple[ast.AST, ast.AST | None]]:
    """Every node with its innermost enclosing function (None at module or class level)."""
    stack: list[tuple[ast.AST, ast.AST | None]] = [(tree, None)]
    while stack:
        node, function = stack.pop()
        yield node, function
        inner = node if isinstance(node, _FUNCTION_NODES) else function
        stack.extend((child, inner) for child in ast.iter_child_nodes(node))


def module_strings(tree: ast.AST) -> Strings:
    """The strings bound outside every function (module and class bodies)."""
    return Strings(node for node, function in _walk_with_functions(tree) if function is None)


def _callee(node: ast.Call) -> str:
    func = node.func
    if type(func) is ast.Name:
        return func.id
    if type(func) is ast.Attribute and type(func.value) is ast.Name:
        return func.attr  # self._get(...), cls._get(...), module-level alias of a method
    return ""


def helper_calls(
    tree: ast.AST, helpers: dict[str, Helper], strings: Strings
) -> Iterator[tuple[ast.Call, Helper, set[str]]]:
    """Calls of the module's helpers with the names their key argument may carry."""
    for node, function in _walk_with_functions(tree):
        if type(node) is not ast.Call:
            continue
        helper = helpers.get(_callee(node))
        if helper is None:
            continue
        argument: ast.expr | None = None
        for keyword in node.keywords:
            if keyword.arg == helper.param:
                argument = keyword.value
        if argument is None and helper.position < len(node.args):
            argument = node.args[helper.position]
            if type(argument) is ast.Starred:
                argument = None
        if argument is None:
            continue
        names = strings.within(function).values(argument)
        if names:
            yield node, helper, names


def travelled_accesses(
    tree: ast.Module,
    env: Sequence[EnvAccess],
    pending: Iterable[tuple[int, ast.expr]],
    functions: Mapping[int, tuple[str, tuple[str, ...]]],
    function_nodes: Mapping[int, ast.AST],
) -> list[EnvAccess]:
    """Named copies of the accesses whose key is a constant, a loop variable or a helper's
    parameter.

    Args:
        tree: the module.
        env: the accesses the walk recorded.
        pending: ``(index in env, key expression)`` of those whose key is not a literal.
        functions: scope -> the function's name and positional parameters.
        function_nodes: scope -> the function's node.
    """
    helpers: dict[str, Helper] = {}
    keys: list[tuple[EnvAccess, ast.expr]] = []
    for index, key in pending:
        access = env[index]
        function = functions.get(access.scope)
        if type(key) is ast.Name and function is not None and key.id in function[1]:
            name, params = function
            helpers[name] = Helper(
                name, params.index(key.id), key.id, access.via, access.form, access.op
            )
        else:
            keys.append((access, key))
    strings = module_strings(tree)
    found: list[EnvAccess] = []
    for access, key in keys:
        local = strings.within(function_nodes.get(access.scope))
        for name in sorted(local.values(key)):
            found.append(access._replace(name=name, indirect=f"through {_described(key)}"))
    for index, key in pending:
        # def read(variable="DATABASE_URL"): a call without the argument reads the default.
        access = env[index]
        node = function_nodes.get(access.scope)
        if type(key) is ast.Name and isinstance(node, _FUNCTION_NODES):
            default = _default_of(node.args, key.id)
            values = strings.values(default) if default is not None else set()
            for name in sorted(values):
                shown = f"through the default of parameter `{key.id}`"
                found.append(access._replace(name=name, indirect=shown))
    for call, helper, names in helper_calls(tree, helpers, strings):
        for name in sorted(names):
            found.append(
                EnvAccess(
                    call.lineno,
                    call.col_offset + 1,
                    helper.via,
                    helper.form,
                    name,
                    helper.op,
                    -1,
                    "",
                    f"through helper {helper.name}()",
                )
            )
    return found
