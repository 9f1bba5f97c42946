"""Environment-specific spellings that are set and never read.

With ``ENVIRONMENT=prod``, ``JWT_SECRET_PROD`` was silently ignored: the field reads
``JWT_SECRET_{ENVIRONMENT}``, which is ``JWT_SECRET_PRODUCTION`` (environment names are
always spelled out in variable names), so ``JWT_SECRET_KEY`` won and two services in the
middle of a migration signed with different secrets. This rule makes a set-but-ignored
variant an error instead of guessing which one was meant:

* for a name with ``{ENVIRONMENT}``, every alias spelling (``_PROD``, ``_STAGE``, ``_DEV``...
  and the abbreviations ``_PRD``, ``_STG``) that the field does not read;
* for any other declared name, the name with an environment suffix (``SECRET_KEY_PROD``,
  ``SECRET_KEY_PRODUCTION``) that no field declares.

A variant naming the environment being started is an error (critical: the operator meant
it for this deployment). A variable of another environment (``JWT_SECRET_STAGING`` or
``SECRET_KEY_STAGING`` in production), declared or not, is never read there: in staging and
production it is an error too (critical: another environment's secret where it does not
belong, or a deployment built from the wrong template), a warning elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from confwarden.config.spec import FieldSpec, Problem, Severity
from confwarden.config.validation.base import Rule, ValidationContext
from confwarden.config.validation.index import field_index
from confwarden.environment.detection import ENVIRONMENT_ALIASES, Environment

__all__ = ["UnreadVariantRule", "variant_names"]

_TEMPLATE = "{ENVIRONMENT}"
# Abbreviations seen in variable names that are not ENVIRONMENT aliases.
_ABBREVIATIONS = {"prd": Environment.PRODUCTION, "stg": Environment.STAGING}


def variant_names(name: str) -> list[tuple[str, Environment]]:
    """The environment-specific spellings of ``name``, with the environment each names.

    Example:
        >>> ("JWT_SECRET_PROD", Environment.PRODUCTION) in variant_names("JWT_SECRET_{ENVIRONMENT}")
        True
    """
    result: list[tuple[str, Environment]] = []
    for alias, environment in {**ENVIRONMENT_ALIASES, **_ABBREVIATIONS}.items():
        suffix = alias.upper()
        if _TEMPLATE in name:
            result.append((name.replace(_TEMPLATE, suffix), environment))
        else:
            result.append((f"{name}_{suffix}", environment))
    return result


_Variants = dict[str, tuple[Environment, tuple[str, ...]]]
_Foreign = dict[str, tuple[Environment, tuple[str, ...], bool]]
_cache: dict[tuple[int, Environment], tuple[Sequence[FieldSpec], _Variants, _Foreign]] = {}


def _variants(fields: Sequence[FieldSpec], environment: Environment) -> tuple[_Variants, _Foreign]:
    """The unread variants of ``fields`` and the declared names of other environments.

    The first maps each unread variant -> (the environment it names, the names read); the
    second each declared name of another environment (``JWT_SECRET_STAGING`` in production)
    -> (that environment, the names read here, whether the field is a secret). Computed
    once per schema tuple and environment, like the field index.
    """
    key = (id(fields), environment)
    hit = _cache.get(key)
    if hit is not None and hit[0] is fields:
        return hit[1], hit[2]
    index = field_index(fields, environment)
    result: _Variants = {}
    foreign: _Foreign = {}
    for spec in fields:
        read = index.names.get(spec.name, ())
        for template in (*spec.env_names, *spec.deprecated_names):
            for variant, named in variant_names(template):
                if variant not in index.known:
                    result.setdefault(variant, (named, read))
            if "{ENVIRONMENT}" in template:
                for other in Environment:
                    name = template.replace("{ENVIRONMENT}", other.value.upper())
                    if other is not environment and name not in index.current:
                        foreign.setdefault(name, (other, read, spec.sensitive))
    if isinstance(fields, tuple):
        if len(_cache) >= 64:
            _cache.clear()
        _cache[key] = (fields, result, foreign)
    return result, foreign


class UnreadVariantRule(Rule):
    """An environment-specific spelling of a declared name is set but never read."""

    code = "variants.unread"
    description = "No environment-specific variable is set and silently ignored."

    def check(self, ctx: ValidationContext) -> Iterator[Problem]:
        """Yield one problem per set, unread variant."""
        if not ctx.fields:
            return
        variants, foreign = _variants(ctx.fields, ctx.environment)
        # The process environment is small next to a schema's variants: walk it.
        for name in sorted(ctx.variables.keys() & variants.keys()):
            environment, read = variants[name]
            yield self._problem(ctx, name, environment, read)
        if ctx.environment.is_deployed:
            for name in sorted(ctx.variables.keys() & foreign.keys()):
                if not ctx.variables[name].strip():
                    continue
                other, read, sensitive = foreign[name]
                kind = "secret" if sensitive else "variable"
                yield self.problem(
                    ctx,
                    name,
                    f"is {other.value}'s {kind}, set in {ctx.environment.value}; it is "
                    f"never read here ({ctx.environment.value} reads {', '.join(read)})",
                    f"Unset {name} in {ctx.environment.value}",
                    critical=True,
                    code="variants.other_environment",
                )

    def _problem(
        self,
        ctx: ValidationContext,
        variant: str,
        environment: Environment,
        read: tuple[str, ...],
    ) -> Problem:
        current = environment is ctx.environment
        names = ", ".join(read) or "its declared names"
        deployed = ctx.environment.is_deployed
        if current:
            message = (
                f"is set but never read: in {ctx.environment.value} this field reads {names} "
                "(environment names are spelled out in variable names)"
            )
            fix = _rename_fix(ctx, variant, read)
        else:
            message = f"is set but never read: it names {environment.value}, not a declared name"
            fix = f"Remove {variant}, or spell the environment out ({names})"
        stops = current or deployed
        return self.problem(
            ctx,
            variant,
            message,
            fix,
            severity=Severity.ERROR if stops else Severity.WARNING,
            critical=True if stops else None,
        )


def _rename_fix(ctx: ValidationContext, variant: str, read: tuple[str, ...]) -> str:
    # "Rename JWT_SECRET_PROD to JWT_SECRET_KEY" is wrong advice when JWT_SECRET_KEY is set
    # already (renaming would overwrite it): say which variable holds the value instead.
    if not read:
        return f"Rename {variant} to the declared name"
    already = [name for name in read if ctx.get(name) is not None]
    if not already:
        return f"Rename {variant} to {read[0]}"
    return (
        f"Unset {variant}: {already[0]} is already set and is what this environment reads "
        f"(if {variant} held the intended value, put it in {already[0]})"
    )
