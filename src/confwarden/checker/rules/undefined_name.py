"""CW106 undefined-name: a name used but never defined or imported (from ruff's F821).

What it does:
    Reports names that would raise ``NameError`` at run time, typically a function used
    without its import. The analysis is ruff's ``F821`` (fast, maintained, with real scope
    analysis); the checker runs ruff once over every changed file of the tree and merges
    its findings into its own report, suppressions and baseline.

Why is this bad:
    spec 004: a refactor used ``connection_scoped_manager()`` without importing it; every
    WebSocket connection then failed with ``NameError`` in production.

Example:
    .. code-block:: python

        async with connection_scoped_manager(websocket, user_id) as manager:
            ...

Use instead:
    .. code-block:: python

        from app.websocket.scoped import connection_scoped_manager

        async with connection_scoped_manager(websocket, user_id) as manager:
            ...

ruff is an optional dependency: ``pip install 'confwarden[check]'``. Without it this rule
reports one warning and the other rules run as usual.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from confwarden.checker.findings import Rule

RULE = Rule("CW106", "undefined-name", "name used but never defined or imported")

MISSING_RUFF = (
    "CW106 undefined-name did not run: ruff is not installed. "
    "Install it with: pip install 'confwarden[check]'"
)

# One invocation for the whole tree whenever the command line allows it: half of ARG_MAX
# leaves room for the environment (2 MB ARG_MAX on Linux: about 15,000 paths per call).
try:
    _MAX_ARGS_CHARS = max(32_000, min(1_000_000, os.sysconf("SC_ARG_MAX") // 2))
except (AttributeError, ValueError, OSError):  # not a POSIX system
    _MAX_ARGS_CHARS = 32_000

RuffHit = tuple[int, int, str]  # (line, column, message)
# F821: undefined name. TC004: a name imported only under ``if TYPE_CHECKING:`` and used
# where Python evaluates it (an annotation without ``from __future__ import annotations``,
# or code): defined for ruff's F821, a NameError all the same.
_CODES = frozenset({"F821", "TC004", "TCH004"})
TYPE_CHECKING_ONLY = "is imported only under `if TYPE_CHECKING:`"
_QUOTED = re.compile(r"`([^`]+)`")


def _type_checking_message(message: str) -> str:
    """TC004's "Move import `a.B` out of type-checking block..." in the checker's words."""
    found = _QUOTED.search(message)
    name = found.group(1) if found else "a name"
    return f"`{name}` {TYPE_CHECKING_ONLY} but used where Python evaluates it"


def find_ruff() -> str | None:
    """The ruff executable: the one of the installed ``ruff`` package, else on ``PATH``."""
    try:
        from ruff.__main__ import find_ruff_bin  # type: ignore[import-untyped]

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which("ruff")


@dataclass
class RuffRun:
    """ruff processes started in the background, running while the checker parses."""

    root: Path
    processes: list[subprocess.Popen[bytes]]
    timeout: float

    def results(self) -> tuple[dict[str, list[RuffHit]], list[str]]:
        """Wait for ruff; ``(hits by relative path, warnings)``."""
        hits: dict[str, list[RuffHit]] = {}
        warnings: list[str] = []
        for process in self.processes:
            try:
                out, err = process.communicate(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
                warnings.append(f"CW106 undefined-name: ruff timed out after {self.timeout:.0f} s")
                continue
            try:
                diagnostics = json.loads(out or b"[]")
            except json.JSONDecodeError:
                last = err.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
                warnings.append(f"CW106 undefined-name: ruff failed: {last[0]}")
                continue
            for item in diagnostics:
                code = item.get("code")
                if code not in _CODES:
                    continue
                message = str(item["message"])
                if code != "F821":
                    message = _type_checking_message(message)
                path = Path(item["filename"])
                try:
                    rel = path.resolve().relative_to(self.root).as_posix()
                except ValueError:
                    rel = path.as_posix()
                location = item.get("location") or {}
                hits.setdefault(rel, []).append(
                    (int(location.get("row", 1)), int(location.get("column", 1)), message)
                )
        return hits, warnings


def start_ruff(
    root: Path, paths: Sequence[str], *, timeout: float = 600.0, ruff: str | None = None
) -> RuffRun | None:
    """Start ruff ``F821`` on ``paths`` (relative to ``root``); ``None`` when ruff is absent.

    One invocation covers every path (split only if the command line would be too long).
    ``ruff`` is the executable to use (found with :func:`find_ruff` by the caller).
    """
    if ruff is None:
        return None
    base = [ruff, "check", "--select", "F821,TC004", "--output-format", "json", "--no-cache"]
    base += ["--exit-zero", "--no-fix", "--quiet", "--"]
    batches: list[list[str]] = [[]]
    size = 0
    for path in paths:
        if size + len(path) > _MAX_ARGS_CHARS and batches[-1]:
            batches.append([])
            size = 0
        batches[-1].append(path)
        size += len(path) + 1
    processes = [
        subprocess.Popen([*base, *batch], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for batch in batches
        if batch
    ]
    return RuffRun(root.resolve(), processes, timeout)
