"""Change classification between two configurations (the runtime tracker builds on it).

spec/003 "Configuration Change Tracking and Validation": "Breaking Change Detection: identify
changes that could break existing functionality" before they are deployed, and "Audit
changes - track sources and callbacks" while a service runs
(:mod:`confwarden.config.change_tracker`). Both ask the same question about each variable
("what does this change do?"), so both use :func:`classify_change`:

* **breaking**: removing (or emptying) a variable something critical needs, changing
  ``ENVIRONMENT``, pointing a URL at localhost where the policy forbids it;
* **risky**: rotating a secret (every service sharing it must change together; tokens and
  sessions signed with the old one stop working), changing a restart-required setting,
  removing a variable only a development fallback replaces, adding a ``DATABASE_URL`` that
  nothing reads, adding another environment's credentials;
* **safe**: everything else.

Values are masked in every record: a secret's change shows as ``*** -> ***``, and a copy of
a secret of either side (``NOTE`` set to the old password, ``COPY=${DB_PASSWORD}``, a URL's
password quoted alone) is masked wherever it appears.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from confwarden.config.dependencies import ConfigDependency, ConfigDependencyMap, Impact
from confwarden.config.spec import FieldSpec
from confwarden.environment.detection import Environment
from confwarden.environment.known import forms_of, mask_forms
from confwarden.environment.masking import MASK, is_sensitive_name, mask_value
from confwarden.environment.policy import Severity, policy_for
from confwarden.environment.secret_values import secrets_of

__all__ = [
    "Change",
    "ChangeClass",
    "ChangeKind",
    "ChangeReport",
    "check_change",
    "classify_change",
]


_LOCAL_URL = re.compile(r"://(?:[^/@\s]*@)?(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\])\b")
_ENV_SPECIFIC = re.compile(r"_(DEVELOPMENT|TESTING|STAGING|PRODUCTION)$")


class ChangeKind(StrEnum):
    """What happened to a variable."""

    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"


class ChangeClass(IntEnum):
    """How dangerous a change is, worst last."""

    SAFE = 0
    RISKY = 1
    BREAKING = 2

    @property
    def label(self) -> str:
        """``safe``, ``risky`` or ``breaking``."""
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Change:
    """One variable's change, classified, with masked values.

    Attributes:
        variable: the variable.
        kind: added, removed or modified.
        classification: safe, risky or breaking.
        reasons: why, one sentence each (empty for an unremarkable safe change).
        before: the old value, masked (None when added).
        after: the new value, masked (None when removed).
        critical: whether the variable is a critical dependency (CRITICAL impact or worse,
            or a critical schema field).
    """

    variable: str
    kind: ChangeKind
    classification: ChangeClass
    reasons: tuple[str, ...]
    before: str | None
    after: str | None
    critical: bool = False

    def __str__(self) -> str:
        values = f"{self.before} -> {self.after}"
        why = "; ".join(self.reasons) or "no known dependency"
        return f"[{self.classification.label}] {self.variable} {self.kind.value} ({values}): {why}"

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form (values masked)."""
        return {
            "variable": self.variable,
            "kind": self.kind.value,
            "classification": self.classification.label,
            "reasons": list(self.reasons),
            "before": self.before,
            "after": self.after,
            "critical": self.critical,
        }


@dataclass(frozen=True, slots=True)
class ChangeReport:
    """Every change between two configurations, sorted by variable."""

    changes: tuple[Change, ...]
    environment: Environment | None = None

    def by_class(self, classification: ChangeClass) -> list[Change]:
        """The changes of one classification."""
        return [c for c in self.changes if c.classification is classification]

    @property
    def breaking(self) -> list[Change]:
        """The breaking changes."""
        return self.by_class(ChangeClass.BREAKING)

    @property
    def risky(self) -> list[Change]:
        """The risky changes."""
        return self.by_class(ChangeClass.RISKY)

    @property
    def safe(self) -> list[Change]:
        """The safe changes."""
        return self.by_class(ChangeClass.SAFE)

    @property
    def has_breaking(self) -> bool:
        """True when at least one change is breaking."""
        return any(c.classification is ChangeClass.BREAKING for c in self.changes)

    @property
    def worst(self) -> ChangeClass:
        """The worst classification present (``SAFE`` when nothing changed)."""
        return max((c.classification for c in self.changes), default=ChangeClass.SAFE)

    def summary_lines(self) -> list[str]:
        """A plain-text summary: one line per change, worst first."""
        env = f" for {self.environment.value}" if self.environment else ""
        lines = [
            f"{len(self.changes)} change(s){env}: {len(self.breaking)} breaking, "
            f"{len(self.risky)} risky, {len(self.safe)} safe"
        ]
        ordered = sorted(self.changes, key=lambda c: (-c.classification, c.variable))
        lines.extend(f"  {change}" for change in ordered)
        return lines

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "environment": self.environment.value if self.environment else None,
            "worst": self.worst.label,
            "counts": {
                "breaking": len(self.breaking),
                "risky": len(self.risky),
                "safe": len(self.safe),
            },
            "changes": [c.to_dict() for c in self.changes],
        }


def check_change(
    before: Mapping[str, str],
    after: Mapping[str, str],
    *,
    environment: Environment | None = None,
    dependency_map: ConfigDependencyMap | None = None,
    fields: Sequence[FieldSpec] = (),
    sensitive: Collection[str] = (),
) -> ChangeReport:
    """Classify every difference between ``before`` and ``after``.

    Args:
        before: the variables of the old configuration (a release, an environment).
        after: the variables of the new one.
        environment: the environment ``after`` is deployed to; None judges as a deployment
            without fallbacks.
        dependency_map: what depends on what; by default the built-in map (plus ``fields``).
        fields: schema fields, for criticality, sensitivity and restart requirements.
        sensitive: more variable names to treat as secrets (a project's schemas mark
            ``SHOP_SIGNING`` secret although no name rule does); any letter case.

    Every secret of either side (by name, by ``sensitive``/``fields``, by shape, and URL
    passwords or ``password=`` inside values) is masked wherever a value shows a copy of it.

    Example:
        >>> report = check_change({"SERVICE_SECRET": "a" * 40, "LOG_LEVEL": "INFO"},
        ...                       {"LOG_LEVEL": "DEBUG"})
        >>> [(c.variable, c.classification.label) for c in report.changes]
        [('LOG_LEVEL', 'safe'), ('SERVICE_SECRET', 'breaking')]
    """
    deps = dependency_map or (
        ConfigDependencyMap.from_fields(fields) if fields else ConfigDependencyMap()
    )
    specs = specs_by_variable(fields, environment)
    marked = {name.upper() for name in sensitive}

    def secret(name: str) -> bool:
        spec = specs.get(name)
        return (
            is_sensitive_name(name)
            or name.upper() in marked
            or (spec is not None and spec.sensitive)
            or bool((dependency := deps.get(name)) and dependency.sensitive)
        )

    forms = forms_of(secrets_of(before, secret) | secrets_of(after, secret))
    changes = []
    for variable in sorted(before.keys() | after.keys()):
        old, new = before.get(variable), after.get(variable)
        if old == new:
            continue
        changes.append(
            classify_change(
                variable,
                old,
                new,
                environment=environment,
                dependency_map=deps,
                spec=specs.get(variable),
                after=after,
                sensitive=secret(variable),
                secret_forms=forms,
            )
        )
    return ChangeReport(tuple(changes), environment)


def classify_change(
    variable: str,
    old: str | None,
    new: str | None,
    *,
    environment: Environment | None = None,
    dependency_map: ConfigDependencyMap | None = None,
    spec: FieldSpec | None = None,
    after: Mapping[str, str] | None = None,
    sensitive: bool = False,
    secret_forms: frozenset[str] = frozenset(),
) -> Change:
    """Classify one variable's change (see the module docstring for the rules).

    ``after`` is the whole new configuration, used to see whether an alias still supplies
    a removed variable. ``sensitive`` marks the variable secret whatever its name;
    ``secret_forms`` (:func:`~confwarden.environment.known.forms_of` of every known secret)
    masks copies of other secrets in the values shown.
    """
    deps = dependency_map or ConfigDependencyMap()
    dependency = deps.get(variable)
    sensitive = (
        sensitive
        or is_sensitive_name(variable)
        or (dependency is not None and dependency.sensitive)
        or (spec is not None and spec.sensitive)
    )
    critical = (dependency is not None and dependency.impact >= Impact.CRITICAL) or (
        spec is not None and spec.critical
    )
    reasons: list[tuple[ChangeClass, str]] = []
    if new is None or (old is not None and not new.strip()):
        kind = ChangeKind.REMOVED if new is None else ChangeKind.MODIFIED
        reasons += _removal(variable, deps, environment, after or {}, emptied=new is not None)
    elif old is None:
        kind = ChangeKind.ADDED
        reasons += _addition(variable, new, environment)
    else:
        kind = ChangeKind.MODIFIED
        reasons += _modification(
            variable,
            new,
            sensitive=sensitive,
            dependency=dependency,
            spec=spec,
            environment=environment,
        )
    classification = max((c for c, _ in reasons), default=ChangeClass.SAFE)
    return Change(
        variable,
        kind,
        classification,
        tuple(text for _, text in reasons),
        _masked(variable, old, sensitive, secret_forms),
        _masked(variable, new, sensitive, secret_forms),
        critical,
    )


def _removal(
    variable: str,
    deps: ConfigDependencyMap,
    environment: Environment | None,
    after: Mapping[str, str],
    *,
    emptied: bool,
) -> list[tuple[ChangeClass, str]]:
    impact = deps.impact(variable, environment=environment)
    what = "emptied" if emptied else "removed"
    if impact.can_delete:
        if impact.dependency is None:
            return []
        level = ChangeClass.SAFE if impact.impact is Impact.NONE else ChangeClass.RISKY
        return [(level, f"{what}: {impact.reason}")]
    dependency = impact.dependency
    assert dependency is not None  # can_delete is False only for known dependencies
    upper = (environment.value if environment else "").upper()
    for alias in dependency.alternatives:
        name = alias.replace("{ENVIRONMENT}", upper)
        if "{" not in name and (after.get(name) or "").strip():
            return [(ChangeClass.RISKY, f"{what}, but {name} still supplies it: {impact.reason}")]
    return [(ChangeClass.BREAKING, f"{what}: {impact.reason}")]


def _addition(
    variable: str, new: str, environment: Environment | None
) -> list[tuple[ChangeClass, str]]:
    reasons: list[tuple[ChangeClass, str]] = []
    if variable == "DATABASE_URL":
        reasons.append(
            (
                ChangeClass.RISKY,
                "DATABASE_URL is never read: DatabaseURLBuilder builds the URL from POSTGRES_*",
            )
        )
    match = _ENV_SPECIFIC.search(variable)
    if environment is not None and match and match.group(1) != environment.value.upper():
        reasons.append(
            (
                ChangeClass.RISKY,
                f"a {match.group(1).lower()} variable added to {environment.value}: "
                "credentials must not cross environments",
            )
        )
    reasons += _localhost(new, environment)
    return reasons


def _modification(
    variable: str,
    new: str,
    *,
    sensitive: bool,
    dependency: ConfigDependency | None,
    spec: FieldSpec | None,
    environment: Environment | None,
) -> list[tuple[ChangeClass, str]]:
    reasons: list[tuple[ChangeClass, str]] = []
    if variable == "ENVIRONMENT":
        reasons.append(
            (
                ChangeClass.BREAKING,
                "ENVIRONMENT changed: detection, fallbacks, validation mode and .env loading "
                "all change with it",
            )
        )
    if sensitive:
        reasons.append(
            (
                ChangeClass.RISKY,
                "secret rotated: every service sharing it must get the new value at the same "
                "time; tokens and sessions signed with the old one stop verifying",
            )
        )
    restart = (dependency is not None and dependency.restart_required) or (
        spec is not None and spec.restart_required
    )
    if restart:
        reasons.append((ChangeClass.RISKY, "takes effect only after a restart of its services"))
    reasons += _localhost(new, environment)
    return reasons


def _localhost(new: str, environment: Environment | None) -> list[tuple[ChangeClass, str]]:
    if environment is None or not _LOCAL_URL.search(new):
        return []
    severity = policy_for(environment).localhost_urls
    if severity is Severity.IGNORE:
        return []
    level = ChangeClass.BREAKING if severity is Severity.ERROR else ChangeClass.RISKY
    return [(level, f"points at localhost, which {environment.value} refuses")]


def _masked(variable: str, value: str | None, sensitive: bool, forms: frozenset[str]) -> str | None:
    if value is None:
        return None
    if sensitive and value:
        return MASK
    shown = mask_value(variable, value)
    if forms and shown and shown != MASK:
        return mask_forms(shown, forms)
    return shown


def specs_by_variable(
    fields: Sequence[FieldSpec], environment: Environment | None
) -> dict[str, FieldSpec]:
    """Every variable name of ``fields`` (in ``environment``, or in all) -> its field."""
    result: dict[str, FieldSpec] = {}
    for spec in fields:
        for env in (environment,) if environment else tuple(Environment):
            for name in spec.variable_names(env):
                result.setdefault(name, spec)
    return result
