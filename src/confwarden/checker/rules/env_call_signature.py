"""CW111 env-call-signature: the environment factory or its object called with the wrong arguments.

What it does:
    Checks every call of the sanctioned factory (``get_env(...)``) and of the methods of the
    object it returns (``get_env().get(...)``, ``env.set(...)``) against their real
    signatures: confwarden's own when the factory is imported from confwarden, the tree's
    ``def`` when the project defines its own factory (followed through re-exports, and to
    the class its return annotation names). A method the class does not have is reported
    too, unless the class has bases or a ``__getattr__`` that could provide it.

Why is this bad:
    ``get_env("SOME_VAR")`` when ``get_env()`` takes no argument is a ``TypeError`` at run
    time, in code paths tests rarely reach (an error handler, a fallback, a migration script).
    A real platform shipped it: the factory had been used as a getter.

Example:
    .. code-block:: python

        timeout = get_env("REQUEST_TIMEOUT")

Use instead:
    .. code-block:: python

        timeout = get_env().get("REQUEST_TIMEOUT")
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from confwarden.checker.facts import EnvCall
from confwarden.checker.findings import Finding, Rule

RULE = Rule(
    "CW111", "env-call-signature", "environment factory or method called with wrong arguments"
)

_MISSING = object()
# _find reached confwarden's own factory or class (not in the tree, known from the library).
CONFWARDEN: tuple[ast.Module, ast.AST] = (ast.Module(body=[], type_ignores=[]), ast.Pass())
Signature = inspect.Signature | None  # None: the method does not exist
Source = Callable[[str], str | None]  # module name -> its source, None when not in the tree


def _from_ast(args: ast.arguments, drop_first: bool) -> inspect.Signature:
    kind = inspect.Parameter
    positional = [*args.posonlyargs, *args.args]
    defaults: list[object] = [_MISSING] * (len(positional) - len(args.defaults))
    defaults += [None] * len(args.defaults)
    params: list[inspect.Parameter] = []
    for index, (arg, default) in enumerate(zip(positional, defaults, strict=True)):
        if drop_first and index == 0:
            continue
        how = kind.POSITIONAL_ONLY if index < len(args.posonlyargs) else kind.POSITIONAL_OR_KEYWORD
        params.append(kind(arg.arg, how, default=kind.empty if default is _MISSING else default))
    if args.vararg:
        params.append(kind(args.vararg.arg, kind.VAR_POSITIONAL))
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params.append(
            kind(arg.arg, kind.KEYWORD_ONLY, default=kind.empty if kw_default is None else None)
        )
    if args.kwarg:
        params.append(kind(args.kwarg.arg, kind.VAR_KEYWORD))
    return inspect.Signature(params)


class Signatures:
    """Finds the real signature of a factory and of its object's methods, by origin module."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.trees: dict[str, ast.Module | None] = {}

    def _tree(self, module: str) -> ast.Module | None:
        if module not in self.trees:
            text = self.source(module)
            try:
                self.trees[module] = ast.parse(text) if text is not None else None
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                self.trees[module] = None
        return self.trees[module]

    def _find(self, module: str, name: str, depth: int = 0) -> tuple[ast.Module, ast.AST] | None:
        """The top-level definition of ``name`` in ``module``, through re-exports.

        A re-export of confwarden's own ``get_env`` or ``IsolatedEnvironment`` (the library
        is not in the tree) ends at :data:`CONFWARDEN`."""
        if _is_confwarden(module) and name in ("get_env", "IsolatedEnvironment"):
            return CONFWARDEN
        tree = self._tree(module)
        if tree is None or depth > 3:
            return None
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                if node.name == name:
                    return tree, node
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if (alias.asname or alias.name) == name and node.module and not node.level:
                        return self._find(node.module, alias.name, depth + 1)
        return None

    def factory(self, origin: str, name: str) -> Signature | Any:
        """The factory's signature, ``_MISSING`` when it cannot be found."""
        found = self._find(origin, name) if not _is_confwarden(origin) else CONFWARDEN
        if found is CONFWARDEN:
            from confwarden.environment.process import get_env

            return inspect.signature(get_env)
        if found is None or not isinstance(found[1], ast.FunctionDef | ast.AsyncFunctionDef):
            return _MISSING
        return _from_ast(found[1].args, drop_first=False)

    def method(self, origin: str, factory: str, name: str) -> Signature | Any:
        """The method's signature, ``None`` when the class has no such method, ``_MISSING``
        when the class is unknown or could provide any attribute."""
        found = self._find(origin, factory) if not _is_confwarden(origin) else CONFWARDEN
        if found is CONFWARDEN:
            return _confwarden_method(name)
        if found is None:
            return _MISSING
        tree, function = found
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            return _MISSING
        returns = function.returns
        class_name = ""
        if isinstance(returns, ast.Name):
            class_name = returns.id
        elif isinstance(returns, ast.Constant) and isinstance(returns.value, str):
            class_name = returns.value
        cls = next(
            (n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == class_name), None
        )
        if cls is None:
            if class_name and _imports_confwarden_class(tree, class_name):
                return _confwarden_method(name)
            return _MISSING
        methods = {
            n.name: n for n in cls.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        if name in methods:
            method = methods[name]
            static = any(
                isinstance(d, ast.Name) and d.id == "staticmethod" for d in method.decorator_list
            )
            return _from_ast(method.args, drop_first=not static)
        if cls.bases or "__getattr__" in methods or "__getattribute__" in methods:
            return _MISSING
        return None


def _is_confwarden(module: str) -> bool:
    return module == "confwarden" or module.startswith("confwarden.")


def _imports_confwarden_class(tree: ast.Module, name: str) -> bool:
    """``from confwarden(.environment.isolated) import IsolatedEnvironment`` binds ``name``."""
    return any(
        isinstance(node, ast.ImportFrom)
        and _is_confwarden(node.module or "")
        and not node.level
        and any(
            a.name == "IsolatedEnvironment" and (a.asname or a.name) == name for a in node.names
        )
        for node in tree.body
    )


def _confwarden_method(name: str) -> Signature | Any:
    """A method of confwarden's ``IsolatedEnvironment``: its signature, None if absent."""
    from confwarden.environment.isolated import IsolatedEnvironment

    member = inspect.getattr_static(IsolatedEnvironment, name, None)
    if member is None:
        return None
    if isinstance(member, staticmethod | classmethod):
        return inspect.signature(getattr(IsolatedEnvironment, name))
    if not callable(member):
        return _MISSING
    signature = inspect.signature(member)
    return signature.replace(parameters=list(signature.parameters.values())[1:])


def _shown(call: EnvCall) -> str:
    args = ["..."] * call.positional + [f"{k}=..." for k in call.keywords]
    return ", ".join(args)


def check_project(calls: Iterable[tuple[str, EnvCall]], source: Source) -> Iterator[Finding]:
    """Yield a finding for each call that the real signature refuses.

    Args:
        calls: ``(path, call)`` of every recorded factory or method call; a call's
            ``origin`` is ``"module:factory"``.
        source: the source of a module of the tree by dotted name (None when not in it).
    """
    signatures = Signatures(source)
    for path, call in calls:
        module, _, factory = call.origin.partition(":")
        if call.starred or not module or not factory:
            continue
        if call.kind == "subscript":
            if signatures.method(module, factory, call.name) is None:
                verb = "read" if call.name == "__getitem__" else "set"
                yield Finding(
                    path,
                    call.line,
                    call.column,
                    RULE.code,
                    f"`{factory}()[...]`: the environment object has no [] ({call.name}); a "
                    f"TypeError at run time; {verb} it with "
                    + (".get(...) and handle None" if verb == "read" else ".set(...)"),
                    RULE.name,
                )
            continue
        if call.kind == "factory":
            signature = signatures.factory(module, factory)
            what = f"{call.name}({_shown(call)})"
        else:
            signature = signatures.method(module, factory, call.name)
            what = f".{call.name}({_shown(call)})"
        if signature is _MISSING:
            continue
        if signature is None:
            yield Finding(
                path,
                call.line,
                call.column,
                RULE.code,
                f"`{what}`: the environment object has no method {call.name!r}; an "
                "AttributeError at run time",
                RULE.name,
            )
            continue
        try:
            signature.bind(*[None] * call.positional, **dict.fromkeys(call.keywords))
        except TypeError as exc:
            hint = ""
            if call.kind == "factory" and call.positional and not signature.parameters:
                hint = f"; to read a variable, call {call.name}().get(...)"
            yield Finding(
                path,
                call.line,
                call.column,
                RULE.code,
                f"`{what}` does not match `{call.name}{signature}`: {exc}; a TypeError at "
                f"run time{hint}",
                RULE.name,
            )
