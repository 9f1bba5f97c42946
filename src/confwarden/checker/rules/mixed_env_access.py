"""CW102 mixed-env-access: one file using two ways of reading the environment.

What it does:
    Reports a file that reads the environment both directly (``os.environ``, ``os.getenv``)
    and through the sanctioned accessor (``get_env()``, ``IsolatedEnvironment``). The
    finding points at the first direct access and names the first sanctioned one.

Why is this bad:
    It is the signature of a half-finished migration (spec 004): some values in the file
    follow isolation and provenance, the others silently do not, and tests that patch one
    path miss the other.

Example:
    .. code-block:: python

        pooling = get_env().get("FACTORY_ENABLE_POOLING", "true")
        target_ms = float(os.getenv("FACTORY_TARGET_CONTEXT_MS", "5.0"))

Use instead:
    .. code-block:: python

        pooling = get_env().get("FACTORY_ENABLE_POOLING", "true")
        target_ms = float(get_env().get("FACTORY_TARGET_CONTEXT_MS", "5.0"))
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from confwarden.checker.facts import VIA_ACCESSOR, VIA_OS, FileFacts
from confwarden.checker.findings import Finding, Rule

if TYPE_CHECKING:
    from confwarden.checker.rules import FileContext

RULE = Rule("CW102", "mixed-env-access", "file mixes direct and sanctioned environment access")


def check(facts: FileFacts, ctx: FileContext) -> Iterator[Finding]:
    """Yield one finding per file that mixes both patterns."""
    direct = [a for a in facts.env if a.via == VIA_OS and not a.indirect]
    sanctioned = [a for a in facts.env if a.via == VIA_ACCESSOR and not a.indirect]
    if not direct or not sanctioned or ctx.env_access_allowed:
        return
    first, other = direct[0], sanctioned[0]
    yield Finding(
        ctx.path,
        first.line,
        first.column,
        RULE.code,
        f"this file reads the environment both with `{first.form}` ({len(direct)} place(s)) "
        f"and with `{other.form}` (line {other.line}); finish the migration: use get_env() "
        "everywhere",
        RULE.name,
    )
