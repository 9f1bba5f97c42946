"""Apply the rewrite to a checked tree: whole files or nothing, verified by a second check.

1. ``confwarden check`` runs on the given paths; the files with CW101 findings are the
   candidates.
2. Each candidate is rewritten in memory (:func:`~confwarden.checker.fix.rewrite.rewrite_source`)
   and re-analysed; a rewrite that does not parse is refused.
3. With ``write=True`` each rewritten file replaces the old one atomically (same mode), then
   the whole check (ruff's undefined names included) runs again. A file that now has a
   finding it did not have (other than the direct accesses left on purpose) is restored to
   its original bytes and reported as refused.

What could not be rewritten safely stays as it is and is listed with the reason.
"""

from __future__ import annotations

import ast
import difflib
import os
import re
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from confwarden.checker.config import CheckerConfig, FixSettings, load_config
from confwarden.checker.discovery import module_name
from confwarden.checker.engine import resolve_paths, run_check
from confwarden.checker.excerpts import mask_secrets
from confwarden.checker.facts import VIA_OS, EnvAccess, FileFacts
from confwarden.checker.files import read_regular
from confwarden.checker.findings import CheckResult, Finding
from confwarden.checker.fix.rewrite import accessor_name, rewrite_source
from confwarden.checker.fix.safety import (
    Holds,
    accessor_module,
    circular_reason,
    held_accesses,
    import_chain,
    left_reason,
    locate_module,
    subscript_refusal,
)
from confwarden.checker.fix.shadowing import Shadowing, find_shadowing
from confwarden.checker.rules import undefined_name
from confwarden.checker.visitor import analyze_source

__all__ = ["FixReport", "Untouched", "fix_tree"]

# Direct accesses may remain after a fix (they are listed); anything else new refuses it.
_EXPECTED_AFTER = frozenset({"CW101", "CW102"})
_KEYED_BY_MESSAGE = frozenset({"CW000", "CW105", "CW106", "CW110", "CW111"})
_NUMBER = re.compile(r"\d+")
_FALLBACK = "not rewritten"  # replaced by safety.left_reason, which looks at the code
# Below this many files, starting worker processes costs more than it saves.
_PARALLEL_MIN_FILES = 48


@dataclass(frozen=True)
class Untouched:
    """A direct access ``--fix`` left as it is, and why."""

    path: str
    line: int
    code: str
    why: str


@dataclass
class FixReport:
    """What ``--fix`` (or ``--diff``) did.

    Attributes:
        root: the project root.
        changed: path -> (old text, new text) of every file rewritten (or to rewrite).
        rewritten: accesses rewritten in those files.
        untouched: direct accesses left as they are, with the reason.
        refused: path -> why the rewrite of that file was refused (the file is unchanged).
        result: the check after fixing (``None`` for ``--diff``).
    """

    root: str
    changed: dict[str, tuple[str, str]] = field(default_factory=dict)
    rewritten: int = 0
    untouched: list[Untouched] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    result: CheckResult | None = None

    def diff(self) -> str:
        """A unified diff of every rewritten file, paths relative to the root.

        Like every report, it masks the values of secrets hard-coded in the lines it shows
        (``"***"``), so it is a preview to read, not a patch to apply: ``--fix`` applies.
        """
        chunks: list[str] = []
        for path, (old, new) in sorted(self.changed.items()):
            for raw in difflib.unified_diff(
                old.splitlines(keepends=True),
                new.splitlines(keepends=True),
                fromfile=f"a/{path}",
                tofile=f"b/{path}",
            ):
                line = raw
                if raw[:1] in "+- " and not raw.startswith(("+++", "---")):
                    body = raw[1:].rstrip("\r\n")
                    line = f"{raw[0]}{mask_secrets(body)}{raw[1 + len(body) :]}"
                chunks.append(line)
        return "".join(chunks)


def _why(access: EnvAccess, subscript: bool) -> str:
    if access.op == "write":
        return (
            "writes the process environment; the sanctioned accessor's set()/delete() do not "
            "write os.environ under isolation: change it by hand (load_from_file for .env)"
        )
    if access.form == "os.environ[...]":
        if subscript:
            return "os.environ[...] through an alias or a local import: rewrite it by hand"
        return (
            "raises KeyError when unset and the accessor has no [] (set "
            "[tool.confwarden.fix] subscript = true if yours has one), or use .get() and "
            "handle None"
        )
    if access.form.startswith("in "):
        return "a membership test: use the accessor's exists() by hand"
    if access.op == "ref":
        function = access.form.rpartition(" ")[2].rpartition(".")[2]
        if access.form.startswith("from os import"):
            return (
                f"imports os.{function} by name, and the name is still used as a value: "
                "rewrite its uses by hand"
            )
        if function not in ("environ", "environb"):
            return (
                f"uses os.{function} as a value (aliased or passed), not as a call: rewrite it "
                "by hand"
            )
        return "uses os.environ as an object (passed, iterated, copied or aliased)"
    return _FALLBACK


@dataclass(frozen=True)
class _Context:
    """What every file's rewrite needs to know about the whole tree."""

    settings: FixSettings
    written: dict[str, tuple[str, int]] = field(default_factory=dict)
    no_subscript: str = ""  # the accessor, when it is confwarden's (no [])
    circular: dict[str, str] = field(default_factory=dict)  # path -> why not rewritten

    def holds(self, facts: FileFacts) -> Holds:
        return held_accesses(facts, self.written, self.no_subscript)


def _left(path: str, text: str, context: _Context) -> list[Untouched]:
    """The direct accesses still in ``text``, each with why ``--fix`` left it."""
    settings = context.settings
    module, package = module_name(path)
    facts = analyze_source(text.encode(), module=module, is_package=package)
    holds = context.holds(facts)
    name = accessor_name(settings.accessor)
    shadowing = None
    tree: ast.Module | None = None
    found: list[Untouched] = []
    for access in facts.env:
        if access.via != VIA_OS or access.indirect:
            continue
        spot = (access.line, access.column - 1)
        if path in context.circular or spot in holds:
            why = context.circular.get(path) or holds[spot]
            found.append(Untouched(path, access.line, "CW101", why))
            continue
        why = _why(access, settings.subscript and not context.no_subscript)
        if why == _FALLBACK:
            tree = tree or ast.parse(text)
            why = left_reason(tree, access.line, access.column - 1)
        rewritable = access.op == "read" and not access.form.startswith("in ")
        if rewritable and (access.form != "os.environ[...]" or settings.subscript):
            if shadowing is None:
                try:
                    shadowing = find_shadowing(text, name)
                except SyntaxError:
                    shadowing = Shadowing(name)
            if shadowing.module_binds:
                why = (
                    f"the module binds `{name}` itself, so the import the fix adds would clash "
                    f"with it: rename it and run --fix again"
                )
            elif shadowing.covers(access.line, access.column - 1):
                why = (
                    f"`{name}` is a local name there (a parameter, variable, class attribute "
                    f"or comprehension variable), so {settings.accessor} would not be the "
                    f"accessor: rename it and run --fix again"
                )
        found.append(Untouched(path, access.line, "CW101", why))
    return found


def original_line(old: str, new: str, line: int) -> int:
    """The line of ``old`` that line ``line`` of its rewrite ``new`` comes from.

    Example:
        >>> original_line("import os\\nA = 1\\n", "from x import y\\n\\nA = 1\\n", 3)
        2
    """
    return _line_map(old, new)(line)


def _line_map(old: str, new: str) -> Callable[[int], int]:
    """Line of the rewrite -> line of the original (one diff per file, then lookups)."""
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    opcodes = matcher.get_opcodes()

    def lookup(line: int) -> int:
        for tag, old_start, old_end, new_start, new_end in opcodes:
            if new_start < line <= new_end or (tag == "delete" and new_start == line - 1):
                offset = min(line - 1 - new_start, max(old_end - old_start - 1, 0))
                return old_start + offset + 1
        return line

    return lookup


def _untouched(root: Path, paths: Sequence[str], context: _Context) -> list[Untouched]:
    found: list[Untouched] = []
    for path in paths:
        try:
            text = read_regular(root / path).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        found.extend(_left(path, text, context))
    return found


_Outcome = tuple[str, str | None, str | None, int, str]  # path, old, new, count, refused


def _rewrite_one(root: str, path: str, context: _Context, keep: frozenset[str]) -> _Outcome:
    import libcst

    settings = context.settings
    try:
        text = read_regular(Path(root) / path).decode("utf-8")
        module, package = module_name(path)
        holds = context.holds(analyze_source(text.encode(), module=module, is_package=package))
        outcome = rewrite_source(
            text,
            accessor=settings.accessor,
            import_line=settings.import_line,
            subscript=settings.subscript and not context.no_subscript,
            keep=keep,
            hold=frozenset(holds),
        )
    except (OSError, UnicodeDecodeError, libcst.ParserSyntaxError) as exc:
        return path, None, None, 0, f"cannot be rewritten: {type(exc).__name__}"
    if outcome.source is None:
        return path, text, None, 0, ""
    if analyze_source(outcome.source.encode()).error is not None:
        return path, text, None, 0, "the rewrite would not parse"
    return path, text, outcome.source, outcome.rewritten, ""


_Keep = dict[str, frozenset[str]]  # path -> names other modules import from it


def _rewrite_chunk(root: str, paths: list[str], context: _Context, keep: _Keep) -> list[_Outcome]:
    return [_rewrite_one(root, path, context, keep.get(path, frozenset())) for path in paths]


def _rewrite_all(
    root: str, paths: list[str], context: _Context, jobs: int, keep: _Keep
) -> list[_Outcome]:
    """Rewrite every candidate, on ``jobs`` processes when there are enough of them."""
    if jobs <= 1 or len(paths) < _PARALLEL_MIN_FILES:
        return _rewrite_chunk(root, paths, context, keep)
    size = max(8, len(paths) // (jobs * 8))
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    outcomes: list[_Outcome] = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for done in pool.map(
            _rewrite_chunk,
            [root] * len(chunks),
            chunks,
            [context] * len(chunks),
            [{p: keep[p] for p in chunk if p in keep} for chunk in chunks],
        ):
            outcomes.extend(done)
    return outcomes


def _context(root: Path, settings: FixSettings, before: CheckResult, paths: list[str]) -> _Context:
    """Facts of the whole tree that hold reads back: see :mod:`~confwarden.checker.fix.safety`."""
    name = accessor_name(settings.accessor)
    no_subscript = ""
    if settings.subscript:
        no_subscript = subscript_refusal(
            settings.import_line, settings.accessor, name, locate_module(root)
        )
    start = accessor_module(settings.import_line)
    chains = import_chain(before.graph, start) if start in before.graph else {}
    circular = {
        path: circular_reason(module, start, chains[module], name)
        for path in paths
        if (module := module_name(path)[0]) in chains
    }
    return _Context(settings, before.written, no_subscript, circular)


def _key(finding: Finding) -> tuple[str, str, str]:
    if finding.code in _KEYED_BY_MESSAGE:
        return finding.path, finding.code, _NUMBER.sub("#", finding.message)
    return finding.path, finding.code, ""


def _write(path: Path, text: str) -> None:
    """Replace ``path`` atomically, keeping its permission bits."""
    mode = path.stat().st_mode & 0o7777
    tmp = path.with_name(f".{path.name}.confwarden-fix.{os.getpid()}")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def fix_tree(
    paths: Path | str | Sequence[Path | str] = ".",
    config: CheckerConfig | None = None,
    *,
    root: Path | None = None,
    write: bool = True,
    jobs: int = 2,
    use_cache: bool = True,
    find_ruff: Callable[[], str | None] = undefined_name.find_ruff,
) -> FixReport:
    """Rewrite direct environment reads under ``paths`` to the sanctioned accessor.

    Args:
        paths: what to fix (as for :func:`~confwarden.checker.run_check`).
        config: the settings (``[tool.confwarden]`` and ``[tool.confwarden.fix]``).
        root: the project root, when known.
        write: write the files (``False``: compute the rewrite for ``--diff`` only).
        jobs, use_cache, find_ruff: as for :func:`~confwarden.checker.run_check`.

    Returns:
        What was rewritten, left, or refused, and the check after fixing.

    Raises:
        ImportError: libcst is not installed (``pip install 'confwarden[check]'``).
        CheckerConfigError: as for :func:`~confwarden.checker.run_check`.

    Example:
        >>> report = fix_tree("services/", write=False)  # doctest: +SKIP
        >>> print(report.diff())  # doctest: +SKIP
    """
    import libcst  # noqa: F401  (fail early, with the extra to install, before any work)

    items = [paths] if isinstance(paths, str | Path) else list(paths)
    root, _ = resolve_paths(items, root)
    config = config if config is not None else load_config(root)
    options = {"jobs": jobs, "use_cache": use_cache, "find_ruff": find_ruff}
    before = run_check(items, config, root=root, collect_imports=True, **options)  # type: ignore[arg-type]
    root = Path(before.root)
    report = FixReport(root=str(root))
    candidates = sorted({f.path for f in before.findings if f.code == "CW101"})
    settings = config.fix
    keep = {
        path: frozenset(before.imported[module])
        for path in candidates
        if (module := module_name(path)[0]) in before.imported
    }
    context = _context(root, settings, before, candidates)
    counts: dict[str, int] = {}
    rewritable = [path for path in candidates if path not in context.circular]
    rewrites = _rewrite_all(str(root), rewritable, context, jobs, keep)
    for path, text, new, count, refused in rewrites:
        if refused:
            report.refused[path] = refused
        elif new is not None and text is not None:
            report.changed[path] = (text, new)
            counts[path] = count
    report.rewritten = sum(counts.values())
    if not write or not report.changed:
        for path, (old, new) in report.changed.items():
            # --diff: the lines of the file as it is on disk, not of the rewrite.
            lookup = _line_map(old, new)
            report.untouched.extend(
                replace(item, line=lookup(item.line)) for item in _left(path, new, context)
            )
        unchanged = [p for p in candidates if p not in report.changed and p not in report.refused]
        report.untouched.extend(_untouched(root, unchanged, context))
        report.untouched.sort(key=lambda u: (u.path, u.line))
        report.result = None if not write else before
        return report
    for path, (_, new) in report.changed.items():
        _write(root / path, new)
    after = run_check(items, config, root=root, **options)  # type: ignore[arg-type]
    before_keys = Counter(_key(f) for f in before.findings)
    new_findings = [
        f
        for f in after.findings
        if f.code not in _EXPECTED_AFTER
        and (Counter(_key(g) for g in after.findings if _key(g) == _key(f)) - before_keys)
    ]
    blamed: set[str] = set()
    for finding in new_findings:
        hit = [p for p in report.changed if p == finding.path or p in finding.message]
        blamed.update(hit or report.changed)
        line = finding.line
        if finding.path in report.changed:  # the file is restored: quote its own line
            line = original_line(*report.changed[finding.path], line)
        for path in hit or report.changed:
            report.refused[path] = (
                f"the rewrite brought {finding.code} at {finding.path}:{line} "
                f"({finding.message}); the file was restored"
            )
    for path in blamed:
        old, _ = report.changed.pop(path)
        _write(root / path, old)
    if blamed:
        after = run_check(items, config, root=root, **options)  # type: ignore[arg-type]
    report.rewritten = sum(counts[path] for path in report.changed)
    # A refused file is listed as refused, not once more access by access.
    kept = [path for path in candidates if path not in report.refused]
    report.untouched = _untouched(root, kept, context)
    report.result = after
    return report
