"""``confwarden check``: the static compliance checker.

It finds, before they ship, the incidents of spec/000-004: environment variables read around
the environment layer, half-finished migrations, secrets read around the configuration
layer or logged, services importing each other, names used without their import.

Example:
    >>> from confwarden.checker import run_check
    >>> result = run_check("path/to/platform")  # doctest: +SKIP
    >>> result.exit_code  # doctest: +SKIP
    0

The checker imports nothing of the configuration layer, and never the checked tree's code:
the schema is read from its source (``--import-schema`` imports it in a child process).
"""

from __future__ import annotations

from confwarden.checker.config import (
    CheckerConfig,
    CheckerConfigError,
    FixSettings,
    find_project_root,
    load_config,
)
from confwarden.checker.engine import CHECKER_VERSION, run_check
from confwarden.checker.findings import CheckResult, Finding, Rule
from confwarden.checker.rules import ALL_RULES
from confwarden.checker.schema import declared_variable_names

__all__ = [
    "ALL_RULES",
    "CHECKER_VERSION",
    "CheckResult",
    "CheckerConfig",
    "CheckerConfigError",
    "Finding",
    "FixSettings",
    "Rule",
    "declared_variable_names",
    "find_project_root",
    "load_config",
    "run_check",
]
