"""Reporters: one module per output format, each a function ``render(result) -> str``.

``human`` (grouped by file, with the source line), ``json`` (``{"findings": [...], ...}``),
``sarif`` (SARIF 2.1.0 for code scanning) and ``github`` (workflow-command annotations).
"""

from __future__ import annotations

from collections.abc import Callable

from confwarden.checker.findings import CheckResult
from confwarden.checker.reporters import github, human, json, sarif

__all__ = ["FORMATS", "render"]

FORMATS: dict[str, Callable[[CheckResult], str]] = {
    "human": human.render,
    "json": json.render,
    "sarif": sarif.render,
    "github": github.render,
}


def render(result: CheckResult, fmt: str) -> str:
    """The report of ``result`` in format ``fmt`` (a key of :data:`FORMATS`)."""
    return FORMATS[fmt](result)
