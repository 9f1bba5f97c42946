"""The engine: find the files, reuse the cache, parse the rest in parallel, run the rules.

One run::

    discover -> cache lookup (stat, then hash) -> parse + walk changed files (N processes)
             -> ruff F821 on the changed files (one invocation, in the background meanwhile)
             -> per-file rules on facts -> project rules (imports, schema)
             -> suppressions -> baseline -> sorted findings

Changed files are the only ones read and parsed; the import rule is then re-resolved in
memory from every file's cached import facts, so a change to a shared module is seen by
every service that imports it.
"""

from __future__ import annotations

import hashlib
import io
import re
import time
import tokenize
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from confwarden.checker.baseline import apply_baseline, read_baseline
from confwarden.checker.cache import CacheEntry, load_cache, save_cache
from confwarden.checker.config import CheckerConfig, infer_services, load_config
from confwarden.checker.discovery import SourceFile, discover, module_name
from confwarden.checker.facts import (
    EnvAccess,
    FileFacts,
    ImportFact,
    ParseError,
    Plain,
    facts_from_plain,
    facts_to_plain,
)
from confwarden.checker.findings import CheckResult, Finding
from confwarden.checker.rules import (
    ALL_RULES,
    FILE_RULES,
    PARSE_ERROR,
    FileContext,
    cross_service_import,
    undeclared_env_var,
    undefined_name,
    unused_declared_var,
)
from confwarden.checker.schema import load_schema
from confwarden.checker.suppressions import apply_suppressions
from confwarden.checker.visitor import analyze_source
from confwarden.environment.masking import MASK, is_sensitive_name, mask_url

__all__ = ["CHECKER_VERSION", "Progress", "run_check"]

CHECKER_VERSION = "0.1.0"

# Below this many files, starting worker processes costs more than it saves.
_PARALLEL_MIN_FILES = 48

Progress = Callable[[int, int], None]
_Parsed = tuple[str, str, tuple[object, ...]]  # (path, digest, plain facts)


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _analyze(root: str, path: str, accessors: tuple[str, ...]) -> _Parsed:
    try:
        data = (Path(root) / path).read_bytes()
    except OSError as exc:
        facts = FileFacts(0, error=_unreadable(exc))
        return path, "", facts_to_plain(facts)
    module, is_package = module_name(path)
    facts = analyze_source(data, module=module, is_package=is_package, accessors=accessors)
    return path, _digest(data), facts_to_plain(facts)


def _unreadable(exc: OSError) -> ParseError:
    return ParseError(1, 1, f"cannot read the file: {exc.strerror or exc}")


def _analyze_chunk(root: str, paths: list[str], accessors: tuple[str, ...]) -> list[_Parsed]:
    return [_analyze(root, path, accessors) for path in paths]


def _parse_all(
    root: Path,
    paths: list[str],
    accessors: tuple[str, ...],
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


def _lookup(
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
                digest = _digest((root / source.path).read_bytes())
            except OSError:
                digest = ""
            if digest and digest == entry[2]:
                entries[source.path] = (source.mtime_ns, source.size, digest, entry[3], entry[4])
                continue
        to_parse.append(source.path)
    return entries, to_parse, dirty


def _file_findings(path: str, facts: FileFacts, config: CheckerConfig) -> Iterable[Finding]:
    if facts.error is not None:
        error = facts.error
        yield Finding(
            path,
            error.line,
            error.column,
            PARSE_ERROR.code,
            f"file does not parse: {error.message}; no other rule could check it",
            PARSE_ERROR.name,
        )
        return
    if not facts.env and not facts.outputs:
        return
    ctx = FileContext(path, config, config.critical_names)
    for rule, check in FILE_RULES:
        if config.enabled(rule.code):
            yield from check(facts, ctx)


def _project_findings(
    root: Path,
    plains: dict[str, Plain],
    all_facts: dict[str, FileFacts],
    config: CheckerConfig,
) -> Iterable[Finding]:
    if config.enabled(cross_service_import.RULE.code):
        names = {module_name(path)[0]: path for path in plains}
        services, shared = dict(config.services), config.shared
        if not services:
            services, shared = infer_services(names)
        if services:
            # Import facts are materialised only for a platform: a plain library skips this.
            modules = {
                name: cross_service_import.Module(
                    path,
                    tuple(ImportFact(*i) for i in plains[path][2]),  # type: ignore[attr-defined]
                )
                for name, path in names.items()
            }
            yield from cross_service_import.check_project(
                modules, services, shared, allow_type_checking=config.allow_type_checking_imports
            )
    want_undeclared = config.enabled(undeclared_env_var.RULE.code)
    want_unused = config.enabled(unused_declared_var.RULE.code)
    if config.schema and (want_undeclared or want_unused):
        schema = load_schema(root, config.schema)
        reads: list[tuple[str, EnvAccess]] = [
            (path, access)
            for path, facts in all_facts.items()
            for access in facts.env
            if access.name and access.op == "read"
        ]
        if want_undeclared:
            yield from undeclared_env_var.check_project(reads, schema.names, config.schema)
        if want_unused:
            where = schema.path or "pyproject.toml"
            locations = {n: (where, schema.lines.get(n, 1)) for n in schema.names}
            read_names = {access.name for _, access in reads}
            yield from unused_declared_var.check_project(
                schema.names, read_names, config.schema, locations
            )


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_VARIABLE_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


def safe_source(line: str) -> str:
    """The source line as reports may show it: URL passwords masked, and on a line that
    names a sensitive variable every string value masked (a hard-coded secret in the code
    must not reach a CI log through the checker); variable names such as
    ``"SERVICE_SECRET"`` stay readable."""
    line = mask_url(line)
    if not any(is_sensitive_name(word) for word in _IDENTIFIER.findall(line)):
        return line
    pieces: list[str] = []
    last = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(line).readline):
            if token.type != tokenize.STRING:
                continue
            start, end = token.start[1], token.end[1]
            body = token.string.strip("\"'").lstrip("rbfuRBFU").strip("\"'")
            if _VARIABLE_NAME.fullmatch(body):
                continue
            quote = token.string[-1]
            pieces.append(line[last:start] + f"{quote}{MASK}{quote}")
            last = end
    except (tokenize.TokenError, SyntaxError):
        first = min((i for i in (line.find('"'), line.find("'")) if i >= 0), default=len(line))
        return line[:first] + MASK if first < len(line) else line
    return "".join(pieces) + line[last:]


def _with_sources(root: Path, findings: list[Finding]) -> list[Finding]:
    lines_of: dict[str, list[str]] = {}
    result = []
    for finding in findings:
        if finding.path not in lines_of:
            try:
                text = (root / finding.path).read_text(encoding="utf-8", errors="replace")
                lines_of[finding.path] = text.splitlines()
            except OSError:
                lines_of[finding.path] = []
        lines = lines_of[finding.path]
        source = lines[finding.line - 1].strip() if 0 < finding.line <= len(lines) else ""
        source = safe_source(source)
        result.append(finding.with_source(source))
    return result


def run_check(
    root: Path | str,
    config: CheckerConfig | None = None,
    *,
    jobs: int = 2,
    use_cache: bool = True,
    baseline: Path | None = None,
    progress: Progress | None = None,
    ruff_timeout: float = 600.0,
    find_ruff: Callable[[], str | None] = undefined_name.find_ruff,
) -> CheckResult:
    """Check every Python file under ``root``.

    Args:
        root: the tree to check; finding paths are relative to it.
        config: the settings; read from the tree's ``pyproject.toml`` when omitted.
        jobs: worker processes for parsing (1 parses in this process).
        use_cache: reuse and update ``.confwarden-cache/`` in ``root``.
        baseline: a baseline file whose findings are hidden.
        progress: called with ``(files done, files to parse)`` while parsing.
        ruff_timeout: seconds ruff may take before CW106 gives up with a warning.
        find_ruff: locates the ruff executable (``None``: not installed).

    Returns:
        The findings and counters of the run.

    Raises:
        CheckerConfigError: the settings, the schema or the baseline cannot be used.

    Example:
        >>> result = run_check("services/")  # doctest: +SKIP
        >>> [f.code for f in result.findings]  # doctest: +SKIP
        ['CW101', 'CW105']
    """
    started = time.perf_counter()
    root = Path(root).resolve()
    config = config if config is not None else load_config(root)
    baseline_entries = read_baseline(baseline) if baseline is not None else None
    key = f"{CHECKER_VERSION}:{config.fingerprint()}"
    files = discover(root, config.exclude)
    cache = load_cache(root, key) if use_cache else {}
    entries, to_parse, dirty = _lookup(root, files, cache)

    result = CheckResult(root=str(root), files=len(files), files_checked=len(to_parse))
    result.rules = tuple(r for r in ALL_RULES if config.enabled(r.code))
    ruff_run = None
    ruff_paths: list[str] = []
    if config.enabled(undefined_name.RULE.code):
        ruff_paths = to_parse + [p for p, e in entries.items() if e[4] is None]
        if ruff_paths:
            ruff_run = undefined_name.start_ruff(
                root, ruff_paths, timeout=ruff_timeout, ruff=find_ruff()
            )
            if ruff_run is None:
                result.warnings.append(undefined_name.MISSING_RUFF)

    stats = {f.path: f for f in files}
    to_parse.sort(key=lambda path: -stats[path].size)
    for path, digest, plain in _parse_all(root, to_parse, config.accessors, jobs, progress):
        source = stats[path]
        entries[path] = (source.mtime_ns, source.size, digest, plain, None)
    if ruff_run is not None:
        hits, warnings = ruff_run.results()
        result.warnings.extend(warnings)
        if not warnings:
            for path in ruff_paths:
                old = entries[path]
                entries[path] = (*old[:4], tuple(hits.get(path, ())))
            dirty = True
    if use_cache and dirty:
        save_cache(root, key, entries)

    plains = {path: entry[3] for path, entry in entries.items()}
    # Most files have imports only; only the others become FileFacts (the warm path is
    # dominated by work proportional to the number of files).
    all_facts = {
        path: facts_from_plain(plain)
        for path, plain in plains.items()
        if plain[1] or plain[3] or plain[4] or plain[5]
    }
    result.lines = sum(plain[0] for plain in plains.values())
    findings: list[Finding] = []
    for path, facts in all_facts.items():
        findings.extend(_file_findings(path, facts, config))
    if config.enabled(undefined_name.RULE.code):
        for path, entry in entries.items():
            for line, column, message in entry[4] or ():
                findings.append(
                    Finding(
                        path,
                        line,
                        column,
                        undefined_name.RULE.code,
                        f"{message}: NameError at run time; import or define it (ruff F821)",
                        undefined_name.RULE.name,
                    )
                )
    findings.extend(_project_findings(root, plains, all_facts, config))
    findings = _with_sources(root, findings)
    suppressions = {p: f.suppressions for p, f in all_facts.items() if f.suppressions}
    findings, result.suppressed = apply_suppressions(findings, suppressions, enabled=config.enabled)
    if baseline_entries is not None:
        findings, result.baselined = apply_baseline(findings, baseline_entries)
    result.findings = sorted(findings)
    result.duration = time.perf_counter() - started
    return result
