"""ConfigDependencyMap: who needs each critical variable, and what deleting it breaks.

spec/003 "ConfigDependencyMap - Cascade Failure Prevention": a variable deleted from a
deployment because "nobody reads it" took authentication down for every user. The map
records, for each critical variable, the services and features that need it, the impact of
deleting it, and whether a development fallback may stand in. It ships the generic
dependencies spec/003 names (``SERVICE_SECRET``, the database components,
``JWT_SECRET_KEY``, ``SECRET_KEY``), is extensible with :meth:`ConfigDependencyMap.register`,
and is derived from a project's own services with :meth:`ConfigDependencyMap.from_services`
(each entry then names the services that need the variable). A platform preset brings its
own table (``confwarden.presets.agent_platform.PLATFORM_DEPENDENCIES``).

``DATABASE_URL`` is deliberately not a trusted dependency: DatabaseURLBuilder builds the URL
from ``POSTGRES_*`` components and never reads it, so deleting it is safe.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

from confwarden.config.spec import FieldSpec
from confwarden.environment.detection import Environment
from confwarden.environment.policy import policy_for

if TYPE_CHECKING:
    from confwarden.config.schema import ConfigSchema

__all__ = [
    "BUILTIN_DEPENDENCIES",
    "ConfigDependency",
    "ConfigDependencyMap",
    "DependencyImpact",
    "Impact",
]


class Impact(IntEnum):
    """How bad losing a variable is, worst last (comparable: ``Impact.CRITICAL > Impact.LOW``)."""

    NONE = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4
    ULTRA_CRITICAL = 5

    @property
    def label(self) -> str:
        """The upper-case name, as spec/003 writes it (``ULTRA_CRITICAL``)."""
        return self.name


@dataclass(frozen=True, slots=True)
class ConfigDependency:
    """What depends on one variable.

    Attributes:
        variable: the variable; ``{ENVIRONMENT}`` stands for the upper-case environment.
        required_by: the services and features that need it.
        deletion_impact: what happens when it is deleted, in words.
        impact: how bad that is.
        fallback_allowed: whether a development/testing fallback may stand in for it.
        validation_required: whether its value must pass validation before deployment.
        restart_required: whether a change needs a restart to take effect.
        sensitive: whether the value is a secret (changes are masked and are rotations).
        alternatives: other variables that can supply the same value (aliases).
    """

    variable: str
    required_by: tuple[str, ...]
    deletion_impact: str
    impact: Impact = Impact.CRITICAL
    fallback_allowed: bool = False
    validation_required: bool = True
    restart_required: bool = True
    sensitive: bool = False
    alternatives: tuple[str, ...] = ()

    def matches(self, variable: str) -> bool:
        """Whether ``variable`` is this dependency's (filling in ``{ENVIRONMENT}``)."""
        if "{ENVIRONMENT}" not in self.variable:
            return variable == self.variable
        return _pattern(self.variable).fullmatch(variable) is not None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "variable": self.variable,
            "required_by": list(self.required_by),
            "deletion_impact": self.deletion_impact,
            "impact": self.impact.label,
            "fallback_allowed": self.fallback_allowed,
            "validation_required": self.validation_required,
            "restart_required": self.restart_required,
            "sensitive": self.sensitive,
            "alternatives": list(self.alternatives),
        }


@dataclass(frozen=True, slots=True)
class DependencyImpact:
    """The answer to ``impact(VAR)``: what depends on it and whether it may go.

    Attributes:
        variable: the variable asked about.
        dependency: its entry in the map, or None when nothing is known to depend on it.
        can_delete: whether deleting it breaks nothing (in the environment asked about).
        reason: why, in one sentence.
    """

    variable: str
    dependency: ConfigDependency | None
    can_delete: bool
    reason: str

    @property
    def impact(self) -> Impact:
        """The impact level (``NONE`` for unknown variables)."""
        return self.dependency.impact if self.dependency else Impact.NONE

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {
            "variable": self.variable,
            "known": self.dependency is not None,
            "impact": self.impact.label,
            "can_delete": self.can_delete,
            "reason": self.reason,
            "dependency": self.dependency.to_dict() if self.dependency else None,
        }


_DB = ("database", "session_store", "state_persistence")
# Read by confwarden itself in every service, declared or not.
_READ_BY_CONFWARDEN = frozenset({"ENVIRONMENT"})
BUILTIN_DEPENDENCIES: tuple[ConfigDependency, ...] = (
    ConfigDependency(
        "SERVICE_SECRET",
        ("inter_service_auth", "circuit_breaker"),
        "Complete inter-service auth failure: the circuit breaker stays open and every user "
        "is locked out",
        Impact.ULTRA_CRITICAL,
        sensitive=True,
    ),
    ConfigDependency(
        "SERVICE_ID",
        ("inter_service_auth",),
        "Services cannot identify each other; inter-service calls are refused",
        Impact.HIGH,
    ),
    ConfigDependency(
        "JWT_SECRET_KEY",
        ("token_validation",),
        "All authentication fails: tokens cannot be signed or verified",
        Impact.CRITICAL,
        sensitive=True,
        alternatives=("JWT_SECRET_{ENVIRONMENT}", "JWT_SECRET"),
    ),
    ConfigDependency(
        "SECRET_KEY",
        ("sessions", "csrf_protection"),
        "Sessions and CSRF tokens cannot be signed; every user is logged out",
        Impact.CRITICAL,
        sensitive=True,
    ),
    ConfigDependency(
        "POSTGRES_HOST",
        _DB,
        "No database server to connect to: the service has no data access",
        Impact.CRITICAL,
        fallback_allowed=True,
    ),
    ConfigDependency(
        "POSTGRES_USER",
        _DB,
        "Database login fails: the service has no data access",
        Impact.CRITICAL,
        fallback_allowed=True,
    ),
    ConfigDependency(
        "POSTGRES_PASSWORD",
        _DB,
        "Database login fails: the service has no data access",
        Impact.CRITICAL,
        sensitive=True,
    ),
    ConfigDependency(
        "POSTGRES_DB",
        _DB,
        "Connects to the wrong (default) database or none: no data access",
        Impact.CRITICAL,
        fallback_allowed=True,
    ),
    ConfigDependency(
        "ENVIRONMENT",
        ("every service",),
        "Detection falls back to development rules (or fails on a cloud deployment): "
        "fallbacks and .env loading may switch on",
        Impact.CRITICAL,
    ),
    ConfigDependency(
        "DATABASE_URL",
        (),
        "None: DatabaseURLBuilder builds the URL from POSTGRES_* components and never "
        "reads DATABASE_URL",
        Impact.NONE,
        validation_required=False,
        restart_required=False,
        sensitive=True,
    ),
)


class ConfigDependencyMap:
    """The critical dependencies of a platform's configuration.

    Args:
        dependencies: the entries; by default :data:`BUILTIN_DEPENDENCIES`.

    Example:
        >>> deps = ConfigDependencyMap()
        >>> deps.can_delete("SERVICE_SECRET"), deps.can_delete("DATABASE_URL")
        (False, True)
        >>> deps.impact("JWT_SECRET_KEY").impact.label
        'CRITICAL'
    """

    def __init__(self, dependencies: Iterable[ConfigDependency] | None = None) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, ConfigDependency] = {}
        # Nested groups: ``SHOP_PAYMENT__API_TOKEN`` is a key of the group ``SHOP_PAYMENT``.
        self._groups: dict[str, str] = {}
        for dependency in BUILTIN_DEPENDENCIES if dependencies is None else dependencies:
            self._entries[dependency.variable] = dependency

    @classmethod
    def from_fields(
        cls, fields: Sequence[FieldSpec], *, include_builtin: bool = True
    ) -> ConfigDependencyMap:
        """Derive entries from schema metadata: every critical or required field.

        A field's entry covers its canonical name; its other names become alternatives. A
        built-in entry for the same variable is kept (it knows more) unless the field is
        stricter about fallbacks.
        """
        result = cls(BUILTIN_DEPENDENCIES if include_builtin else ())
        for spec in fields:
            if not (spec.critical or spec.required_in):
                continue
            impact = Impact.CRITICAL if spec.critical else Impact.HIGH
            where = ", ".join(sorted(env.value for env in spec.required_in)) or "no environment"
            derived = ConfigDependency(
                spec.canonical,
                (f"{spec.group} configuration ({spec.name})",),
                f"{spec.description or spec.name} is missing; startup fails where it is "
                f"required ({where})",
                impact,
                fallback_allowed=spec.fallback_allowed,
                restart_required=spec.restart_required,
                sensitive=spec.sensitive,
                alternatives=(*spec.env_names[1:], *spec.deprecated_names),
            )
            existing = result.get(spec.canonical)
            if existing is None:
                result.register(derived)
            elif existing.fallback_allowed and not spec.fallback_allowed:
                result.register(
                    ConfigDependency(
                        existing.variable,
                        tuple(dict.fromkeys((*existing.required_by, *derived.required_by))),
                        existing.deletion_impact,
                        max(existing.impact, impact),
                        fallback_allowed=False,
                        validation_required=existing.validation_required,
                        restart_required=existing.restart_required or spec.restart_required,
                        sensitive=existing.sensitive or spec.sensitive,
                        alternatives=existing.alternatives,
                    )
                )
        return result

    @classmethod
    def from_services(
        cls,
        services: Mapping[str, type[ConfigSchema]],
        *,
        base: Iterable[ConfigDependency] | None = None,
    ) -> ConfigDependencyMap:
        """The map of a project, in the project's own terms.

        * A variable a service requires (critical, or required in some environment): its
          ``required_by`` names exactly the project's services that require it; a generic
          entry for it (``base``) only adds what it knows (the deletion impact in words, a
          higher impact, no fallback).
        * A variable the project reads but requires nowhere: optional, impact ``LOW``, may be
          deleted (its default applies); the reason names the services reading it.
        * A generic entry for a variable no service reads is left out: it is not this
          project's dependency (``ENVIRONMENT`` stays: confwarden reads it in every service).

        Args:
            services: service name -> schema class (the project's ``[tool.confwarden.configs]``).
            base: the generic entries; by default :data:`BUILTIN_DEPENDENCIES`.

        Example:
            >>> from confwarden.config.common import ServiceConfig
            >>> deps = ConfigDependencyMap.from_services({"shop": ServiceConfig})
            >>> deps.get("POSTGRES_PASSWORD").required_by
            ('shop',)
        """
        from confwarden.config.schema import fields_of

        base_map = cls(BUILTIN_DEPENDENCIES if base is None else base)
        users: dict[str, list[str]] = {}
        derived: dict[str, ConfigDependency] = {}
        readers: dict[str, list[str]] = {}
        groups: dict[str, str] = {}
        for name, schema in services.items():
            fields = fields_of(schema)
            for spec in fields:
                if spec.nested_delimiter:
                    groups[spec.canonical] = spec.nested_delimiter
                if not (spec.critical or spec.required_in):
                    readers.setdefault(spec.canonical, []).append(name)
            for dependency in cls.from_fields(fields, include_builtin=False):
                users.setdefault(dependency.variable, []).append(name)
                derived.setdefault(dependency.variable, dependency)
        result = cls(d for d in base_map if d.variable in _READ_BY_CONFWARDEN)
        result._groups = groups
        for variable, names in readers.items():
            if variable in users:
                continue  # another service requires it: that entry says more
            result.register(
                ConfigDependency(
                    variable,
                    (),
                    f"optional for {', '.join(dict.fromkeys(names))} (required in no "
                    "environment): its default applies when it is unset",
                    Impact.LOW,
                    fallback_allowed=True,
                    validation_required=False,
                    sensitive=(known.sensitive if (known := base_map.get(variable)) else False),
                )
            )
        for variable, names in users.items():
            known = base_map.get(variable)
            own = derived[variable]
            entry = known if known is not None and known.impact > Impact.NONE else own
            result.register(
                ConfigDependency(
                    own.variable,
                    tuple(dict.fromkeys(names)),
                    entry.deletion_impact,
                    max(entry.impact, own.impact),
                    fallback_allowed=entry.fallback_allowed and own.fallback_allowed,
                    validation_required=entry.validation_required,
                    restart_required=entry.restart_required or own.restart_required,
                    sensitive=entry.sensitive or own.sensitive,
                    alternatives=tuple(dict.fromkeys((*entry.alternatives, *own.alternatives))),
                )
            )
        return result

    def register(self, dependency: ConfigDependency) -> None:
        """Add or replace the entry of ``dependency.variable``."""
        with self._lock:
            self._entries[dependency.variable] = dependency

    def get(self, variable: str) -> ConfigDependency | None:
        """The entry for ``variable`` (exact name, a nested group's ``GROUP__KEY`` variable, or
        ``{ENVIRONMENT}`` pattern), or None."""
        entry = self._entries.get(variable)
        if entry is not None:
            return entry
        for group, delimiter in self._groups.items():
            if variable.startswith(f"{group}{delimiter}") and group in self._entries:
                return self._entries[group]  # a key of a nested group counts as the group
        for candidate in self._entries.values():
            if candidate.matches(variable):
                return candidate
        return None

    def __contains__(self, variable: object) -> bool:
        return isinstance(variable, str) and self.get(variable) is not None

    def __iter__(self) -> Iterator[ConfigDependency]:
        return iter(sorted(self._entries.values(), key=lambda d: (-d.impact, d.variable)))

    def __len__(self) -> int:
        return len(self._entries)

    def critical(self) -> list[ConfigDependency]:
        """The entries whose deletion is at least CRITICAL."""
        return [d for d in self if d.impact >= Impact.CRITICAL]

    def impact(self, variable: str, *, environment: Environment | None = None) -> DependencyImpact:
        """What deleting ``variable`` would break.

        Args:
            variable: the variable.
            environment: judge for this environment: where fallbacks are allowed, a
                dependency with ``fallback_allowed`` may be deleted. None judges as for a
                deployment (no fallbacks).
        """
        dependency = self.get(variable)
        if dependency is None:
            return DependencyImpact(
                variable, None, True, "nothing in the dependency map depends on it"
            )
        if dependency.impact <= Impact.LOW and not dependency.required_by:
            # Nothing requires it (DATABASE_URL, an optional field): deleting it breaks nothing.
            return DependencyImpact(variable, dependency, True, dependency.deletion_impact)
        if (
            environment is not None
            and policy_for(environment).fallbacks_allowed
            and dependency.fallback_allowed
        ):
            return DependencyImpact(
                variable,
                dependency,
                True,
                f"a {environment.value} fallback stands in for it; "
                f"when deployed: {dependency.deletion_impact}",
            )
        needed = ", ".join(dependency.required_by) or "the project"
        return DependencyImpact(
            variable,
            dependency,
            False,
            f"{dependency.impact.label}: {dependency.deletion_impact} (required by {needed})",
        )

    def can_delete(self, variable: str, *, environment: Environment | None = None) -> bool:
        """Whether deleting ``variable`` breaks nothing (see :meth:`impact`)."""
        return self.impact(variable, environment=environment).can_delete

    def to_dict(self) -> list[dict[str, object]]:
        """Every entry, worst first, JSON-ready."""
        return [d.to_dict() for d in self]

    def __repr__(self) -> str:
        return f"<ConfigDependencyMap {len(self._entries)} dependencies>"


_PATTERNS: dict[str, re.Pattern[str]] = {}


def _pattern(template: str) -> re.Pattern[str]:
    pattern = _PATTERNS.get(template)
    if pattern is None:
        names = "|".join(env.value.upper() for env in Environment)
        pattern = re.compile(re.escape(template).replace(r"\{ENVIRONMENT\}", f"(?:{names})"))
        _PATTERNS[template] = pattern
    return pattern
