"""``# confwarden: ignore[CW101]`` comments: apply them, and report the ones gone stale.

A comment silences findings of the listed codes on its own line (a bare
``# confwarden: ignore`` silences every code). A comment that silences nothing is itself
reported (CW001), so suppressions do not outlive the code they excused.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Callable, Iterable, Mapping

from confwarden.checker.facts import Suppression
from confwarden.checker.findings import Finding
from confwarden.checker.rules import STALE_SUPPRESSION

__all__ = ["apply_suppressions", "find_suppressions"]

_SUPPRESSION = re.compile(r"#\s*confwarden:\s*ignore(?:\[([^\]]*)\])?")


def apply_suppressions(
    findings: Iterable[Finding],
    suppressions: Mapping[str, tuple[Suppression, ...]],
    *,
    enabled: Callable[[str], bool],
) -> tuple[list[Finding], int]:
    """Drop suppressed findings and add one CW001 per stale code.

    Args:
        findings: every finding of the run.
        suppressions: the comments of each file (relative path -> comments).
        enabled: tells whether a rule ran; a code of a rule that did not run is never
            called stale, since nothing could have been found.

    Returns:
        The kept findings (stale suppressions included) and the number suppressed.
    """
    by_line: dict[tuple[str, int], Suppression] = {}
    for path, items in suppressions.items():
        for item in items:
            by_line[(path, item.line)] = item
    used: set[tuple[str, int, str]] = set()
    kept: list[Finding] = []
    suppressed = 0
    for finding in findings:
        hit = by_line.get((finding.path, finding.line))
        if hit is not None and (not hit.codes or finding.code in hit.codes):
            used.add((finding.path, hit.line, finding.code if hit.codes else "*"))
            suppressed += 1
        else:
            kept.append(finding)
    for (path, line), item in sorted(by_line.items()):
        if not item.codes:
            if (path, line, "*") not in used:
                kept.append(_stale(path, line, "every code"))
            continue
        for code in item.codes:
            if (path, line, code) not in used and enabled(code):
                kept.append(_stale(path, line, code))
    return kept, suppressed


def _stale(path: str, line: int, what: str) -> Finding:
    return Finding(
        path,
        line,
        1,
        STALE_SUPPRESSION.code,
        f"stale suppression: `confwarden: ignore` for {what} silences no finding on this line; "
        "remove it",
        STALE_SUPPRESSION.name,
    )


def find_suppressions(data: bytes) -> tuple[Suppression, ...]:
    """The suppression comments: real ``#`` comments only, never text inside strings."""
    if b"confwarden:" not in data:
        return ()
    found: list[Suppression] = []
    try:
        for token in tokenize.tokenize(io.BytesIO(data).readline):
            if token.type == tokenize.COMMENT and "confwarden:" in token.string:
                match = _SUPPRESSION.match(token.string)
                if match:
                    codes = (match.group(1) or "").split(",")
                    found.append(
                        Suppression(
                            token.start[0], tuple(c.strip().upper() for c in codes if c.strip())
                        )
                    )
    except (tokenize.TokenError, SyntaxError, ValueError):
        return tuple(found)
    return tuple(found)
