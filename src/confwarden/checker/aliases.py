"""What the names of one module denote, followed in source order: the basis of every env rule.

A read of the environment is rarely spelled ``os.environ[...]``: ``import os as _os``,
``from os import environ as E``, ``e = os.environ``, ``self._env = get_env()``,
``g = os.getenv`` and ``getattr(os, "environ")`` all reach it. :class:`AliasTracker` keeps
the table of such names (updated by the visitor's import and assignment handlers as the
walk meets them) and answers, for any expression, whether it is the ``os`` module,
``os.environ``, an ``os`` function, a sanctioned accessor, or nothing of interest.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from confwarden.checker.facts import VIA_ACCESSOR, VIA_OS
from confwarden.checker.patterns import (
    ACCESSOR_METHODS,
    CALL_ATTRS,
    ENV_FUNCS,
    ENVIRON_METHODS,
    OS_ATTRS,
    WRAPPERS,
)
from confwarden.checker.walking import dotted_name, literal

__all__ = ["ACCESSOR", "ENVIRON", "OS", "AliasTracker"]

# What a name may denote (besides "factory", "importlib", "import_module", "envfunc:<name>").
OS, ENVIRON, ACCESSOR = "os", "environ", "accessor"


class AliasTracker:
    """The names of one module that denote the environment, and what each denotes.

    Args:
        module: the module's dotted name (relative imports are resolved against it).
        is_package: the module is a package's ``__init__``.
        accessors: names of the project's accessor factories, besides ``get_env``.
    """

    def __init__(self, module: str, is_package: bool, accessors: Iterable[str]) -> None:
        self.module = module
        self.is_package = is_package
        self.factories = frozenset({"get_env", *accessors})
        self.bindings: dict[str, str] = {"os": OS, "IsolatedEnvironment": ACCESSOR}
        for name in self.factories:
            self.bindings[name] = "factory"
        self.bound_attrs: set[str] = set()
        self.targets: dict[int, str] = {}
        self.origins: dict[str, str] = {}  # factory local name -> module it comes from
        self.functions: dict[int, tuple[str, tuple[str, ...]]] = {}
        # accessor variable -> (factory "module:name", scope it was bound in)
        self.sources: dict[str, tuple[str, int]] = {}
        self.modules: dict[str, str] = {}  # local name of an ``import`` -> the module
        self.scope = 0

    def module_of(self, node: ast.expr) -> str:
        """The module an expression names through an ``import`` (``confwarden``,
        ``shared.env``), "" if none."""
        dotted = dotted_name(node)
        head, _, rest = dotted.partition(".")
        module = self.modules.get(head, "")
        return f"{module}.{rest}" if module and rest else module

    def factory_call_origin(self, call: ast.Call) -> str | None:
        """``module:factory`` of a call of the factory, None if not one."""
        func = call.func
        if type(func) is ast.Name and self.bindings.get(func.id) == "factory":
            return self.origins.get(func.id, "")
        if type(func) is ast.Attribute and func.attr in self.factories:
            module = self.module_of(func.value)
            return f"{module}:{func.attr}" if module else None
        return None

    def kind(self, node: ast.expr) -> str | None:
        """What an expression denotes: the os module, os.environ, an os function
        (``envfunc:getenv``), a sanctioned accessor object, or nothing of interest."""
        node_type = type(node)
        if node_type is ast.Name:
            return self.bindings.get(node.id)  # type: ignore[attr-defined]
        if node_type is ast.Attribute:
            attr = node.attr  # type: ignore[attr-defined]
            if attr not in OS_ATTRS and attr not in self.bound_attrs:
                return None
            dotted = dotted_name(node)
            if dotted in self.bindings:
                return self.bindings[dotted]
            if self.kind(node.value) == OS:  # type: ignore[attr-defined]
                return ENVIRON if attr in ("environ", "environb") else f"envfunc:{attr}"
            return None
        if node_type is ast.Call:
            func = node.func  # type: ignore[attr-defined]
            func_kind = self.kind(func)
            if func_kind in ("factory", ACCESSOR):
                return ACCESSOR
            dotted = dotted_name(func)
            if dotted.rpartition(".")[2] in self.factories:
                return ACCESSOR
            if dotted == "getattr" and len(node.args) >= 2:  # type: ignore[attr-defined]
                attr = literal(node.args[1])  # type: ignore[attr-defined]
                if attr in OS_ATTRS and self.kind(node.args[0]) == OS:  # type: ignore[attr-defined]
                    return ENVIRON if attr in ("environ", "environb") else f"envfunc:{attr}"
        return None

    def read_of(self, node: ast.Call) -> tuple[str, str, str, str, ast.AST] | None:
        """(via, form, name, op, receiver) when the call reads or writes the environment.

        The key expression of the call is ``node.args[0]`` when the name is not a literal
        (see :meth:`key_of`)."""
        func = node.func
        if type(func) is ast.Attribute:
            attr = func.attr
            if attr not in CALL_ATTRS:
                return None
            receiver_kind = self.kind(func.value)
            if receiver_kind == ENVIRON and attr in ENVIRON_METHODS:
                op, named = ENVIRON_METHODS[attr]
                name = literal(node.args[0]) if named and node.args else ""
                return VIA_OS, f"os.environ.{attr}", name, op, func.value
            if receiver_kind in (ACCESSOR, "factory") and attr in ACCESSOR_METHODS:
                op, named = ACCESSOR_METHODS[attr]
                name = literal(node.args[0]) if named and node.args else ""
                shown = dotted_name(func.value) or "get_env()"
                return VIA_ACCESSOR, f"{shown}.{attr}", name, op, func.value
            if receiver_kind == OS and attr in ENV_FUNCS:
                name = literal(node.args[0]) if node.args else ""
                return VIA_OS, f"os.{attr}", name, ENV_FUNCS[attr], func
            return None
        func_kind = self.kind(func)
        if func_kind is not None and func_kind.startswith("accessormethod:"):
            method = func_kind[15:]
            op, named = ACCESSOR_METHODS[method]
            name = literal(node.args[0]) if named and node.args else ""
            return VIA_ACCESSOR, f"{dotted_name(func)}()", name, op, func
        if func_kind is not None and func_kind.startswith("envfunc:"):
            fn = func_kind[8:]
            name = literal(node.args[0]) if node.args else ""
            return VIA_OS, f"os.{fn}", name, ENV_FUNCS.get(fn, "ref"), func
        return None

    def factory_origin(self, receiver: ast.expr) -> str | None:
        """The module of the factory behind an accessor expression, None if not one."""
        if type(receiver) is ast.Call:
            return self.factory_call_origin(receiver)
        if type(receiver) is ast.Name or type(receiver) is ast.Attribute:
            dotted = dotted_name(receiver)
            found = self.sources.get(dotted)
            if found is None:
                return None
            origin, scope = found
            # A variable bound elsewhere is trusted only from module level, and not where a
            # parameter of the same name shadows it; an attribute of ``self`` is the
            # instance's wherever a method bound it (until something else is bound to it).
            function = self.functions.get(self.scope)
            head = dotted.partition(".")[0]
            if (
                scope == self.scope
                or (scope == 0 and (function is None or head not in function[1]))
                or (head == "self" and "." in dotted)
            ):
                return origin
            return None
        return None

    def on_assign(self, node: ast.Assign | ast.AnnAssign | ast.NamedExpr) -> None:
        value = node.value
        if value is None:
            return
        targets = node.targets if type(node) is ast.Assign else [node.target]  # type: ignore[union-attr]
        kind = self.kind(value)
        if (
            kind is None
            and type(value) is ast.Attribute
            and value.attr in ACCESSOR_METHODS
            and self.kind(value.value) in (ACCESSOR, "factory")
        ):
            # getter = env.get: calling getter reads like env.get
            kind = f"accessormethod:{value.attr}"
        if kind is None and type(value) in (ast.BoolOp, ast.IfExp):
            # ``env = env or get_env()``: the object is the factory's wherever it is used.
            value = _accessor_part(value, self)
            kind = ACCESSOR if value is not None else None
        if kind is not None and value is not None:
            origin = self.factory_origin(value) if kind == ACCESSOR else None
            for target in targets:
                dotted = dotted_name(target)
                if dotted:
                    self.bindings[dotted] = kind
                    self.bound_attrs.add(dotted.rpartition(".")[2])
                    if origin is not None:
                        self.sources[dotted] = (origin, self.scope)
        else:
            for target in targets:
                self.bindings.pop(dotted_name(target), None)
                self.sources.pop(dotted_name(target), None)
        if len(targets) == 1 and type(targets[0]) is ast.Name:
            self._mark_target(node.value, targets[0].id, 3)  # type: ignore[arg-type]

    def _mark_target(self, value: ast.expr, name: str, depth: int) -> None:
        """Remember that the read inside ``value`` lands in local ``name`` (rule CW109)."""
        value_type = type(value)
        if value_type is ast.Call or value_type is ast.Subscript:
            self.targets[id(value)] = name
            if depth and value_type is ast.Call and dotted_name(value.func) in WRAPPERS:  # type: ignore[attr-defined]
                for arg in value.args:  # type: ignore[attr-defined]
                    self._mark_target(arg, name, depth - 1)
        elif depth and value_type is ast.BoolOp:
            for item in value.values:  # type: ignore[attr-defined]
                self._mark_target(item, name, depth - 1)
        elif depth and value_type is ast.IfExp:
            self._mark_target(value.body, name, depth - 1)  # type: ignore[attr-defined]
            self._mark_target(value.orelse, name, depth - 1)  # type: ignore[attr-defined]


def _accessor_part(value: ast.expr, tracker: AliasTracker) -> ast.expr | None:
    """The factory call among the alternatives of ``a or get_env()`` /
    ``a if c else get_env()``, None if there is none."""
    parts = value.values if type(value) is ast.BoolOp else [value.body, value.orelse]  # type: ignore[attr-defined]
    for part in parts:
        if type(part) is ast.Call and tracker.kind(part) == ACCESSOR:
            return part
    return None
