"""What the checker reports: one :class:`Finding` per problem, the :class:`Rule` catalogue
entry that explains it, and the :class:`CheckResult` of one run.

These are plain values shared by the engine, the rules and the reporters, so that a rule
never needs to know how its findings are printed and a reporter never needs to know how
they were found.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

__all__ = ["CheckResult", "Finding", "Rule", "docs_base"]

# Where the rule documentation lives when the installed package names no Documentation URL.
_FALLBACK_DOCS = "https://pypi.org/project/confwarden/"


@lru_cache(maxsize=1)
def docs_base() -> str:
    """The absolute base URL of the documentation (``[project.urls] Documentation``)."""
    try:
        from importlib.metadata import PackageNotFoundError, metadata

        urls: list[str] = list(metadata("confwarden").get_all("Project-URL") or [])
    except (ImportError, PackageNotFoundError):
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("documentation", "docs") and url.strip().startswith("http"):
            return url.strip().rstrip("/") + "/"
    return _FALLBACK_DOCS


@dataclass(frozen=True, slots=True)
class Rule:
    """A catalogue entry: the code, the name (read as "allow <name>") and a one-line summary.

    Example:
        >>> Rule("CW101", "os-environ-access", "process environment read directly").code
        'CW101'
    """

    code: str
    name: str
    summary: str
    level: str = "error"

    @property
    def help_uri(self) -> str:
        """The absolute URL of the rule's documentation (SARIF ``helpUri``)."""
        base = docs_base()
        page = "" if base == _FALLBACK_DOCS else "checker.md"
        return f"{base}{page}#{self.code.lower()}-{self.name}"


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One problem at one place.

    Attributes:
        path: the file, relative to the checked root, with ``/`` separators.
        line: 1-based line number (0 when the finding is about the whole tree).
        column: 1-based column.
        code: the rule code, e.g. ``CW101``.
        message: what is wrong and what to do instead; never a secret value.
        rule: the rule name, e.g. ``os-environ-access``.
        source: the stripped source line, filled in by the engine for display and baselines.
    """

    path: str
    line: int
    column: int
    code: str
    message: str
    rule: str = ""
    source: str = field(default="", compare=False)

    def with_source(self, source: str) -> Finding:
        """A copy carrying the source line it points at."""
        return replace(self, source=source)

    def as_dict(self) -> dict[str, object]:
        """The JSON shape: ``path``, ``line``, ``column``, ``code``, ``message``, ..."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "message": self.message,
            "rule": self.rule,
            "source": self.source,
        }


@dataclass(slots=True)
class CheckResult:
    """Everything one run of the checker produced.

    Attributes:
        root: the checked directory (absolute).
        findings: the findings left after suppressions and the baseline, sorted.
        warnings: problems with the run itself (e.g. ruff is not installed); not findings.
        notes: things the reader should know that are not problems (files skipped because
            the project targets a newer Python than the one running the checker).
        files: number of Python files in the tree.
        files_checked: files parsed in this run (the rest came from the cache).
        lines: number of lines in the tree.
        suppressed: findings silenced by ``# confwarden: ignore`` comments.
        baselined: findings silenced by the baseline file.
        duration: seconds the run took.
        imported: module -> the names other modules import from it with ``from module
            import name`` (only with ``run_check(..., collect_imports=True)``: ``--fix``
            must not remove an import another module takes from the fixed one).
        written: variable -> ``(path, line)`` of the first place the tree writes it to the
            process environment (``os.environ[...] = ``, ``setdefault``, ``putenv``), with
            ``collect_imports=True``: ``--fix`` leaves the reads of those alone.
        graph: module -> the modules of the tree it imports when it is imported (not inside
            functions, not under ``TYPE_CHECKING``), with ``collect_imports=True``.
    """

    root: str
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: int = 0
    files_checked: int = 0
    lines: int = 0
    suppressed: int = 0
    baselined: int = 0
    duration: float = 0.0
    rules: tuple[Rule, ...] = ()
    imported: dict[str, set[str]] = field(default_factory=dict)
    written: dict[str, tuple[str, int]] = field(default_factory=dict)
    graph: dict[str, set[str]] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """0 when clean, 1 when there are findings."""
        return 1 if self.findings else 0

    def summary(self) -> dict[str, object]:
        """Counters for the JSON and human reports."""
        return {
            "files": self.files,
            "files_checked": self.files_checked,
            "lines": self.lines,
            "findings": len(self.findings),
            "suppressed": self.suppressed,
            "baselined": self.baselined,
            "duration_s": round(self.duration, 3),
        }
