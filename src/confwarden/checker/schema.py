"""Where the schema rules (CW107/CW108) learn which variables are declared.

The checker must not depend on the configuration layer at import time, so the contract is
duck-typed: ``[tool.confwarden] schema = "pkg.module:Obj"`` is imported with the checked root
on ``sys.path`` and :func:`declared_variable_names` reads the names from whatever ``Obj`` is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from confwarden._importing import import_from_tree
from confwarden.checker.config import CheckerConfigError

__all__ = ["SchemaInfo", "declared_variable_names", "load_schema"]


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


class SchemaInfo:
    """The declared names and where each is declared (for CW108's location)."""

    def __init__(self, names: frozenset[str], path: str, lines: Mapping[str, int]) -> None:
        self.names = names
        self.path = path
        self.lines = dict(lines)


def load_schema(root: Path, spec: str) -> SchemaInfo:
    """Import ``"pkg.module:Obj"`` from the tree at ``root`` and read its declared names.

    Raises:
        CheckerConfigError: the module cannot be imported, the object is missing, or it
            declares nothing readable; the message names the setting and the cause.
    """
    module_name, _, attr = spec.partition(":")
    try:
        module = import_from_tree(module_name, root)
        obj: object = module
        for part in attr.split("."):
            obj = getattr(obj, part)
        names = declared_variable_names(obj)
    except Exception as exc:
        raise CheckerConfigError(
            f"[tool.confwarden] schema = {spec!r}: cannot load the schema "
            f"({type(exc).__name__}: {exc}). Fix the module path or the object name."
        ) from exc
    where = ""
    lines: dict[str, int] = {}
    file = getattr(module, "__file__", None)
    if file:
        try:
            where = Path(file).resolve().relative_to(root.resolve()).as_posix()
            text = Path(file).read_text(encoding="utf-8", errors="replace").splitlines()
        except (ValueError, OSError):
            text = []
        for name in names:
            pattern = re.compile(rf"\b{re.escape(name)}\b")
            for number, line in enumerate(text, start=1):
                if pattern.search(line):
                    lines[name] = number
                    break
    return SchemaInfo(names, where, lines)
