"""The baseline: adopt the checker on a legacy tree and fail only on new findings.

``confwarden check --write-baseline FILE`` records every current finding;
``--baseline FILE`` then hides those. A finding is matched by its path, its code and a hash
of its whitespace-normalised source line, not by line number, so edits above a finding do
not bring it back. Each entry has a count, so a second identical finding on another line is
still new.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from confwarden.checker.config import CheckerConfigError
from confwarden.checker.files import read_regular
from confwarden.checker.findings import Finding

__all__ = ["apply_baseline", "fingerprint", "read_baseline", "write_baseline"]

VERSION = 1


def fingerprint(finding: Finding) -> tuple[str, str, str]:
    """(path, code, hash of the normalised source line) of a finding."""
    normalised = " ".join(finding.source.split())
    digest = hashlib.blake2b(normalised.encode(), digest_size=8).hexdigest()
    return finding.path, finding.code, digest


def write_baseline(path: Path, findings: Iterable[Finding]) -> int:
    """Write the baseline file; return the number of findings it records."""
    counts = Counter(fingerprint(f) for f in findings)
    entries = [
        {"path": p, "code": c, "hash": h, "count": n} for (p, c, h), n in sorted(counts.items())
    ]
    payload = {"version": VERSION, "tool": "confwarden check", "entries": entries}
    path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    return sum(counts.values())


def read_baseline(path: Path) -> Counter[tuple[str, str, str]]:
    """Read a baseline file.

    Raises:
        CheckerConfigError: the file is missing or not a baseline (exit code 2).
    """
    try:
        data = json.loads(read_regular(path).decode("utf-8"))
        return Counter(
            {(e["path"], e["code"], e["hash"]): int(e.get("count", 1)) for e in data["entries"]}
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CheckerConfigError(
            f"{path}: not a readable confwarden baseline ({type(exc).__name__}: {exc}). "
            "Create one with: confwarden check --write-baseline FILE"
        ) from exc


def apply_baseline(
    findings: Iterable[Finding], baseline: Counter[tuple[str, str, str]]
) -> tuple[list[Finding], int]:
    """Hide the findings recorded in ``baseline``; return the rest and how many were hidden."""
    remaining = Counter(baseline)
    kept: list[Finding] = []
    hidden = 0
    for finding in findings:
        key = fingerprint(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
            hidden += 1
        else:
            kept.append(finding)
    return kept, hidden
