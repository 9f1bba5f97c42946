"""ConfigurationValidator: run every rule, sort problems by mode, score the outcome.

spec/003 "Configuration Validation Flow": required variables, formats, secrets, consistency,
then one :class:`ValidationResult` with every problem at once. The rules find problems; this
module decides what they mean in a validation mode (DESIGN.md: development and testing
WARN, staging ENFORCE_CRITICAL, production ENFORCE_ALL) and makes sure a broken rule costs a
reported problem, never a crashed startup.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Sequence

from confwarden.config.health import compute_health
from confwarden.config.spec import Problem, Severity, ValidationMode
from confwarden.config.validation.base import Rule, ValidationContext, ValidationResult
from confwarden.environment.masking import mask_text
from confwarden.environment.secret_values import secret_parts

__all__ = ["ConfigurationValidator", "default_rules", "is_error_in_mode", "rules_for"]

logger = logging.getLogger("confwarden.config.validation")


def default_rules() -> tuple[Rule, ...]:
    """One instance of every built-in rule, in the order of spec/003's validation flow.

    Rules about one platform's variables (OAuth naming, LLM key shapes) are not built in: a
    schema adds them in ``__confwarden_rules__`` (see :func:`rules_for`).
    """
    from confwarden.config.validation.components import ComponentRule
    from confwarden.config.validation.consistency import ConsistencyRule
    from confwarden.config.validation.database import DatabaseRule
    from confwarden.config.validation.defaults import LibraryDefaultRule
    from confwarden.config.validation.environment import DeployedUrlRule
    from confwarden.config.validation.jwt import JwtSecretRule
    from confwarden.config.validation.numbers import NumberRule
    from confwarden.config.validation.ports import PortRule
    from confwarden.config.validation.required import RequiredRule
    from confwarden.config.validation.secrets import SecretStrengthRule
    from confwarden.config.validation.unknown import UnknownVariableRule
    from confwarden.config.validation.urls import UrlFormatRule
    from confwarden.config.validation.variants import UnreadVariantRule

    return (
        RequiredRule(),
        DatabaseRule(),
        ComponentRule(),
        JwtSecretRule(),
        UrlFormatRule(),
        DeployedUrlRule(),
        NumberRule(),
        SecretStrengthRule(),
        LibraryDefaultRule(),
        PortRule(),
        ConsistencyRule(),
        UnknownVariableRule(),
        UnreadVariantRule(),
    )


def rules_for(schema: type) -> tuple[Rule, ...]:
    """The built-in rules plus the rules ``schema`` adds in ``__confwarden_rules__``.

    A preset or a project registers its own rule families on its schema, so the core
    validator never runs one platform's rules on another project::

        class AppConfig(ServiceConfig):
            __confwarden_rules__ = (OAuthRule(), LlmKeyFormatRule())

    Example:
        >>> class Plain: ...
        >>> rules_for(Plain) == default_rules()
        True
    """
    # Collected along the MRO: a schema mixing a preset (its own rules) with an included
    # settings class (its own rules) keeps both; a subclass's rule of a type replaces its
    # parents'.
    own: dict[type[Rule], Rule] = {}
    for klass in getattr(schema, "__mro__", (schema,)):
        for rule in vars(klass).get("__confwarden_rules__", ()):
            own.setdefault(type(rule), rule)
    return (*default_rules(), *own.values())


def is_error_in_mode(problem: Problem, mode: ValidationMode) -> bool:
    """Whether ``problem`` stops startup in ``mode``.

    * every mode: a ``blocking`` problem (a set value that cannot be converted).
    * WARN: nothing else.
    * ENFORCE_CRITICAL: an ``error``-severity problem on a critical field (or marked critical
      by its rule).
    * ENFORCE_ALL: every ``error``-severity problem; warnings stay warnings.
    """
    if problem.blocking:
        return True
    if mode is ValidationMode.WARN or problem.severity is not Severity.ERROR:
        return False
    if mode is ValidationMode.ENFORCE_CRITICAL:
        return problem.critical
    return True


class ConfigurationValidator:
    """Validate a configuration against every rule and sort the problems by mode.

    Args:
        mode: the validation mode; None uses the environment's default from its policy.
        rules: the rules to run; None runs :func:`default_rules`. Pass extra rules with
            ``rules=[*default_rules(), MyRule()]``.

    Example:
        >>> from confwarden.environment.detection import Environment
        >>> ctx = ValidationContext.from_variables(Environment.DEVELOPMENT, {})
        >>> ConfigurationValidator().validate(ctx).is_valid
        True
    """

    def __init__(
        self, mode: ValidationMode | None = None, *, rules: Sequence[Rule] | None = None
    ) -> None:
        self.mode = mode
        self.rules: tuple[Rule, ...] = tuple(default_rules() if rules is None else rules)

    def mode_for(self, ctx: ValidationContext) -> ValidationMode:
        """The mode used for ``ctx``: the explicit one, else the environment's default."""
        if self.mode is not None:
            return self.mode
        return ValidationMode(ctx.policy.validation_mode)

    def collect(self, ctx: ValidationContext) -> list[Problem]:
        """Every problem of every rule plus ``ctx.extra_problems``, deduplicated, in order.

        ``critical`` is set on problems about critical fields, so the mode can see it. One
        problem per cause: a value the loader could not convert (``schema.type``, blocking in
        every environment) is not judged again by the rules (``SHOP_PORT=8080,9090`` is not
        also "not a port number").
        """
        problems: list[Problem] = []
        unusable: set[str] = set()
        for problem in ctx.extra_problems:
            problems.append(problem)
            if problem.rule == _UNCONVERTIBLE:
                unusable.add(problem.variable)
        for rule in self.rules:
            found = self._run(rule, ctx)
            problems.extend(p for p in found if p.variable not in unusable)
        # Keyed without the rule: a component's finding and a rule's read alike when they
        # come from the same table (a weak password), and are one problem.
        seen: set[tuple[str, str]] = set()
        result: list[Problem] = []
        for problem in problems:
            key = (problem.variable, problem.message)
            if key in seen:
                continue
            seen.add(key)
            result.append(_mark_critical(problem, ctx))
        return result

    def validate(self, ctx: ValidationContext) -> ValidationResult:
        """Run every rule on ``ctx`` and return every problem at once, with a health score.

        Never raises for a bad configuration: call
        :meth:`ValidationResult.raise_for_errors` to fail fast.
        """
        mode = self.mode_for(ctx)
        errors: list[Problem] = []
        warnings: list[Problem] = []
        for problem in self.collect(ctx):
            (errors if is_error_in_mode(problem, mode) else warnings).append(problem)
        health = compute_health(errors, warnings)
        return ValidationResult(
            errors=errors,
            warnings=warnings,
            mode=mode,
            environment=ctx.environment,
            health_score=health.score,
            deductions=health.deductions,
        )

    def _run(self, rule: Rule, ctx: ValidationContext) -> Iterable[Problem]:
        try:
            return list(rule.check(ctx))
        except Exception as exc:
            # A broken rule must not take startup down with it, nor leak what it was
            # looking at: the exception text may quote a value, so every value is masked.
            values = ctx.variables.values()
            parts = (part for value in values if value for part in secret_parts(value))
            text = mask_text(f"{type(exc).__name__}: {exc}", [*values, *parts])
            logger.warning("validation rule %s crashed: %s", rule.code, text)
            return [
                Problem(
                    variable="(validation)",
                    origin=f"rule {type(rule).__name__}",
                    message=f"the rule {rule.code} crashed ({text}) and checked nothing",
                    fix="Report this bug; the configuration was not checked by this rule",
                    rule=rule.code,
                    severity=Severity.ERROR,
                    critical=False,
                )
            ]

    def __repr__(self) -> str:
        mode = self.mode.value if self.mode else "by environment"
        return f"<ConfigurationValidator mode={mode} rules={len(self.rules)}>"


_UNCONVERTIBLE = "schema.type"  # the loader's problem for a set value it cannot convert


def _mark_critical(problem: Problem, ctx: ValidationContext) -> Problem:
    if problem.critical:
        return problem
    spec = ctx.spec_for(problem.variable)
    if spec is None or not spec.critical:
        return problem
    return dataclasses.replace(problem, critical=True)
