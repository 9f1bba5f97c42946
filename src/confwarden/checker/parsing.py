"""Which files changed since the cache was written, and their facts, parsed in parallel.

The engine's first half: a file whose size and mtime match its cache entry is taken as is;
one whose content hash matches is too (a touched, unchanged file); the rest are read and
walked once (:func:`~confwarden.checker.visitor.analyze_source`), in worker processes once
there are enough of them for the start-up to pay. Results cross the process boundary as
plain tuples (:func:`~confwarden.checker.facts.facts_to_plain`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from confwarden.checker.cache import CacheEntry
from confwarden.checker.discovery import SourceFile, module_name
from confwarden.checker.facts import FileFacts, ParseError, facts_to_plain
from confwarden.checker.files import read_regular
from confwarden.checker.visitor import analyze_source

__all__ = ["Progress", "changed_files", "parse_files"]

# Below this many files, starting worker processes costs more than it saves.
_PARALLEL_MIN_FILES = 48

Progress = Callable[[int, int], None]
_Parsed = tuple[str, str, tuple[object, ...]]  # (path, digest, plain facts)


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


_Options = tuple[tuple[str, ...], bool]  # (accessors, collect attribute names)


def _analyze(root: str, path: str, options: _Options) -> _Parsed:
    try:
        data = read_regular(Path(root) / path)
    except OSError as exc:
        facts = FileFacts(0, error=_unreadable(exc))
        return path, "", facts_to_plain(facts)
    module, is_package = module_name(path)
    facts = analyze_source(
        data,
        module=module,
        is_package=is_package,
        accessors=options[0],
        attributes=options[1],
    )
    return path, _digest(data), facts_to_plain(facts)


def _unreadable(exc: OSError) -> ParseError:
    return ParseError(1, 1, f"cannot read the file: {exc.strerror or exc}")


def _analyze_chunk(root: str, paths: list[str], options: _Options) -> list[_Parsed]:
    return [_analyze(root, path, options) for path in paths]


def parse_files(
    root: Path,
    paths: list[str],
    accessors: _Options,
    jobs: int,
    progress: Progress | None,
) -> list[_Parsed]:
    total = len(paths)
    if jobs <= 1 or total < _PARALLEL_MIN_FILES:
        parsed = []
        for done, path in enumerate(paths, start=1):
            parsed.append(_analyze(str(root), path, accessors))
            if progress is not None and done % 64 == 0:
                progress(done, total)
        return parsed
    # Biggest files first, in small chunks: no worker is left alone with a 30,000-line file
    # at the end while the other one idles.
    size = max(4, total // (jobs * 48))
    chunks = [paths[i : i + size] for i in range(0, total, size)]
    parsed = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_analyze_chunk, str(root), chunk, accessors) for chunk in chunks]
        for future in as_completed(futures):
            parsed.extend(future.result())
            if progress is not None:
                progress(len(parsed), total)
    return parsed


def changed_files(
    root: Path, files: list[SourceFile], cache: dict[str, CacheEntry]
) -> tuple[dict[str, CacheEntry], list[str], bool]:
    """Entries still valid, files to parse, and whether the cache needs writing."""
    entries: dict[str, CacheEntry] = {}
    to_parse: list[str] = []
    dirty = len(files) != len(cache)
    for source in files:
        entry = cache.get(source.path)
        if entry is not None and entry[0] == source.mtime_ns and entry[1] == source.size:
            entries[source.path] = entry
            continue
        dirty = True
        if entry is not None:
            try:
                digest = _digest(read_regular(root / source.path))
            except OSError:
                digest = ""
            if digest and digest == entry[2]:
                entries[source.path] = (source.mtime_ns, source.size, digest, entry[3], entry[4])
                continue
        to_parse.append(source.path)
    return entries, to_parse, dirty
