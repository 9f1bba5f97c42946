"""CW101 os-environ-access: the process environment touched directly.

What it does:
    Reports every direct use of the process environment outside the modules listed in
    ``env_access_allowed``: ``os.environ`` (read, write, ``.get``, ``[]``, ``in``,
    iteration, ``.copy()``), ``os.getenv``, ``os.putenv``, ``os.unsetenv``,
    ``from os import environ/getenv``, and their aliases (``import os as _os``,
    ``e = os.environ``, ``getattr(os, "environ")``).

Why is this bad:
    A read around the environment layer skips isolation (a test's change leaks into the next
    test), provenance (nobody can tell where the value came from) and the ``.env`` policy of
    the environment (spec 000: every service loaded ``.env`` and detected staging its own way).

Example:
    .. code-block:: python

        import os
        timeout = float(os.getenv("REQUEST_TIMEOUT", "5"))

Use instead:
    .. code-block:: python

        from confwarden import get_env
        timeout = float(get_env().get("REQUEST_TIMEOUT", "5"))
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from confwarden.checker.facts import VIA_OS, FileFacts
from confwarden.checker.findings import Finding, Rule

if TYPE_CHECKING:
    from confwarden.checker.rules import FileContext

RULE = Rule("CW101", "os-environ-access", "process environment accessed directly")


def describe(form: str, name: str) -> str:
    """The access as code: ``os.environ['A']``, ``'A' in os.environ``, ``os.getenv('A')``."""
    if not name:
        return form
    if form.endswith("[...]"):
        return f"{form[:-5]}[{name!r}]"
    if form.startswith("in "):
        return f"{name!r} {form}"
    return f"{form}({name!r})"


def check(facts: FileFacts, ctx: FileContext) -> Iterator[Finding]:
    """Yield a finding for each direct access, unless the file is allowed to make them."""
    if ctx.env_access_allowed:
        return
    for access in facts.env:
        if access.via != VIA_OS or access.indirect:
            continue
        what = describe(access.form, access.name)
        yield Finding(
            ctx.path,
            access.line,
            access.column,
            RULE.code,
            f"direct process-environment access `{what}` outside the environment layer; "
            "read it through get_env() (or list this module in env_access_allowed)",
            RULE.name,
        )
