"""Configuration validation: rules, the validator and its result (spec/003 "Configuration
Validation").

One module per rule family (``database``, ``jwt``, ``environment``, ``urls``,
``secrets``, ``ports``, ``consistency``, ``unknown``, ``required``) over the small
:class:`Rule` base class in ``base``; :class:`ConfigurationValidator` runs them, sorts their
problems into errors and warnings by :class:`~confwarden.config.spec.ValidationMode`, and
scores the outcome with :mod:`confwarden.config.health`.

Example:
    >>> from confwarden.environment.detection import Environment
    >>> ctx = ValidationContext.from_variables(Environment.STAGING, {"SECRET_KEY": "too-short"})
    >>> result = ConfigurationValidator().validate(ctx)
    >>> [p.rule for p in result.problems]
    ['secrets.length']
"""

from __future__ import annotations

from confwarden.config.spec import Problem, Severity, ValidationMode
from confwarden.config.validation.base import (
    ConfigItem,
    Rule,
    ValidationContext,
    ValidationResult,
)
from confwarden.config.validation.validator import (
    ConfigurationValidator,
    default_rules,
    is_error_in_mode,
    rules_for,
)

__all__ = [
    "ConfigItem",
    "ConfigurationValidator",
    "Problem",
    "Rule",
    "Severity",
    "ValidationContext",
    "ValidationMode",
    "ValidationResult",
    "default_rules",
    "is_error_in_mode",
    "rules_for",
]
