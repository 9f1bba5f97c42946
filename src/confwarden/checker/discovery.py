"""Which files of a tree are checked, and the module name each one has.

The walk uses ``os.scandir`` so that the stat each entry carries comes with the directory
listing: the warm path of the cache needs ``(mtime_ns, size)`` of every file and nothing
else, and this is the cheapest way to get it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from confwarden.checker.config import path_matches

__all__ = ["SourceFile", "discover", "module_name"]

_SKIP_DIRS = frozenset({"__pycache__", "node_modules", "site-packages"})


class SourceFile(NamedTuple):
    """A Python file: its path relative to the root (``/`` separators) and its stat."""

    path: str
    mtime_ns: int
    size: int


def discover(root: Path, exclude: Iterable[str] = ()) -> list[SourceFile]:
    """Every ``.py`` file under ``root``, sorted, without hidden directories, virtualenvs,
    ``__pycache__`` and the ``exclude`` globs."""
    patterns = tuple(exclude)
    found: list[SourceFile] = []
    stack = [(str(root), "")]
    while stack:
        directory, prefix = stack.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            rel = f"{prefix}{name}"
            try:
                if entry.is_dir(follow_symlinks=False):
                    if name.startswith(".") or name in _SKIP_DIRS:
                        continue
                    if "env" in name and os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
                        continue  # a virtualenv (venv, env, myenv...) is not the project's code
                    if patterns and path_matches(rel + "/", patterns):
                        continue
                    stack.append((entry.path, rel + "/"))
                elif name.endswith(".py") and entry.is_file():
                    if patterns and path_matches(rel, patterns):
                        continue
                    stat = entry.stat()
                    found.append(SourceFile(rel, stat.st_mtime_ns, stat.st_size))
            except OSError:
                continue
    found.sort()
    return found


def module_name(path: str) -> tuple[str, bool]:
    """The dotted module of a relative path and whether it is a package (``__init__``).

    A leading ``src/`` (the src layout) is not part of the module name.

    Example:
        >>> module_name("src/backend/app/__init__.py")
        ('backend.app', True)
    """
    parts = path.removesuffix(".py").split("/")
    if len(parts) > 1 and parts[0] == "src":
        parts = parts[1:]
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False
