"""The rule catalogue: one module per rule, named for the bad pattern it reports.

Per-file rules decide from one file's :class:`~confwarden.checker.facts.FileFacts`; project
rules (imports across services, the schema, ruff's undefined names) need the whole tree and
run once in the engine. ``CW000`` (file does not parse) and ``CW001`` (stale suppression) are
reported by the engine itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from confwarden.checker.config import CheckerConfig, path_matches
from confwarden.checker.facts import FileFacts
from confwarden.checker.findings import Finding, Rule
from confwarden.checker.rules import (
    critical_variable_bypass,
    cross_service_import,
    database_url_read,
    env_call_signature,
    mixed_env_access,
    os_environ_access,
    secret_logged,
    undeclared_env_var,
    undefined_name,
    undefined_name_in_annotation,
    unused_declared_var,
)

__all__ = [
    "ALL_RULES",
    "FILE_RULES",
    "PARSE_ERROR",
    "STALE_SUPPRESSION",
    "FileContext",
    "rule_for",
]

PARSE_ERROR = Rule("CW000", "file-does-not-parse", "the file is not valid Python")
STALE_SUPPRESSION = Rule(
    "CW001", "stale-suppression", "a confwarden: ignore comment that silences nothing"
)


@dataclass(frozen=True)
class FileContext:
    """What a per-file rule needs to know about the file beyond its facts."""

    path: str
    config: CheckerConfig
    critical: frozenset[str] = field(default_factory=frozenset)

    @property
    def env_access_allowed(self) -> bool:
        """The file may touch ``os.environ`` (``env_access_allowed``)."""
        return path_matches(self.path, self.config.env_access_allowed)

    @property
    def in_config_layer(self) -> bool:
        """The file is one of the configuration layer's modules the project names."""
        return path_matches(self.path, self.config.config_layer)


FileCheck = Callable[[FileFacts, FileContext], Iterable[Finding]]

FILE_RULES: tuple[tuple[Rule, FileCheck], ...] = (
    (os_environ_access.RULE, os_environ_access.check),
    (mixed_env_access.RULE, mixed_env_access.check),
    (database_url_read.RULE, database_url_read.check),
    (critical_variable_bypass.RULE, critical_variable_bypass.check),
    (secret_logged.RULE, secret_logged.check),
)

ALL_RULES: tuple[Rule, ...] = (
    PARSE_ERROR,
    STALE_SUPPRESSION,
    os_environ_access.RULE,
    mixed_env_access.RULE,
    database_url_read.RULE,
    critical_variable_bypass.RULE,
    cross_service_import.RULE,
    undefined_name.RULE,
    undeclared_env_var.RULE,
    unused_declared_var.RULE,
    secret_logged.RULE,
    undefined_name_in_annotation.RULE,
    env_call_signature.RULE,
)

_BY_CODE = {rule.code: rule for rule in ALL_RULES}


def rule_for(code: str) -> Rule:
    """The catalogue entry of ``code``."""
    return _BY_CODE[code]
