"""The engine: find the project, the files, reuse the cache, parse the rest in parallel, run
the rules.

One run::

    project root (nearest [tool.confwarden]) -> discover -> cache lookup (stat, then hash)
             -> parse + walk changed files (N processes)
             -> ruff F821 on the changed files (one invocation, in the background meanwhile)
             -> per-file rules on facts -> project rules (imports, schema, signatures)
             -> suppressions -> baseline -> findings on the given paths, sorted

Changed files are the only ones read and parsed; the import rule is then re-resolved in
memory from every file's cached import facts, so a change to a shared module is seen by
every service that imports it. Checking a subfolder parses (or takes from the cache) the
whole project, since an import chain or a schema read crosses folders, and reports only
the findings inside the given paths.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from confwarden.checker.baseline import apply_baseline, read_baseline
from confwarden.checker.cache import CacheEntry, discard_cache, load_cache, save_cache
from confwarden.checker.config import (
    CheckerConfig,
    CheckerConfigError,
    find_project_root,
    infer_services,
    load_config,
)
from confwarden.checker.discovery import discover, module_name
from confwarden.checker.excerpts import safe_source, source_lines
from confwarden.checker.facts import (
    VIA_OS,
    EnvAccess,
    EnvCall,
    FileFacts,
    ImportFact,
    ParseError,
    Plain,
    facts_from_plain,
)
from confwarden.checker.files import is_special, read_regular
from confwarden.checker.findings import CheckResult, Finding
from confwarden.checker.parsing import Progress, changed_files, parse_files
from confwarden.checker.rules import (
    ALL_RULES,
    FILE_RULES,
    PARSE_ERROR,
    FileContext,
    cross_service_import,
    env_call_signature,
    undeclared_env_var,
    undefined_name,
    undefined_name_in_annotation,
    unused_declared_var,
)
from confwarden.checker.schema import class_family, load_schema
from confwarden.checker.suppressions import apply_suppressions

__all__ = ["CHECKER_VERSION", "Progress", "resolve_paths", "run_check"]

CHECKER_VERSION = "0.3.2"


def _newer_syntax(error: ParseError, config: CheckerConfig) -> bool:
    """The file may be valid for the project's Python, just not for the one running: the
    project targets a newer Python and the error is the shape of a construct of that Python
    (:mod:`~confwarden.checker.newer_syntax`); any other error is CW000."""
    target = config.target_version
    return bool(error.newer) and target is not None and sys.version_info[:2] < target


def _file_findings(path: str, facts: FileFacts, config: CheckerConfig) -> Iterable[Finding]:
    if facts.error is not None:
        error = facts.error
        if _newer_syntax(error, config):
            return  # a note, see _skipped_note
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


def _locator(plains: dict[str, Plain]) -> Callable[[str], str | None]:
    paths = {module_name(path)[0]: path for path in plains}
    return paths.get


def _project_findings(
    root: Path,
    plains: dict[str, Plain],
    all_facts: dict[str, FileFacts],
    config: CheckerConfig,
    *,
    import_schema: bool = False,
) -> Iterable[Finding]:
    locate = _locator(plains)
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
    if config.enabled(env_call_signature.RULE.code):
        calls: list[tuple[str, EnvCall]] = [
            (path, call) for path, facts in all_facts.items() for call in facts.calls
        ]
        if calls:
            yield from env_call_signature.check_project(calls, _module_source(root, locate))
    want_undeclared = config.enabled(undeclared_env_var.RULE.code)
    want_unused = config.enabled(unused_declared_var.RULE.code)
    if config.schema and (want_undeclared or want_unused):
        schema = load_schema(root, config.schema, locate, import_schema=import_schema)
        reads: list[tuple[str, EnvAccess]] = [
            (path, access)
            for path, facts in all_facts.items()
            for access in facts.env
            if access.name and access.op == "read"
        ]
        if want_undeclared:
            yield from undeclared_env_var.check_project(reads, schema.declares, config.schema)
        if want_unused:
            attributes: set[str] = set()
            loaded: set[str] = set()
            for path, plain in plains.items():
                for item in plain[7]:  # type: ignore[attr-defined]
                    if item.startswith("()"):
                        module = module_name(path)[0]
                        loaded |= class_family(root, locate, module, item[2:])
                    else:
                        attributes.add(item)
            read_names = {access.name for _, access in reads}
            yield from unused_declared_var.check_project(
                schema, read_names, attributes, loaded, config.schema
            )


def _collect_for_fix(
    result: CheckResult, plains: dict[str, Plain], all_facts: dict[str, FileFacts]
) -> None:
    """What ``--fix`` needs beyond findings: who imports what, and what is written."""
    modules = {module_name(path)[0] for path in plains}
    for path, plain in plains.items():
        edges = result.graph.setdefault(module_name(path)[0], set())
        for _, _, module, kind, names in plain[2]:  # type: ignore[attr-defined]
            if names:
                result.imported.setdefault(module, set()).update(names)
            if kind in ("function", "type_checking"):
                continue  # not run when the module is imported
            edges.add(module)
            edges.update(f"{module}.{name}" for name in names if f"{module}.{name}" in modules)
    for path, facts in sorted(all_facts.items()):
        for access in facts.env:
            if access.via == VIA_OS and access.op == "write" and access.name:
                result.written.setdefault(access.name, (path, access.line))


def _module_source(root: Path, locate: Callable[[str], str | None]) -> Callable[[str], str | None]:
    def source(module: str) -> str | None:
        path = locate(module)
        if path is None:
            return None
        try:
            return read_regular(root / path).decode("utf-8", errors="replace")
        except OSError:
            return None

    return source


def _with_sources(root: Path, findings: list[Finding]) -> list[Finding]:
    """Attach the (masked, cut) source line to each finding; one excerpt per line, so a
    minified file with 200,000 findings on one line keeps one short string, not 200,000."""
    lines_of: dict[str, list[str]] = {}
    excerpts: dict[tuple[str, int], str] = {}
    result = []
    for finding in findings:
        key = (finding.path, finding.line)
        source = excerpts.get(key)
        if source is None:
            if finding.path not in lines_of:
                try:
                    data = read_regular(root / finding.path) if finding.path else b""
                    lines_of[finding.path] = source_lines(data)
                except OSError:
                    lines_of[finding.path] = []
            lines = lines_of[finding.path]
            raw = lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""
            source = excerpts[key] = safe_source(raw)
        result.append(finding.with_source(source))
    return result


def _scope(root: Path, paths: Sequence[Path]) -> tuple[str, ...]:
    """The given paths relative to the root ("" when the root itself is given)."""
    scope: list[str] = []
    for path in paths:
        rel = path.relative_to(root).as_posix()
        scope.append("" if rel == "." else rel)
    return tuple(scope)


def _in_scope(path: str, scope: tuple[str, ...]) -> bool:
    return any(not s or path == s or path.startswith(s + "/") for s in scope)


def _ruff_findings(entries: dict[str, CacheEntry], config: CheckerConfig) -> Iterable[Finding]:
    runtime = config.enabled(undefined_name.RULE.code)
    lazy = config.enabled(undefined_name_in_annotation.RULE.code)
    for path, entry in entries.items():
        for line, column, message, annotation_only in entry[4] or ():
            if annotation_only and lazy:
                yield Finding(
                    path,
                    line,
                    column,
                    undefined_name_in_annotation.RULE.code,
                    f"{message} in an annotation Python never evaluates: no NameError at run "
                    "time, but type checkers and get_type_hints() cannot resolve it; import "
                    "it (under TYPE_CHECKING is enough)",
                    undefined_name_in_annotation.RULE.name,
                )
            elif not annotation_only and runtime:
                text = f"{message}: NameError at run time; import or define it (ruff F821)"
                if undefined_name.TYPE_CHECKING_ONLY in message:
                    text = (
                        f"{message} (an annotation evaluated when its function or class is "
                        "defined, or code): NameError at run time; import it outside the "
                        "block, or quote the annotation, or add `from __future__ import "
                        "annotations` (ruff TC004)"
                    )
                yield Finding(
                    path, line, column, undefined_name.RULE.code, text, undefined_name.RULE.name
                )


_Hits = tuple[tuple[int, int, str, int], ...]


def _classify(root: Path, hits: dict[str, list[tuple[int, int, str]]]) -> dict[str, _Hits]:
    """Ruff's hits per file, each marked 1 when it sits in a never-evaluated annotation."""
    classified: dict[str, _Hits] = {}
    for path, items in hits.items():
        try:
            data = read_regular(root / path)
        except OSError:
            data = b""
        flags = undefined_name_in_annotation.annotation_only(data, items)
        classified[path] = tuple(
            (line, column, message, int(flag))
            for (line, column, message), flag in zip(items, flags, strict=True)
        )
    return classified


def _skipped_note(all_facts: dict[str, FileFacts], config: CheckerConfig) -> str | None:
    skipped = sorted(
        path
        for path, facts in all_facts.items()
        if facts.error is not None and _newer_syntax(facts.error, config)
    )
    if not skipped or config.target_version is None:
        return None
    running = ".".join(map(str, sys.version_info[:2]))
    target = ".".join(map(str, config.target_version))
    shown = ", ".join(skipped[:5]) + (f" and {len(skipped) - 5} more" if len(skipped) > 5 else "")
    return (
        f"{len(skipped)} file(s) skipped: Python {running} (running the checker) cannot parse "
        f"them, and the project targets Python >= {target}, whose syntax they may use "
        f"({shown}); run confwarden check with Python {target} or later to check them"
    )


def resolve_paths(
    path: Path | str | Sequence[Path | str], root: Path | None
) -> tuple[Path, tuple[str, ...]]:
    """The project root of the given paths and the paths relative to it.

    Raises:
        CheckerConfigError: a path is missing, special (a FIFO) or outside the root.
    """
    items = [path] if isinstance(path, str | Path) else list(path)
    resolved = [Path(p).resolve() for p in items or ["."]]
    for item in resolved:
        if not item.exists():
            raise CheckerConfigError(f"{item}: no such file or directory")
        if is_special(item):
            raise CheckerConfigError(
                f"{item}: not a regular file or directory (a FIFO or a device?); refused"
            )
    if root is None:
        common = Path(*Path(resolved[0]).parts)
        for item in resolved[1:]:
            while common not in (item, *item.parents):
                common = common.parent
        root = find_project_root(common)
    root = root.resolve()
    for item in resolved:
        if item != root and root not in item.parents:
            raise CheckerConfigError(f"{item} is not inside the project root {root}")
    return root, _scope(root, resolved)


def run_check(
    path: Path | str | Sequence[Path | str] = ".",
    config: CheckerConfig | None = None,
    *,
    root: Path | None = None,
    jobs: int = 2,
    use_cache: bool = True,
    baseline: Path | None = None,
    progress: Progress | None = None,
    ruff_timeout: float = 600.0,
    find_ruff: Callable[[], str | None] = undefined_name.find_ruff,
    import_schema: bool = False,
    collect_imports: bool = False,
) -> CheckResult:
    """Check the Python files at ``path`` (a directory, a file, or several) in their project.

    The project root is the nearest directory with a ``pyproject.toml`` holding
    ``[tool.confwarden]``, walking up from the given paths (as ruff finds its settings);
    finding paths are relative to it, and only findings inside the given paths are reported.

    Args:
        path: what to check.
        config: the settings; read from the root's ``pyproject.toml`` when omitted.
        root: the project root, when the caller already knows it.
        jobs: worker processes for parsing (1 parses in this process).
        use_cache: reuse and update ``.confwarden-cache/`` in the root.
        baseline: a baseline file whose findings are hidden.
        progress: called with ``(files done, files to parse)`` while parsing.
        ruff_timeout: seconds ruff may take before CW106 gives up with a warning.
        find_ruff: locates the ruff executable (``None``: not installed).
        import_schema: import the ``schema`` object (in a child process) instead of reading
            it from its source; the checker never runs the tree's code otherwise.
        collect_imports: fill :attr:`CheckResult.imported` (for ``--fix``).

    Returns:
        The findings and counters of the run.

    Raises:
        CheckerConfigError: the paths, the settings, the schema or the baseline cannot be used.

    Example:
        >>> result = run_check("services/")  # doctest: +SKIP
        >>> [f.code for f in result.findings]  # doctest: +SKIP
        ['CW101', 'CW105']
    """
    started = time.perf_counter()
    root, scope = resolve_paths(path, root)
    config = config if config is not None else load_config(root)
    baseline_entries = read_baseline(baseline) if baseline is not None else None
    options = dict(
        jobs=jobs,
        progress=progress,
        ruff_timeout=ruff_timeout,
        find_ruff=find_ruff,
        import_schema=import_schema,
        collect_imports=collect_imports,
    )
    try:
        result = _run(root, scope, config, use_cache=use_cache, **options)  # type: ignore[arg-type]
    except (TypeError, ValueError, IndexError, KeyError, AttributeError):
        if not use_cache:
            raise
        # Only a cache of the wrong shape gets here: forget it, parse everything again.
        discard_cache(root)
        result = _run(root, scope, config, use_cache=True, **options)  # type: ignore[arg-type]
    if baseline_entries is not None:
        result.findings, result.baselined = apply_baseline(result.findings, baseline_entries)
    result.findings.sort()
    result.duration = time.perf_counter() - started
    return result


def _run(
    root: Path,
    scope: tuple[str, ...],
    config: CheckerConfig,
    *,
    use_cache: bool,
    jobs: int,
    progress: Progress | None,
    ruff_timeout: float,
    find_ruff: Callable[[], str | None],
    import_schema: bool,
    collect_imports: bool = False,
) -> CheckResult:
    key = f"{CHECKER_VERSION}:{config.fingerprint()}"
    files = discover(root, config.exclude)
    cache = load_cache(root, key) if use_cache else {}
    entries, to_parse, dirty = changed_files(root, files, cache)

    result = CheckResult(root=str(root), files=len(files), files_checked=len(to_parse))
    result.rules = tuple(r for r in ALL_RULES if config.enabled(r.code))
    ruff_run = None
    ruff_paths: list[str] = []
    if config.enabled(undefined_name.RULE.code) or config.enabled(
        undefined_name_in_annotation.RULE.code
    ):
        ruff_paths = [
            p
            for p in to_parse + [p for p, e in entries.items() if e[4] is None]
            if _in_scope(p, scope)
        ]
        if ruff_paths:
            ruff_run = undefined_name.start_ruff(
                root, ruff_paths, timeout=ruff_timeout, ruff=find_ruff()
            )
            if ruff_run is None:
                result.warnings.append(undefined_name.MISSING_RUFF)

    stats = {f.path: f for f in files}
    to_parse.sort(key=lambda path: -stats[path].size)
    attributes = bool(config.schema) and config.enabled(unused_declared_var.RULE.code)
    parsed = parse_files(root, to_parse, (config.accessors, attributes), jobs, progress)
    for path, digest, plain in parsed:
        source = stats[path]
        entries[path] = (source.mtime_ns, source.size, digest, plain, None)
    if ruff_run is not None:
        hits, warnings = ruff_run.results()
        result.warnings.extend(warnings)
        if not warnings:
            classified = _classify(root, hits)
            for path in ruff_paths:
                old = entries[path]
                entries[path] = (*old[:4], classified.get(path, ()))
            dirty = True
    if use_cache and dirty:
        save_cache(root, key, entries)

    plains = {path: entry[3] for path, entry in entries.items()}
    # Most files have imports only; only the others become FileFacts (the warm path is
    # dominated by work proportional to the number of files).
    all_facts = {
        path: facts_from_plain(plain)
        for path, plain in plains.items()
        if plain[1] or plain[3] or plain[4] or plain[5] or plain[6]
    }
    result.lines = sum(plain[0] for plain in plains.values())
    if collect_imports:
        _collect_for_fix(result, plains, all_facts)
    findings: list[Finding] = []
    for path, facts in all_facts.items():
        if _in_scope(path, scope):
            findings.extend(_file_findings(path, facts, config))
    findings.extend(_ruff_findings(entries, config))
    findings.extend(_project_findings(root, plains, all_facts, config, import_schema=import_schema))
    findings = [f for f in findings if _in_scope(f.path, scope)]
    findings = _with_sources(root, findings)
    suppressions = {p: f.suppressions for p, f in all_facts.items() if f.suppressions}
    findings, result.suppressed = apply_suppressions(findings, suppressions, enabled=config.enabled)
    result.findings = [f for f in findings if _in_scope(f.path, scope)]
    note = _skipped_note({p: f for p, f in all_facts.items() if _in_scope(p, scope)}, config)
    if note:
        result.notes.append(note)
    return result
