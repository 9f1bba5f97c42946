"""The loader: walk a schema's precomputed plan over the sources, keeping every provenance.

For each field, each source (highest precedence first) is asked for each of the field's
variable names; the first hit wins, lower hits are recorded as what it overrode (slow
sources are skipped once a value is found, unless the full chain is asked for). Values are
sanitized and converted by the schema in one call, and every conversion failure becomes a
*blocking* :class:`~confwarden.config.spec.Problem` (an error in every environment: a value
that was set but cannot be used is never replaced by a default or a fallback) naming the
variable and its origin, never its value, so that type errors and validation-rule errors are
reported together in one :class:`~confwarden.errors.ConfigurationError`.

Names match exactly unless the schema says ``case_sensitive=False``; a nested group
(``payment: PaymentSettings``) reads its whole value as JSON from its variable and single
keys from ``SHOP_PAYMENT__PROVIDER``-style variables, which win over the JSON's keys.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from confwarden.config.lookups import Lookup, case_insensitive, nested_value, prefetch
from confwarden.config.schema import ConfigSchema, fields_of, plan_of, safe_value
from confwarden.config.schema_errors import HIDDEN_MESSAGE, VALIDATOR_ERRORS
from confwarden.config.sources import LoadContext
from confwarden.config.spec import FieldSpec, Problem, ResolvedValue, Severity, ValidationMode
from confwarden.environment.detection import Environment
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.environment.known import mask_forms
from confwarden.environment.masking import MASK, is_sensitive_name, mask_text, mask_value
from confwarden.environment.provenance import Source, SourceKind
from confwarden.environment.sanitize import sanitize_value
from confwarden.environment.secret_values import SecretValues, secret_parts
from confwarden.secrets.base import SecretSourceError, SourceHit, ValueSource

__all__ = ["DEFAULT_SOURCE", "ConfigLoadResult", "classify", "load_config"]

DEFAULT_SOURCE = Source(SourceKind.DEFAULT)
_DETECTED_SOURCE = Source(SourceKind.SET, "environment detection")


@dataclass
class ConfigLoadResult:
    """What one load saw and decided, with the provenance of every field.

    Attributes:
        schema: the configuration class loaded.
        environment: the target environment.
        values: the resolved value of every field, keyed by field name.
        variables: every raw variable the loader saw (for unknown-variable and cross-field
            checks); never shown unmasked.
        problems: what loading found (conversion failures, failing sources, deprecated
            names, generated fallbacks), before the validation mode classifies them.
        sources: the names of the sources, highest precedence first.
        config: the built configuration (fields that failed conversion fall back to their
            defaults), or None when even that is impossible.
        invalid_fields: fields whose value failed conversion.
    """

    schema: type[ConfigSchema]
    environment: Environment
    # ResolvedValue's own repr shows the raw value: keep both out of this repr.
    values: dict[str, ResolvedValue] = field(repr=False)
    variables: dict[str, str] = field(repr=False)
    problems: list[Problem]
    sources: tuple[str, ...]
    config: ConfigSchema | None = None
    invalid_fields: frozenset[str] = frozenset()
    secrets: SecretValues | None = field(default=None, repr=False, compare=False)
    """The secrets of ``variables`` (computed when first shown): copies of them are masked."""

    @property
    def fields(self) -> tuple[FieldSpec, ...]:
        """The schema's fields."""
        return fields_of(self.schema)

    def spec(self, name_or_variable: str) -> FieldSpec | None:
        """The field named ``name_or_variable``, or bound to that variable (a nested group's
        key, ``SHOP_PAYMENT__PROVIDER``, gives the group's field)."""
        for spec in self.fields:
            if spec.name == name_or_variable:
                return spec
        found = self.schema.field_for_variable(name_or_variable)
        delimiter = self.schema.__confwarden_nested_delimiter__
        if found is None and delimiter and delimiter in name_or_variable:
            found = self.schema.field_for_variable(name_or_variable.split(delimiter, 1)[0])
        return found

    def shown_value(self, spec: FieldSpec) -> str | None:
        """The value of ``spec`` as it may be displayed (secrets masked, copies of a secret
        too: ``COPY=${DB_PASSWORD}`` is shown ``***``)."""
        resolved = self.values[spec.name]
        if resolved.raw is None:
            if self.config is None:
                return None
            default = getattr(self.config, spec.name, None)
            if default is None:
                return None
            return MASK if spec.sensitive else self._masked(spec.canonical, str(default))
        if spec.sensitive:
            return MASK
        if resolved.raw.startswith("{") and self.config is not None:
            # A nested group: its keys masked one by one (``api_key`` inside is a secret).
            value = getattr(self.config, spec.name, None)
            forms = self.config._known_forms()
            return json.dumps(safe_value(spec.canonical, value, forms), default=str)
        return self._masked(resolved.variable or spec.canonical, resolved.raw)

    def _masked(self, variable: str, value: str) -> str | None:
        shown = mask_value(variable, value)
        if not shown or shown == MASK:
            return shown
        if self.config is not None:
            forms = self.config._known_forms()
        else:
            forms = self.secrets.forms() if self.secrets is not None else frozenset()
        return mask_forms(shown, forms)

    def describe(self, name_or_variable: str) -> dict[str, Any] | None:
        """The provenance chain of one field, masked and JSON-ready; None for unknown names."""
        spec = self.spec(name_or_variable)
        if spec is None:
            return None
        resolved = self.values[spec.name]
        return {
            "field": spec.name,
            "variable": resolved.variable or spec.canonical,
            "variables": list(spec.variable_names(self.environment)),
            "environment": self.environment.value,
            "schema": self.schema.__name__,
            "value": self.shown_value(spec),
            "sensitive": spec.sensitive,
            "critical": spec.critical,
            "required": spec.is_required(self.environment),
            "source": resolved.source.to_dict(),
            "deprecated_name_used": resolved.deprecated_name_used,
            "overridden": [
                {"variable": variable, "source": source.to_dict()}
                for variable, source in resolved.overridden
            ],
            "invalid": spec.name in self.invalid_fields,
            "problems": [
                dataclasses.asdict(p)
                for p in self.problems
                if p.variable in spec.variable_names(self.environment)
                or p.variable == spec.name
                or (spec.nested_delimiter and self.spec(p.variable) is spec)
            ],
            "precedence": [*self.sources, "schema defaults"],
        }


def classify(
    problems: Iterable[Problem], mode: ValidationMode
) -> tuple[list[Problem], list[Problem]]:
    """Split problems into (errors, warnings) the way ``mode`` says.

    WARN makes every problem a warning; ENFORCE_CRITICAL makes problems of critical fields
    errors; ENFORCE_ALL makes every error-severity problem an error. INFO problems are dropped.
    """
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for problem in problems:
        if problem.severity is Severity.INFO:
            continue
        if problem.severity is Severity.ERROR and (
            mode is ValidationMode.ENFORCE_ALL
            or (mode is ValidationMode.ENFORCE_CRITICAL and problem.critical)
        ):
            errors.append(problem)
        else:
            warnings.append(problem)
    return errors, warnings


def _source_problem(spec: FieldSpec, variable: str, source: ValueSource, exc: Exception) -> Problem:
    # Only our own errors promise a secret-free message; anything else shows its type only.
    reason = str(exc) if isinstance(exc, SecretSourceError) else type(exc).__name__
    return Problem(
        variable=variable,
        origin=source.name,
        message=f"the source {source.name!r} failed while reading it ({reason}).",
        fix="Check that the secret source is reachable and readable, or set the variable "
        "in the environment.",
        rule="source.unavailable",
        severity=Severity.ERROR,
        critical=spec.critical,
    )


def load_config(
    schema: type[ConfigSchema],
    context: LoadContext,
    *,
    sources: Sequence[ValueSource] | None = None,
    full_chain: bool = False,
) -> ConfigLoadResult:
    """Resolve every field of ``schema`` from the sources and build the config.

    Args:
        schema: the configuration class (a profile class for the target environment).
        context: the environment and inputs of this load.
        sources: the sources, highest precedence first; by default
            ``schema.config_sources(context)``.
        full_chain: also ask slow sources for variables already found (``explain``).

    Returns:
        The result: resolved values with provenance, every variable seen, loader problems and
        the built config (invalid fields replaced by their defaults).

    Example:
        >>> from confwarden.presets.agent_platform import AppConfig
        >>> ctx = LoadContext(Environment.PRODUCTION, {"LOG_LEVEL": "WARNING"})
        >>> result = load_config(AppConfig, ctx)
        >>> result.config.log_level, str(result.values["log_level"].source)
        ('WARNING', 'os environment')
    """
    environment = context.environment
    if not context.fields:
        context = dataclasses.replace(context, fields=fields_of(schema))
    chosen = tuple(schema.config_sources(context) if sources is None else sources)
    fallback_warns = environment is Environment.DEVELOPMENT
    lookups: list[Lookup] = [
        (source, source.lookup_function(), source.consult_when_shadowed or full_chain)
        for source in chosen
        if not source.is_empty()
    ]
    plan = plan_of(schema, environment)
    if any(type(s).prefetch is not ValueSource.prefetch for s, _, _ in lookups):
        prefetch(plan, lookups)
    values: dict[str, ResolvedValue] = {}
    data: dict[str, Any] = {}
    defaults, cache = _records(schema)
    isolated = context.env if isinstance(context.env, IsolatedEnvironment) else None
    problems: list[Problem] = []
    variables = context.all_variables()
    variables.update(context.overrides)
    if not schema.__confwarden_case_sensitive__:
        lookups = case_insensitive(lookups, variables)
    nested_origins: dict[str, dict[tuple[str, ...], tuple[str, Source]]] = {}
    for spec, names, deprecated, convert, nested in plan:
        winner: SourceHit | None = None
        shadowed: list[tuple[str, Source]] = []
        if nested is not None:
            winner, origins = nested_value(spec, names[0], nested, lookups, variables, schema)
            if origins:
                nested_origins[spec.name] = origins
        failed = len(problems)
        for source, lookup, eager in lookups:
            if winner is not None and not eager:
                continue
            for variable in names:
                try:
                    hit = lookup(variable)
                except Exception as exc:
                    problems.append(_source_problem(spec, variable, source, exc))
                    continue
                if hit is None:
                    continue
                if winner is None:
                    winner = hit
                else:
                    shadowed.append((hit.variable, hit.source))
        name = spec.name
        if winner is None:
            # A failing source is why the field has no value: that blocks in every mode
            # (else "not set, set it" hides "permission denied" in a warning).
            problems[failed:] = [dataclasses.replace(p, critical=True) for p in problems[failed:]]
            values[name] = defaults[name]
            continue
        variable = winner.variable
        if full_chain and isolated is not None:
            shadowed.extend(_history(isolated, variable, shadowed))
        raw = sanitize_value(variable, winner.value)
        used_deprecated = variable if variable in deprecated else None
        if shadowed:
            values[name] = ResolvedValue(
                name, variable, raw, winner.source, tuple(shadowed), used_deprecated
            )
        else:
            # Frozen dataclasses are slow to build; an unchanged value reuses its record.
            key = (name, variable, raw, id(winner.source))
            resolved = cache.get(key)
            if resolved is None or resolved.source is not winner.source:
                resolved = ResolvedValue(name, variable, raw, winner.source, (), used_deprecated)
                if len(cache) >= _CACHE_LIMIT:
                    cache.clear()
                cache[key] = resolved
            values[name] = resolved
        if used_deprecated is not None:
            problems.append(
                Problem(
                    variable=variable,
                    origin=str(winner.source),
                    message=f"is a deprecated name of {spec.canonical}.",
                    fix=f"Rename it to {spec.canonical}.",
                    rule="schema.deprecated_name",
                    severity=Severity.WARNING,
                    critical=spec.critical,
                )
            )
        if fallback_warns and winner.source.kind is SourceKind.FALLBACK:
            problems.append(
                Problem(
                    variable=variable,
                    origin=str(winner.source),
                    message="is not set; a generated development value is used.",
                    fix=f"Set {variable} (in .env.development for a stable value).",
                    rule="fallback.generated",
                    severity=Severity.WARNING,
                    critical=spec.critical,
                )
            )
        if convert is None:
            data[name] = raw
        else:
            try:
                data[name] = convert(raw)
            except ValueError:
                what = "a JSON object" if nested is not None else "a list"
                problems.append(_type_problem(spec, values[name], f"is not {what}"))
    if "environment" in schema.__confwarden_annotations__:
        # The detected (or requested) environment is authoritative; ENVIRONMENT was only
        # one input of the detection, and may be an alias ("prod").
        data["environment"] = environment.value
        if values["environment"].raw is None:
            values["environment"] = ResolvedValue(
                "environment", None, environment.value, _DETECTED_SOURCE
            )
    secrets = SecretValues(variables, _sensitive_names(schema, environment, isolated))
    config, invalid = _build(schema, data, values, problems, secrets, nested_origins)
    if config is not None:
        config._remember_secrets(secrets)
        config._remember_load(values, variables, environment)
    return ConfigLoadResult(
        schema=schema,
        environment=environment,
        values=values,
        variables=variables,
        problems=problems,
        sources=tuple(s.name for s in chosen),
        config=config,
        invalid_fields=invalid,
        secrets=secrets,
    )


def _sensitive_names(
    schema: type[ConfigSchema], environment: Environment, env: IsolatedEnvironment | None
) -> Any:
    """Whether a variable's whole value is a secret: by name, by the schema's marker
    (``Env(..., sensitive=True)``), or by origin (interpolated from a secret in a ``.env``)."""

    def sensitive(name: str) -> bool:
        if is_sensitive_name(name) or (env is not None and env.is_sensitive(name)):
            return True
        spec = schema.field_for_variable(name)
        return spec is not None and spec.sensitive

    return sensitive


_CACHE_LIMIT = 4096
_RECORDS: dict[
    type[ConfigSchema],
    tuple[dict[str, ResolvedValue], dict[tuple[str, str, str, int], ResolvedValue]],
] = {}


def _records(
    schema: type[ConfigSchema],
) -> tuple[dict[str, ResolvedValue], dict[tuple[str, str, str, int], ResolvedValue]]:
    """Per schema: the "unset, default" record of each field and a cache of resolved records."""
    records = _RECORDS.get(schema)
    if records is None:
        defaults = {
            spec.name: ResolvedValue(spec.name, None, None, DEFAULT_SOURCE)
            for spec in fields_of(schema)
        }
        records = _RECORDS.setdefault(schema, (defaults, {}))
    return records


def _history(
    env: IsolatedEnvironment, variable: str, known: list[tuple[str, Source]]
) -> list[tuple[str, Source]]:
    """What the environment itself replaced or kept out for ``variable``.

    Values a ``set()`` overwrote, and ``.env`` entries the process environment shadowed.
    """
    explanation = env.explain(variable)
    found = [source for source, _ in explanation.overridden] + list(explanation.shadowed)
    return [(variable, source) for source in found if (variable, source) not in known]


def _type_problem(
    spec: FieldSpec, resolved: ResolvedValue, message: str, rule: str = "schema.type"
) -> Problem:
    variable = resolved.variable or spec.canonical
    example = f" (for example {spec.example})" if spec.example and not spec.sensitive else ""
    unset = resolved.raw is None
    return Problem(
        variable=variable,
        origin="not set" if unset else str(resolved.source),
        message=f"{message.rstrip('.')}.",
        fix=f"Set {variable}{example}." if unset else f"Set {variable} to a valid value{example}.",
        rule=rule,
        severity=Severity.ERROR,
        critical=spec.critical,
        blocking=True,
    )


def _safe_message(
    kind: str,
    message: str,
    spec: FieldSpec,
    values: Mapping[str, ResolvedValue],
    secrets: SecretValues,
) -> str:
    """A conversion message that shows no secret (issue 11 item 1).

    A sensitive field's validator message is dropped; every message is masked against the
    field's raw value and the secrets inside it (a URL password), and every secret of the
    variables loaded, in their usual encodings.
    """
    if spec.sensitive and kind in VALIDATOR_ERRORS:
        return HIDDEN_MESSAGE
    raw = values[spec.name].raw
    known: list[str | None] = [raw, *(secret_parts(raw) if raw else ())]
    known += [
        resolved.raw
        for resolved in values.values()
        if resolved.raw and is_sensitive_name(resolved.variable or resolved.field)
    ]
    return mask_text(message, [*known, *secrets.values()])


def _key_origin(
    resolved: ResolvedValue,
    message: str,
    origins: Mapping[tuple[str, ...], tuple[str, Source]] | None,
) -> ResolvedValue:
    """A nested group's record, renamed to the variable that supplied the key ``message``
    is about (``limits.burst: ...`` -> ``SHOP_GATEWAY__LIMITS__BURST``)."""
    if not origins:
        return resolved
    path = tuple(message.split(":", 1)[0].strip().lower().split("."))
    for end in range(len(path), 0, -1):
        found = origins.get(path[:end])
        if found is not None:
            return dataclasses.replace(resolved, variable=found[0], source=found[1])
    return resolved


def _build(  # noqa: PLR0917 - one internal call site
    schema: type[ConfigSchema],
    data: dict[str, Any],
    values: dict[str, ResolvedValue],
    problems: list[Problem],
    secrets: SecretValues,
    nested_origins: Mapping[str, Mapping[tuple[str, ...], tuple[str, Source]]],
) -> tuple[ConfigSchema | None, frozenset[str]]:
    converted, errors = schema.convert_values(data)
    specs = {spec.name: spec for spec in fields_of(schema)}
    invalid: set[str] = set()
    for name, kind, message, _expected in errors:
        spec = specs.get(name)
        if spec is None:
            continue
        invalid.add(name)
        if kind == "missing":
            problems.append(
                _type_problem(
                    spec, values[name], "is not set, and the field has no default", "schema.missing"
                )
            )
        else:
            shown = _safe_message(kind, message, spec, values, secrets)
            resolved = _key_origin(values[name], message, nested_origins.get(name))
            problems.append(_type_problem(spec, resolved, f"cannot be used: {shown}"))
    if len(converted) < len(schema.__confwarden_annotations__):
        return None, frozenset(invalid)
    # Fields that failed conversion are shown with their defaults (the config is not used:
    # the problems above are errors in every mode).
    return schema._from_converted(converted), frozenset(invalid)
