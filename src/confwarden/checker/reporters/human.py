"""The human report: findings grouped by file, each with the line of source it points at."""

from __future__ import annotations

from itertools import groupby

from confwarden.checker.findings import CheckResult


def render(result: CheckResult) -> str:
    """Findings grouped by file, then warnings, then a one-line summary.

    Example output::

        backend/app.py
          3:1  CW105  service 'backend' imports `auth_service.tokens` of service 'auth' ...
               | from auth_service.tokens import TokenValidator
    """
    lines: list[str] = []
    for path, group in groupby(result.findings, key=lambda f: f.path):
        lines.append(path or "(tree)")
        for finding in group:
            lines.append(f"  {finding.line}:{finding.column}  {finding.code}  {finding.message}")
            if finding.source:
                lines.append(f"       | {finding.source}")
        lines.append("")
    lines.extend(f"warning: {warning}" for warning in result.warnings)
    lines.extend(f"note: {note}" for note in result.notes)
    files_with = len({f.path for f in result.findings})
    extra = []
    if result.suppressed:
        extra.append(f"{result.suppressed} suppressed")
    if result.baselined:
        extra.append(f"{result.baselined} in the baseline")
    tail = f" ({', '.join(extra)})" if extra else ""
    lines.append(
        f"{len(result.findings)} finding(s) in {files_with} file(s){tail}; "
        f"{result.files} files, {result.lines} lines checked in {result.duration:.2f} s "
        f"({result.files_checked} parsed, the rest from the cache)"
    )
    return "\n".join(lines)
