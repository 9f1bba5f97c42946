"""Importing user code from a project tree, by both the checker and the configuration layer.

``confwarden check`` and ``confwarden doctor`` import a project's schema module
(``"shared.config:PlatformConfig"``) from the tree they were pointed at. In one long-lived
process (tests, an editor integration, a server running doctor) a previous tree's ``shared``
package may already sit in ``sys.modules``, and Python would silently hand back the wrong
one. So every top-level package of the tree that is already imported from somewhere else is
forgotten first, and the tree is on ``sys.path`` only during the import.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from types import ModuleType

__all__ = ["import_from_tree"]


def _top_level_names(directory: Path) -> set[str]:
    names: set[str] = set()
    try:
        entries = list(directory.iterdir())
    except OSError:
        return names
    for entry in entries:
        if entry.suffix == ".py":
            names.add(entry.stem)
        elif entry.is_dir() and entry.name.isidentifier():
            names.add(entry.name)
    return names


def _forget_foreign(names: set[str], roots: list[Path]) -> None:
    prefixes = tuple(str(r.resolve()) + os.sep for r in roots)
    for name in list(sys.modules):
        if name.partition(".")[0] not in names:
            continue
        module = sys.modules[name]
        location = getattr(module, "__file__", None)
        if location is None:
            paths = list(getattr(module, "__path__", []) or [])
            location = paths[0] if paths else ""
        if not str(Path(location).resolve()).startswith(prefixes):
            del sys.modules[name]


def import_from_tree(module_name: str, root: str | os.PathLike[str]) -> ModuleType:
    """Import ``module_name`` from the project tree at ``root`` (or ``root/src``).

    Raises:
        ImportError: the module cannot be imported from that tree.
    """
    base = Path(root)
    roots = [p for p in (base, base / "src") if p.is_dir()]
    names: set[str] = set()
    for directory in roots:
        names |= _top_level_names(directory)
    _forget_foreign(names, roots)
    added = [str(p) for p in roots if str(p) not in sys.path]
    sys.path[:0] = added
    try:
        return importlib.import_module(module_name)
    finally:
        for path in added:
            if path in sys.path:
                sys.path.remove(path)
