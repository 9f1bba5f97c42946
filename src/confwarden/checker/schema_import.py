"""``--import-schema``: the schema object imported in a child process, for computed schemas.

The tree's code runs only when the user asks for it, and then in a child process with the
tree on ``sys.path``: the checker's own process never imports a pull request's module.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from confwarden.checker.config import CheckerConfigError
from confwarden.checker.schema import Locate, SchemaInfo, _expand, _Reader

__all__ = ["imported_schema"]

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
fields = {}
for spec in getattr(obj, "__confwarden_fields__", ()):
    owner = next(
        (c for c in getattr(obj, "__mro__", ())
         if spec.name in c.__dict__.get("__annotations__", {})),
        None,
    )
    fields[spec.name] = {
        "names": [*spec.env_names, *spec.deprecated_names],
        "owner": [owner.__module__, owner.__qualname__] if owner is not None else ["", ""],
        "nested": spec.nested_delimiter or "",
    }
print(json.dumps({
    "names": sorted(declared_variable_names(obj)),
    "fields": fields,
    "case_sensitive": bool(getattr(obj, "__confwarden_case_sensitive__", True)),
}))
"""


def imported_schema(root: Path, spec: str, locate: Locate) -> SchemaInfo:
    """Import the schema object in a child process (``--import-schema``) and read it.

    A ``ConfigSchema`` subclass gives its fields with their variables (so an attribute read
    ``cfg.page_size`` counts as reading the field), the class that declares each one (for
    the line of a CW108 finding) and its nested groups; any other object its names.

    Raises:
        CheckerConfigError: the import fails; the message has the child's last line.
    """
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
    data = json.loads(done.stdout)
    names = frozenset(data["names"])
    if not data["fields"]:
        return SchemaInfo(names, own={n: (n,) for n in names})
    reader = _Reader(root, locate)
    own: dict[str, tuple[str, ...]] = {}
    lines: dict[str, tuple[str, int]] = {}
    nested: list[str] = []
    for field_name, item in data["fields"].items():
        variables = _expand(item["names"])
        if item["nested"]:
            nested.extend(f"{n}{item['nested']}" for n in variables)
        module, qualname = item["owner"]
        if not module or module == "confwarden" or module.startswith("confwarden."):
            continue  # a library field is the library's business
        own[field_name] = variables
        found = reader.resolve(module, qualname)
        if found is not None and isinstance(found[1], ast.ClassDef):
            path = (reader.tree(found[0]) or ("", None))[0]
            for statement in found[1].body:
                target = getattr(statement, "target", None)
                if isinstance(target, ast.Name) and target.id == field_name:
                    lines[field_name] = (path, statement.lineno)
    return SchemaInfo(
        names,
        own=own,
        field_lines=lines,
        nested=tuple(nested),
        case_sensitive=data["case_sensitive"],
    )
