"""Where the schema rules (CW107/CW108) learn which variables are declared: read statically.

``[tool.confwarden] schema = "pkg.module:Obj"`` names an object of the checked tree. The
checker never imports the tree's code by default (a pull request's module would run in
CI): it parses the module and reads, without executing anything,

* a typed configuration class: its annotated fields, the names of each ``Env(...)`` marker
  (a field without one binds ``FIELD_NAME``; ``{ENVIRONMENT}`` is expanded for the four
  environments), its base classes followed through the tree's imports, and the fields of
  a confwarden base class (``ConfigSchema`` or a preset), which is the checker's own
  library and already loaded;
* a class with a literal ``__confwarden_env_vars__``;
* a literal mapping (its keys) or a literal list, tuple or set of names.

``--import-schema`` imports the object instead, in a child process with the tree on
``sys.path``: for schemas computed at import time. :func:`declared_variable_names` is the
duck-typed contract the child process applies to the imported object.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from confwarden.checker.config import CheckerConfigError
from confwarden.checker.files import read_regular

__all__ = ["SchemaInfo", "class_family", "declared_variable_names", "load_schema"]

_ENVIRONMENTS = ("DEVELOPMENT", "TESTING", "STAGING", "PRODUCTION")
Locate = Callable[[str], str | None]  # module name -> relative path in the tree


def declared_variable_names(obj: object) -> frozenset[str]:
    """The variable names a schema object declares.

    Accepts an object with ``__confwarden_env_vars__`` (an iterable of names, set by the
    configuration layer on its schema classes), a mapping (its keys), or an iterable of
    strings.

    Raises:
        TypeError: ``obj`` is none of these.

    Example:
        >>> sorted(declared_variable_names({"DATABASE_URL": str, "PORT": int}))
        ['DATABASE_URL', 'PORT']
    """
    names = getattr(obj, "__confwarden_env_vars__", None)
    if names is not None:
        return frozenset(str(n) for n in names)
    if isinstance(obj, Mapping):
        return frozenset(str(k) for k in obj)
    if isinstance(obj, Iterable) and not isinstance(obj, str | bytes):
        items = list(obj)
        if all(isinstance(i, str) for i in items):
            return frozenset(items)
    raise TypeError(
        f"cannot read declared variables from {type(obj).__name__}: expected an object with "
        "__confwarden_env_vars__, a mapping of names, or an iterable of names"
    )


@dataclass
class SchemaInfo:
    """What the schema declares.

    Attributes:
        names: every declared variable (own and inherited), for CW107.
        path: the schema module, relative to the root ("" if unknown).
        lines: where each of the tree's own variables is declared.
        own: field name -> its variables, for the fields the tree itself declares (a field
            inherited from a library schema is the library's business); for a schema that
            is a plain list of names, each name is its own field.
        classes: the schema class and the tree's classes it derives from (a class loaded
            through ``bootstrap()`` reads every field).
    """

    names: frozenset[str]
    path: str = ""
    lines: dict[str, int] = field(default_factory=dict)
    own: dict[str, tuple[str, ...]] = field(default_factory=dict)
    classes: frozenset[str] = frozenset()


def _strings(node: ast.expr | None) -> list[str] | None:
    """The strings of a literal collection (or ``frozenset({...})``), None if not one."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and len(node.args) == 1
        and node.func.id in ("frozenset", "set", "tuple", "list")
    ):
        return _strings(node.args[0])
    if isinstance(node, ast.Dict):
        node = ast.Tuple(elts=[k for k in node.keys if k is not None])
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        items = [e.value for e in node.elts if isinstance(e, ast.Constant)]
        if len(items) == len(node.elts) and all(isinstance(i, str) for i in items):
            return [str(i) for i in items]
    return None


def _expand(names: Iterable[str]) -> tuple[str, ...]:
    found: list[str] = []
    for name in names:
        if "{ENVIRONMENT}" in name:
            found.extend(name.replace("{ENVIRONMENT}", env) for env in _ENVIRONMENTS)
        else:
            found.append(name)
    return tuple(found)


def _last(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _marker(annotation: ast.expr) -> tuple[str, ...] | None:
    """The variables of an ``Annotated[T, Env("A", deprecated=[...])]`` annotation."""
    if not (isinstance(annotation, ast.Subscript) and _last(annotation.value) == "Annotated"):
        return None
    parts = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else []
    for part in parts[1:]:
        if isinstance(part, ast.Call) and _last(part.func) == "Env":
            names = [a.value for a in part.args if isinstance(a, ast.Constant)]
            for keyword in part.keywords:
                if keyword.arg == "deprecated":
                    names.extend(_strings(keyword.value) or [])
            return _expand(str(n) for n in names)
    return None


def _library_fields(module: str, name: str) -> dict[str, tuple[str, ...]]:
    """Fields of a confwarden schema class: the checker's own library, safe to import."""
    import importlib

    try:
        cls = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return {}
    return {
        spec.name: _expand((*spec.env_names, *spec.deprecated_names))
        for spec in getattr(cls, "__confwarden_fields__", ())
    }


class _Reader:
    def __init__(self, root: Path, locate: Locate) -> None:
        self.root = root
        self.locate = locate
        self.trees: dict[str, tuple[str, ast.Module] | None] = {}

    def tree(self, module: str) -> tuple[str, ast.Module] | None:
        if module not in self.trees:
            self.trees[module] = None
            path = self.locate(module)
            if path is not None:
                try:
                    parsed = ast.parse(read_regular(self.root / path))
                except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
                    return None
                self.trees[module] = (path, parsed)
        return self.trees[module]

    def resolve(self, module: str, name: str, depth: int = 0) -> tuple[str, ast.AST] | None:
        """``(module, definition)`` of a top-level name, through the tree's imports; for a
        name from confwarden, ``(module, None-placeholder Name node)``."""
        if depth > 8:
            return None
        if module == "confwarden" or module.startswith("confwarden."):
            return module, ast.Name(id=name)
        found = self.tree(module)
        if found is None:
            return None
        _, tree = found
        result: tuple[str, ast.AST] | None = None
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.name == name:
                result = (module, node)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    result = (module, node)
            elif isinstance(node, ast.ImportFrom) and node.module is not None:
                base = node.module
                if node.level:
                    parts = module.split(".")
                    base = ".".join([*parts[: len(parts) - node.level], node.module])
                for alias in node.names:
                    if (alias.asname or alias.name) == name:
                        result = self.resolve(base, alias.name, depth + 1)
        return result

    def class_fields(
        self, module: str, node: ast.ClassDef, own: dict[str, tuple[str, ...]], classes: set[str]
    ) -> dict[str, tuple[str, ...]]:
        """Every field of the class (inherited first); the tree's own fields go to ``own``."""
        classes.add(node.name)
        fields: dict[str, tuple[str, ...]] = {}
        for base in node.bases:
            name = _last(base)
            target = base.value if isinstance(base, ast.Attribute) else None
            where = module
            if isinstance(target, ast.Name):
                where = target.id  # module.Class: resolve the module alias below
            found = self.resolve(where if target is not None else module, name)
            if found is None:
                continue
            base_module, definition = found
            if isinstance(definition, ast.ClassDef):
                fields.update(self.class_fields(base_module, definition, own, classes))
            elif isinstance(definition, ast.Name):
                fields.update(_library_fields(base_module, name))
        for statement in node.body:
            if not (
                isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
            ):
                continue
            field_name = statement.target.id
            annotation = statement.annotation
            if (
                field_name.startswith("_")
                or _last(annotation.value if isinstance(annotation, ast.Subscript) else annotation)
                == "ClassVar"
            ):
                continue
            names = _marker(annotation)
            if names is None:
                names = fields.get(field_name) or (field_name.upper(),)
            if field_name not in fields or _marker(annotation) is not None:
                own[field_name] = names
            fields[field_name] = names
        return fields


def _line_of(tree: ast.Module, names: Iterable[str], source: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    wanted = set(names)
    for number, line in enumerate(source.splitlines(), start=1):
        for name in list(wanted):
            if f'"{name}"' in line or f"'{name}'" in line:
                lines[name] = number
                wanted.discard(name)
    return lines


def _static(root: Path, spec: str, locate: Locate) -> SchemaInfo:
    module, _, attr = spec.partition(":")
    reader = _Reader(root, locate)
    found = reader.resolve(module, attr)
    if found is None or not isinstance(found[1], ast.ClassDef | ast.Assign | ast.AnnAssign):
        where = locate(module)
        raise CheckerConfigError(
            f"[tool.confwarden] schema = {spec!r}: "
            + (
                f"module {module!r} is not in the checked tree"
                if where is None
                else f"no class or literal named {attr!r} at the top of {where}"
            )
            + ". Fix the setting, or pass --import-schema to import a computed schema."
        )
    where_module, definition = found
    path, tree = reader.tree(where_module) or ("", ast.Module(body=[], type_ignores=[]))
    own: dict[str, tuple[str, ...]] = {}
    classes: set[str] = set()
    if isinstance(definition, ast.ClassDef):
        literal = next(
            (
                _strings(s.value)
                for s in definition.body
                if isinstance(s, ast.Assign)
                and any(
                    isinstance(t, ast.Name) and t.id == "__confwarden_env_vars__" for t in s.targets
                )
            ),
            None,
        )
        if literal is not None:
            own = {n: (n,) for n in literal}
            names = frozenset(literal)
        else:
            fields = reader.class_fields(where_module, definition, own, classes)
            names = frozenset(n for variables in fields.values() for n in variables)
    else:
        assert isinstance(definition, ast.Assign | ast.AnnAssign)
        literal = _strings(definition.value)
        if literal is None:
            raise CheckerConfigError(
                f"[tool.confwarden] schema = {spec!r}: {attr} is not a literal mapping or list "
                "of names. Pass --import-schema to import a computed schema."
            )
        own = {n: (n,) for n in literal}
        names = frozenset(literal)
    try:
        source = read_regular(root / path).decode("utf-8", errors="replace") if path else ""
    except OSError:
        source = ""
    own_names = {n for variables in own.values() for n in variables}
    return SchemaInfo(names, path, _line_of(tree, own_names, source), own, frozenset(classes))


_CHILD = r"""
import json, sys
from pathlib import Path
root = Path(sys.argv[1])
sys.path[:0] = [str(root), str(root / "src")]
from confwarden.checker.schema import declared_variable_names
import importlib
module_name, _, attr = sys.argv[2].partition(":")
obj = importlib.import_module(module_name)
for part in attr.split("."):
    obj = getattr(obj, part)
print(json.dumps(sorted(declared_variable_names(obj))))
"""


def _imported(root: Path, spec: str) -> SchemaInfo:
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(root), spec],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=root,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CheckerConfigError(f"[tool.confwarden] schema = {spec!r}: {exc}") from exc
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise CheckerConfigError(
            f"[tool.confwarden] schema = {spec!r}: cannot import the schema ({last}). "
            "Fix the module path or the object name."
        )
    names = frozenset(json.loads(done.stdout))
    return SchemaInfo(names, own={n: (n,) for n in names})


def load_schema(
    root: Path, spec: str, locate: Locate, *, import_schema: bool = False
) -> SchemaInfo:
    """Read the declared names of ``"pkg.module:Obj"`` in the tree at ``root``.

    Args:
        root: the project root.
        spec: the ``schema`` setting.
        locate: the relative path of a module of the tree (None when not in it).
        import_schema: import the object in a child process instead of reading its source.

    Raises:
        CheckerConfigError: the schema cannot be found or read; the message says why.
    """
    if import_schema:
        return _imported(root, spec)
    return _static(root, spec, locate)


def class_family(root: Path, locate: Locate, module: str, name: str) -> frozenset[str]:
    """The class ``name`` as seen from ``module`` and the tree's classes it derives from."""
    reader = _Reader(root, locate)
    found = reader.resolve(module, name)
    classes: set[str] = set()
    if found is not None and isinstance(found[1], ast.ClassDef):
        reader.class_fields(found[0], found[1], {}, classes)
    return frozenset(classes)
