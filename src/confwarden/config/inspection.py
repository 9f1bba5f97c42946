"""Load and validate one service's configuration for one environment, without raising.

The building block of the manager, ``bootstrap``, ``confwarden explain`` and
``confwarden doctor``: resolve every field (with provenance), run the validator in the
environment's mode (loader problems such as type errors are handed to it, so type errors
and rule errors come out in one list), and return everything. Deciding whether to fail is
the caller's job: ``bootstrap`` fails fast, ``doctor`` reports.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from confwarden.config.loader import ConfigLoadResult, load_config
from confwarden.config.schema import ConfigSchema, fields_of
from confwarden.config.sources import EnvInput, LoadContext
from confwarden.config.spec import ValidationMode
from confwarden.environment.detection import Environment
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.environment.provenance import Source
from confwarden.errors import ConfigurationError

if TYPE_CHECKING:
    from confwarden.config.validation import ValidationResult
    from confwarden.secrets.base import ValueSource

__all__ = ["ConfigInspection", "inspect_service", "summarize"]


@dataclass(frozen=True)
class ConfigInspection:
    """One service's configuration in one environment, judged.

    Attributes:
        config: the validated config, or None when validation found errors in this mode.
        validation: every problem (loader and rules), by mode, with the health score.
        load: the loader result: values with provenance, every variable seen.
    """

    config: ConfigSchema | None
    validation: ValidationResult
    load: ConfigLoadResult

    @property
    def ok(self) -> bool:
        """True when a config could be built and validation found no errors."""
        return self.config is not None

    def raise_for_errors(self) -> ConfigSchema:
        """The config, or one :class:`ConfigurationError` listing every problem."""
        self.validation.raise_for_errors()
        if self.config is None:  # pragma: no cover - validation above already raised
            raise ConfigurationError(
                f"{self.load.schema.__name__}: the configuration could not be built in "
                f"{self.load.environment.value}"
            )
        return self.config


def inspect_service(
    service_config_class: type[ConfigSchema],
    env_vars: EnvInput | Mapping[str, str],
    environment: Environment,
    *,
    mode: ValidationMode | None = None,
    overrides: Mapping[str, str] | None = None,
    secret_dirs: Sequence[str | os.PathLike[str]] = (),
    secret_sources: Sequence[ValueSource] = (),
    sources: Sequence[ValueSource] | None = None,
    prefix: str | None = None,
    full_chain: bool = False,
    include_dotenv: bool = False,
) -> ConfigInspection:
    """Load and validate a service's configuration for ``environment``; never raises for bad config.

    Args:
        service_config_class: the service's schema base class; its profile for
            ``environment`` is used (``ShopConfig`` -> ``ShopStagingConfig``).
        env_vars: the variables: an IsolatedEnvironment (provenance per variable) or a plain
            mapping (counted as the process environment).
        environment: the environment to judge for (need not be the one detected).
        mode: the validation mode; by default the environment's (DESIGN.md).
        overrides: values set in code (highest precedence).
        secret_dirs: mounted secret directories to read.
        sources: a whole precedence tuple instead of the schema's.
        prefix: the project's variable prefix for unknown-variable checks; by default the
            schema's ``__confwarden_prefix__``.
        full_chain: ask slow sources too, to show everything a value overrode.
        include_dotenv: use ``.env`` values already in ``env_vars`` even where the
            environment's policy does not load ``.env`` files (to judge a ``.env.staging``
            file for staging before it becomes the deployment's environment).

    Example:
        >>> from confwarden.config.common import ServiceConfig
        >>> inspection = inspect_service(ServiceConfig, {}, Environment.PRODUCTION)
        >>> inspection.config is None, inspection.validation.is_valid
        (True, False)
    """
    from confwarden.config.validation import ConfigurationValidator, ValidationContext, rules_for

    schema = service_config_class.for_environment(environment)
    context = LoadContext(
        environment,
        env_vars,
        overrides=dict(overrides or {}),
        secret_dirs=tuple(secret_dirs),
        secret_sources=tuple(secret_sources),
        fields=fields_of(schema),
        include_dotenv=include_dotenv,
    )
    load = load_config(schema, context, sources=sources, full_chain=full_chain)
    validation_context = ValidationContext(
        environment,
        fields_of(schema),
        load.values,
        load.variables,
        prefix if prefix is not None else schema.__confwarden_prefix__,
        extra_problems=tuple(load.problems),
        defaults=schema.__confwarden_defaults__,
        sources=_undeclared_sources(env_vars, ("ENVIRONMENT",)),
    )
    validator = ConfigurationValidator(mode, rules=rules_for(schema))
    validation = validator.validate(validation_context)
    config = load.config if validation.is_valid else None
    return ConfigInspection(config, validation, load)


def summarize(inspection: ConfigInspection, *, service: str) -> dict[str, Any]:
    """The masked, JSON-ready summary of an inspection (what ``get_config_summary`` returns)."""
    load = inspection.load
    validation = inspection.validation
    fields: dict[str, dict[str, Any]] = {}
    for spec in load.fields:
        resolved = load.values[spec.name]
        fields[spec.name] = {
            "variable": resolved.variable or spec.canonical,
            "value": load.shown_value(spec),
            "source": str(resolved.source),
            "group": spec.group,
            "sensitive": spec.sensitive,
        }
    return {
        "service": service,
        "schema": load.schema.__name__,
        "environment": load.environment.value,
        "mode": validation.mode.value,
        "valid": validation.is_valid,
        "health_score": validation.health_score,
        "errors": [str(p) for p in validation.errors],
        "warnings": [str(p) for p in validation.warnings],
        "sources": list(load.sources),
        "fields": fields,
    }


def _undeclared_sources(env_vars: EnvInput, variables: Sequence[str]) -> dict[str, Source]:
    """The origin of a few raw variables rules judge whether or not a field declares them."""
    if not isinstance(env_vars, IsolatedEnvironment):
        return {}
    found: dict[str, Source] = {}
    for variable in variables:
        source = env_vars.get_variable_source(variable)
        if source is not None:
            found[variable] = source
    return found
