"""GitHub Actions annotations: ``::error file=...,line=...,col=...,title=...::message``."""

from __future__ import annotations

from confwarden.checker.findings import CheckResult


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: CheckResult) -> str:
    """One workflow command per finding, one ``::warning::`` per run warning."""
    levels = {rule.code: rule.level for rule in result.rules}
    command = {"error": "error", "warning": "warning", "note": "notice"}
    lines = [
        f"::{command.get(levels.get(f.code, 'error'), 'error')} file={_property(f.path)},"
        f"line={f.line},col={f.column},"
        f"title={_property(f'{f.code} {f.rule}')}::{_data(f.message)}"
        for f in result.findings
    ]
    lines.extend(f"::warning title=confwarden::{_data(w)}" for w in result.warnings)
    lines.extend(f"::notice title=confwarden::{_data(n)}" for n in result.notes)
    return "\n".join(lines)
