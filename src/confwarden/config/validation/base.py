"""The vocabulary every validation rule shares: the context it reads and the base class.

A rule is a small class with a ``code`` and a ``check(ctx)`` that yields
:class:`~confwarden.config.spec.Problem` records. It sees one :class:`ValidationContext`
(the environment, the declared fields, the resolved values with their provenance and every
raw variable) and never reads ``os.environ``: the loader passes the world in, so a rule is
tested with a plain dict. Rules describe a value's shape, never the value itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from types import MappingProxyType
from typing import Any, ClassVar, NamedTuple

from confwarden.config.spec import FieldSpec, Problem, ResolvedValue, Severity
from confwarden.config.validation.index import (
    SENSITIVE,
    URL,
    FieldIndex,
    field_index,
    is_url_item,
    name_kind,
)
from confwarden.config.validation.result import ValidationResult
from confwarden.environment.detection import Environment
from confwarden.environment.policy import EnvironmentPolicy, policy_for
from confwarden.environment.provenance import Source, SourceKind

__all__ = [
    "ConfigItem",
    "Rule",
    "ValidationContext",
    "ValidationResult",
    "iter_set",
    "policy_severity",
]

NOT_SET = "not set"
_OS = Source(SourceKind.OS)
_DEFAULT = Source(SourceKind.DEFAULT)


class ConfigItem(NamedTuple):
    """One configuration value as a rule sees it (a named tuple: built 100 times per run).

    Attributes:
        variable: the variable that supplied the value.
        raw: the value as a string (never shown; rules describe its shape).
        source: where it came from.
        spec: the field it belongs to, or None for a variable no field declares.
        kind: what the variable's name denotes, as :func:`~.index.name_kind` flags
            (``SENSITIVE`` also when the schema says so).
    """

    variable: str
    raw: str
    source: Source
    spec: FieldSpec | None
    kind: int = 0

    def __repr__(self) -> str:
        # The raw value may be a secret: the repr names the variable and its origin only.
        return f"ConfigItem(variable={self.variable!r}, source={self.source!s}, raw=<hidden>)"

    @property
    def origin(self) -> str:
        """Where the value came from, as text (``.env file .env:3``, ``os environment``)."""
        return str(self.source)

    @property
    def sensitive(self) -> bool:
        """True when the schema or the name says the value is a secret."""
        return bool(self.kind & SENSITIVE)

    @property
    def critical(self) -> bool:
        """True when the value belongs to a critical field."""
        return self.spec is not None and self.spec.critical


@dataclass(frozen=True)
class ValidationContext:
    """Everything a validation sees: the contract between the loader and the rules.

    Args:
        environment: the environment the configuration is judged for.
        fields: the declared fields (pass the schema's tuple: its index is then cached).
        values: the resolved value of each field, keyed by field name.
        variables: every raw variable the loader saw (process environment, secrets, .env).
        prefix: the project's variable prefix (``APP_``); unknown variables with it are
            reported.
        extra_problems: problems found before validation (type conversion, deprecated names)
            to be reported together with the rules' findings.
        defaults: the schema's default of each field, by field name: what the service uses
            when a variable is unset (components judge it as set).
        sources: the origin of raw variables no field declares, where the loader knows it
            (``ENVIRONMENT`` read from a ``.env`` file in a schema without that field).

    Example:
        >>> ctx = ValidationContext.from_variables(Environment.STAGING, {"SECRET_KEY": "x"})
        >>> [item.variable for item in ctx.items()]
        ['SECRET_KEY']
    """

    environment: Environment
    fields: Sequence[FieldSpec] = field(repr=False)
    # Raw values, secrets among them: never in the repr.
    values: Mapping[str, ResolvedValue] = field(repr=False)
    variables: Mapping[str, str] = field(repr=False)
    prefix: str | None = None
    extra_problems: Sequence[Problem] = ()
    defaults: Mapping[str, Any] = field(default_factory=dict, repr=False)
    sources: Mapping[str, Source] = field(default_factory=dict, repr=False)

    @classmethod
    def from_variables(
        cls,
        environment: Environment,
        variables: Mapping[str, str],
        fields: Sequence[FieldSpec] = (),
        *,
        prefix: str | None = None,
        sources: Mapping[str, Source] | None = None,
    ) -> ValidationContext:
        """Build a context by looking each field up in ``variables`` (no loader needed).

        The first of a field's variable names that is set wins; ``sources`` gives the origin
        of each variable (the process environment by default). Useful for tests and for
        judging a ``.env`` file for another environment.
        """
        fields = tuple(fields)
        index = field_index(fields, environment)
        known = sources or {}
        values: dict[str, ResolvedValue] = {}
        for spec in fields:
            for name in index.names[spec.name]:
                raw = variables.get(name)
                if raw is not None:
                    values[spec.name] = ResolvedValue(
                        spec.name,
                        name,
                        raw,
                        known.get(name, _OS),
                        deprecated_name_used=name if name in index.deprecated[spec.name] else None,
                    )
                    break
            else:
                values[spec.name] = ResolvedValue(spec.name, None, None, _DEFAULT)
        return cls(environment, fields, values, dict(variables), prefix)

    # -- derived views (computed once per validation) -------------------------------------

    @cached_property
    def policy(self) -> EnvironmentPolicy:
        """The policy row of the environment (localhost and secret-length severities...)."""
        return policy_for(self.environment)

    @cached_property
    def index(self) -> FieldIndex:
        """The declared fields resolved for the environment (cached per schema)."""
        return field_index(self.fields, self.environment)

    @property
    def specs_by_variable(self) -> Mapping[str, FieldSpec]:
        """Declared fields by every variable name they bind to in this environment."""
        return self.index.by_variable

    def spec_for(self, variable: str) -> FieldSpec | None:
        """The field bound to ``variable`` in this environment, if any."""
        return self.index.by_variable.get(variable)

    def origin(self, variable: str) -> str:
        """Where ``variable``'s value came from, as text; "not set" when it is unset."""
        spec = self.index.by_variable.get(variable)
        if spec is not None:
            resolved = self.values.get(spec.name)
            if resolved is not None and resolved.variable == variable:
                return str(resolved.source)
        if variable in self.sources:
            return str(self.sources[variable])
        if variable in self.variables:
            return str(_OS) if not self.fields else "environment variables"
        return NOT_SET

    def source(self, variable: str) -> Source | None:
        """Where ``variable``'s resolved value came from; None when no field resolved it."""
        spec = self.index.by_variable.get(variable)
        if spec is not None:
            resolved = self.values.get(spec.name)
            if resolved is not None and resolved.variable == variable:
                return resolved.source
        return self.sources.get(variable)

    def get(self, variable: str) -> str | None:
        """The raw value of ``variable``: the resolved one when a field binds it."""
        spec = self.index.by_variable.get(variable)
        if spec is not None:
            resolved = self.values.get(spec.name)
            if resolved is not None and resolved.variable == variable:
                return resolved.raw
        return self.variables.get(variable)

    def items(self, kind: int = 0) -> Sequence[ConfigItem]:
        """The configuration values to judge, sorted by variable.

        With declared fields: the resolved value of each field that has one. Without fields
        (a raw ``.env`` file judged on its own): every variable.

        Args:
            kind: only items whose name has one of these :func:`~.index.name_kind` flags
                (``URL`` also takes values that look like URLs); 0 for every item.
        """
        if not kind:
            return self._items
        cached = self._by_kind.get(kind)
        if cached is None:
            cached = self._select(kind)
            self._by_kind[kind] = cached
        return cached

    def _select(self, kind: int) -> tuple[ConfigItem, ...]:
        by_value = bool(kind & URL)
        if not self.fields:
            return tuple(
                item
                for item in self._items
                if item.kind & kind or (by_value and is_url_item(item.variable, item.raw))
            )
        # Only the fields whose names can carry ``kind`` (precomputed per schema), plus any
        # value that looks like a URL: most of a large schema is never turned into an item.
        index = self.index
        chosen: dict[str, FieldSpec] = {}
        for bit, specs in index.fields_by_kind.items():
            if bit & kind:
                for spec in specs:
                    chosen[spec.name] = spec
        if by_value:
            for spec in self._url_valued:
                chosen.setdefault(spec.name, spec)
        result: list[ConfigItem] = []
        for spec in chosen.values():
            item = self._item(spec)
            if item is None:
                continue
            if item.kind & kind or (by_value and is_url_item(item.variable, item.raw)):
                result.append(item)
        result.sort(key=itemgetter(0))
        return tuple(result)

    @cached_property
    def _url_valued(self) -> tuple[FieldSpec, ...]:
        by_name = self.index.by_name
        return tuple(
            by_name[name]
            for name, resolved in self.values.items()
            if resolved.raw is not None and "://" in resolved.raw and name in by_name
        )

    def _item(self, spec: FieldSpec) -> ConfigItem | None:
        resolved = self.values.get(spec.name)
        if resolved is None or resolved.raw is None:
            return None
        variable = resolved.variable or spec.canonical
        kind = name_kind(variable) | (SENSITIVE if spec.sensitive else 0)
        return ConfigItem(variable, resolved.raw, resolved.source, spec, kind)

    @cached_property
    def _by_kind(self) -> dict[int, tuple[ConfigItem, ...]]:
        return {}

    def names_ending(self, suffixes: tuple[str, ...]) -> tuple[str, ...]:
        """The variables of :attr:`merged_variables` ending with one of ``suffixes``, scanned
        once per context (several components look for ``*_SERVICE_URL``)."""
        found = self._endings.get(suffixes)
        if found is None:
            found = self._endings[suffixes] = tuple(
                name for name in self.merged_variables if name.endswith(suffixes)
            )
        return found

    @cached_property
    def _endings(self) -> dict[tuple[str, ...], tuple[str, ...]]:
        return {}

    @cached_property
    def _items(self) -> tuple[ConfigItem, ...]:
        result: list[ConfigItem] = []
        if self.fields:
            for spec in self.fields:
                item = self._item(spec)
                if item is not None:
                    result.append(item)
        else:
            result = [
                ConfigItem(name, raw, _OS, None, name_kind(name))
                for name, raw in self.variables.items()
            ]
        result.sort(key=itemgetter(0))
        return tuple(result)

    @cached_property
    def merged_variables(self) -> Mapping[str, str]:
        """Every raw variable, with each field's resolved value on top (what components read).

        The same answers as :meth:`get`, as one read-only mapping built once per context:
        components iterate it (to check every value is text), so a view calling :meth:`get`
        per key cost more than the rest of a validation.
        """
        merged = dict(self.variables)
        by_variable = self.index.by_variable
        for name, resolved in self.values.items():
            variable = resolved.variable
            if variable is None:
                continue
            spec = by_variable.get(variable)
            if spec is None or spec.name != name:
                continue  # not a name of this field (a nested group's key): raw value stays
            if resolved.raw is None:
                merged.pop(variable, None)
            else:
                merged[variable] = resolved.raw
        return MappingProxyType(merged)

    def known_variables(self) -> frozenset[str]:
        """Every variable name any declared field binds to, in any environment."""
        return self.index.known


def policy_severity(severity: Severity) -> Severity | None:
    """A policy severity as a problem severity; None for ``ignore`` (no problem at all)."""
    return None if severity is Severity.IGNORE else severity


class Rule:
    """Base class of validation rules: one family of checks, one module.

    Subclasses set ``code`` (``secrets.length``) and ``description`` and implement
    :meth:`check`. A rule yields every problem it finds; it never raises on bad input (the
    validator turns a crash into a problem anyway) and never puts a value in a message.

    Example:
        >>> class NoDebug(Rule):
        ...     code = "example.no_debug"
        ...     description = "DEBUG is off in production."
        ...     def check(self, ctx):
        ...         if ctx.get("DEBUG") == "true":
        ...             yield self.problem(ctx, "DEBUG", "is on", "Unset DEBUG")
    """

    code: ClassVar[str] = "rule"
    description: ClassVar[str] = ""

    def check(self, ctx: ValidationContext) -> Iterable[Problem]:
        """Yield every problem found in ``ctx``."""
        raise NotImplementedError

    def problem(
        self,
        ctx: ValidationContext,
        variable: str,
        message: str,
        fix: str,
        *,
        severity: Severity = Severity.ERROR,
        critical: bool | None = None,
        code: str | None = None,
    ) -> Problem:
        """A problem about ``variable``, with its origin filled in from ``ctx``.

        ``critical`` defaults to whether ``variable`` belongs to a critical field.
        """
        if critical is None:
            spec = ctx.spec_for(variable)
            critical = spec is not None and spec.critical
        return Problem(
            variable=variable,
            origin=ctx.origin(variable),
            message=message,
            fix=fix,
            rule=code or self.code,
            severity=severity,
            critical=critical,
        )

    def adopt(
        self,
        ctx: ValidationContext,
        found: Problem,
        *,
        variable: str | None = None,
        critical: bool | None = None,
        code: str | None = None,
    ) -> Problem:
        """A problem a shared component found, reported as this rule's, origin from ``ctx``.

        Components and rules share one :class:`Problem` class, so nothing is translated:
        only the variable (one of ``A/B``), its origin, the rule code and ``critical`` are
        filled in. ``critical`` defaults to whether ``variable`` belongs to a critical field.
        """
        variable = found.variable if variable is None else variable
        if critical is None:
            spec = ctx.spec_for(variable)
            critical = spec is not None and spec.critical
        return dataclasses.replace(
            found,
            variable=variable,
            origin=ctx.origin(variable),
            rule=code or self.code,
            critical=critical,
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code}>"


def iter_set(ctx: ValidationContext, names: Iterable[str]) -> Iterator[tuple[str, str]]:
    """``(name, raw)`` for each of ``names`` that has a non-empty value in ``ctx``."""
    for name in names:
        raw = ctx.get(name)
        if raw is not None and raw.strip():
            yield name, raw
