"""Scaffolding: ``confwarden init`` writes a typed confwarden setup from what a project has.

:mod:`~confwarden.scaffold.infer` finds the variables (``.env``, ``.env.example``,
``os.getenv`` calls, statically) and guesses their types and which are secrets;
:mod:`~confwarden.scaffold.init` plans and writes ``[tool.confwarden]``, the schema module,
``.env.example`` and the pre-commit hook, never losing an edit.

Example:
    >>> from confwarden.scaffold import plan_init
    >>> plan = plan_init(".")                                   # doctest: +SKIP
    >>> [(f.path, f.action) for f in plan.files]                # doctest: +SKIP
    [('pyproject.toml', 'append'), ('shop/config.py', 'create'), ...]
"""

from __future__ import annotations

from confwarden.scaffold.infer import InferredVariable as InferredVariable
from confwarden.scaffold.infer import guess_type as guess_type
from confwarden.scaffold.infer import infer_variables as infer_variables
from confwarden.scaffold.infer import looks_secret as looks_secret
from confwarden.scaffold.init import InitPlan as InitPlan
from confwarden.scaffold.init import PlannedFile as PlannedFile
from confwarden.scaffold.init import apply_init as apply_init
from confwarden.scaffold.init import plan_init as plan_init
from confwarden.scaffold.init import render_schema as render_schema

__all__ = [
    "InferredVariable",
    "InitPlan",
    "PlannedFile",
    "apply_init",
    "guess_type",
    "infer_variables",
    "looks_secret",
    "plan_init",
    "render_schema",
]
