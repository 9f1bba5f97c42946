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
    field_lines: dict[str, tuple[str, int]] = field(default_factory=dict)
    nested: tuple[str, ...] = ()
    case_sensitive: bool = True

    def declares(self, name: str) -> bool:
        """Whether reading ``name`` reads a declared variable: one of :attr:`names`, a
        variable of a nested group (``SHOP_PAYMENT__PROVIDER``), in any case when the
        schema says ``case_sensitive=False``.

        Example:
            >>> SchemaInfo(frozenset({"PORT"}), case_sensitive=False).declares("port")
            True
        """
        if name in self.names or name.startswith(self.nested):
            return True
        if self.case_sensitive:
            return False
        upper = name.upper()
        return any(n.upper() == upper for n in self.names) or upper.startswith(
            tuple(p.upper() for p in self.nested)
        )

    def where(self, field_name: str, name: str) -> tuple[str, int]:
        """(path, line) of a field's declaration (the schema module's first line if unknown)."""
        return self.field_lines.get(field_name) or (
            self.path or "pyproject.toml",
            self.lines.get(name, 1),
        )


@dataclass
class _Options:
    """The class keywords of a ``ConfigSchema`` subclass that decide variable names
    (inherited by subclasses, as the library does)."""

    prefix: str = ""
    case_sensitive: bool = True
    delimiter: str | None = "__"
    nested: list[str] = field(default_factory=list)
    lines: dict[str, tuple[str, int]] = field(default_factory=dict)


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
        self,
        module: str,
        node: ast.ClassDef,
        own: dict[str, tuple[str, ...]],
        classes: set[str],
        options: _Options | None = None,
    ) -> dict[str, tuple[str, ...]]:
        """Every field of the class (inherited first); the tree's own fields go to ``own``,
        the naming keywords, nested groups and declaration lines to ``options``."""
        options = options if options is not None else _Options()
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
                fields.update(self.class_fields(base_module, definition, own, classes, options))
            elif isinstance(definition, ast.Name):
                fields.update(_library_fields(base_module, name))
        _keywords(node, options)
        path = (self.tree(module) or ("", None))[0]
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
                names = fields.get(field_name) or (f"{options.prefix}{field_name}".upper(),)
            if field_name not in fields or _marker(annotation) is not None:
                own[field_name] = names
                options.lines[field_name] = (path, statement.lineno)
            fields[field_name] = names
            if options.delimiter and names and self.nested(module, annotation):
                options.nested.extend(f"{n}{options.delimiter}" for n in names)
        return fields

    def nested(self, module: str, annotation: ast.expr) -> bool:
        """A nested group: a dict, or a class of the tree (a pydantic model)."""
        head = annotation.value if isinstance(annotation, ast.Subscript) else annotation
        if _last(head) in {"dict", "Dict", "Mapping", "MutableMapping"}:
            return True
        if not isinstance(head, ast.Name):
            return False
        found = self.resolve(module, head.id)
        return found is not None and isinstance(found[1], ast.ClassDef)


def _keywords(node: ast.ClassDef, options: _Options) -> None:
    """Apply ``env_prefix=``, ``case_sensitive=`` and ``env_nested_delimiter=`` literals."""
    for keyword in node.keywords:
        if not isinstance(keyword.value, ast.Constant):
            continue
        value = keyword.value.value
        if keyword.arg == "env_prefix" and isinstance(value, str):
            options.prefix = value
        elif keyword.arg == "case_sensitive" and isinstance(value, bool):
            options.case_sensitive = value
        elif keyword.arg == "env_nested_delimiter" and (value is None or isinstance(value, str)):
            options.delimiter = value or None


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
    options = _Options()
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
            fields = reader.class_fields(where_module, definition, own, classes, options)
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
    return SchemaInfo(
        names,
        path,
        _line_of(tree, own_names, source),
        own,
        frozenset(classes),
        field_lines=options.lines,
        nested=tuple(options.nested),
        case_sensitive=options.case_sensitive,
    )


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
        from confwarden.checker.schema_import import imported_schema

        return imported_schema(root, spec, locate)
    return _static(root, spec, locate)


def class_family(root: Path, locate: Locate, module: str, name: str) -> frozenset[str]:
    """The class ``name`` as seen from ``module`` and the tree's classes it derives from."""
    reader = _Reader(root, locate)
    found = reader.resolve(module, name)
    classes: set[str] = set()
    if found is not None and isinstance(found[1], ast.ClassDef):
        reader.class_fields(found[0], found[1], {}, classes)
    return frozenset(classes)
