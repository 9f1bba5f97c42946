"""The content-hash cache under ``.confwarden-cache/`` in the checked root.

Per file it keeps ``(mtime_ns, size, blake2b digest, facts, ruff hits)``. A warm run stats
each file and trusts an unchanged ``(mtime_ns, size)``; only when the stat changed does it
read and hash the file, and only when the hash changed does it parse it again (and run ruff
on it). The whole cache is one ``marshal`` file (plain tuples and strings: fast to load and
unable to run code) keyed by the checker version and the settings' fingerprint. A cache
that cannot be read, is not a regular file, or holds entries of the wrong shape is
discarded: the run then parses everything, as on a first run.
"""

from __future__ import annotations

import marshal
import os
from pathlib import Path
from typing import Any

from confwarden.checker.files import read_regular

__all__ = ["CACHE_DIR", "CacheEntry", "discard_cache", "load_cache", "save_cache"]

CACHE_DIR = ".confwarden-cache"
# Bump when the facts or the rules change meaning: old caches are then ignored.
FORMAT = 5

# (mtime_ns, size, digest, plain facts, ruff hits or None when ruff did not run); a ruff hit
# is (line, column, message, 1 when it sits in a never-evaluated annotation).
CacheEntry = tuple[int, int, str, tuple[Any, ...], tuple[tuple[int, int, str, int], ...] | None]


def _cache_file(root: Path) -> Path:
    return root / CACHE_DIR / "checker.marshal"


def load_cache(root: Path, key: str) -> dict[str, CacheEntry]:
    """The entries stored for ``key``, or an empty cache when absent, stale or unreadable."""
    try:
        data = marshal.loads(read_regular(_cache_file(root)))
    except (OSError, EOFError, ValueError, TypeError, MemoryError):
        return {}
    if not isinstance(data, tuple) or len(data) != 3 or data[:2] != (FORMAT, key):
        return {}
    entries = data[2]
    if not isinstance(entries, dict) or not all(map(_well_formed, entries.values())):
        return {}
    return entries


def _well_formed(entry: object) -> bool:
    return (
        type(entry) is tuple
        and len(entry) == 5
        and type(entry[0]) is int
        and type(entry[1]) is int
        and type(entry[2]) is str
        and type(entry[3]) is tuple
        and len(entry[3]) == 8
        and (entry[4] is None or type(entry[4]) is tuple)
    )


def save_cache(root: Path, key: str, entries: dict[str, CacheEntry]) -> None:
    """Write the cache atomically; a read-only tree just goes without one."""
    target = _cache_file(root)
    try:
        target.parent.mkdir(exist_ok=True)
        gitignore = target.parent / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n")
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps((FORMAT, key, entries)))
        tmp.replace(target)
    except OSError:
        return


def discard_cache(root: Path) -> None:
    """Remove the cache file (it held data of the wrong shape)."""
    try:
        _cache_file(root).unlink()
    except OSError:
        return
