"""What the configuration layer knows about one field: the contract between its modules.

The schema (``schema.py``) produces one :class:`FieldSpec` per field from the typed classes;
the loader resolves values for it; validation rules, the health score, the dependency map and
``confwarden docs`` read the metadata. Keeping the record here, free of pydantic, lets every
one of those modules depend on it without depending on each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from enum import StrEnum

from confwarden.environment.detection import Environment
from confwarden.environment.provenance import Source

# One problem class and one severity for every layer (``confwarden.problems``); re-exported
# here, where the configuration layer's modules and users have always imported them.
from confwarden.problems import Problem, Severity

__all__ = [
    "ALL_ENVIRONMENTS",
    "DEPLOYED",
    "FieldSpec",
    "Problem",
    "ResolvedValue",
    "Severity",
    "ValidationMode",
]

ALL_ENVIRONMENTS = frozenset(Environment)
DEPLOYED = frozenset({Environment.STAGING, Environment.PRODUCTION})


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """Metadata of one configuration field.

    Attributes:
        name: the attribute name on the config class (``jwt_secret_key``).
        env_names: the variables it binds to, in lookup order; the first is canonical. A
            name may contain ``{ENVIRONMENT}``, replaced by the upper-case environment name
            (``JWT_SECRET_{ENVIRONMENT}``).
        deprecated_names: older variable names still read, with a warning naming the new one.
        sensitive: the value is a secret (masked everywhere).
        critical: a missing or invalid value stops startup under ENFORCE_CRITICAL.
        required_in: environments where the field must have a value.
        restart_required: a change only takes effect after a restart (no hot reload).
        description: one line for docs and error messages.
        example: an example value for docs and ``.env.example`` (never a real secret).
        group: a section name for docs and summaries (``database``, ``auth``...).
        fallback_allowed: whether a development/testing fallback may fill it in.
        secret: the stored secret feeding every name of the field, ``{environment}``
            filled in (``jwt-secret-key-{environment}``); see ``confwarden.secrets.mapping``.
        multiple: the field holds a list (``a,b`` or a JSON array): rules judge each item.
        nested_delimiter: for a nested group, the separator of its key variables
            (``SHOP_PAYMENT__PROVIDER`` with ``"__"``); None otherwise.
    """

    name: str
    env_names: tuple[str, ...]
    deprecated_names: tuple[str, ...] = ()
    sensitive: bool = False
    critical: bool = False
    required_in: frozenset[Environment] = frozenset()
    restart_required: bool = False
    description: str = ""
    example: str | None = None
    group: str = "general"
    fallback_allowed: bool = True
    secret: str | None = None
    multiple: bool = False
    nested_delimiter: str | None = None

    @property
    def canonical(self) -> str:
        """The canonical variable name (the first of ``env_names``)."""
        return self.env_names[0]

    def variable_names(self, environment: Environment) -> tuple[str, ...]:
        """``env_names`` then ``deprecated_names``, with ``{ENVIRONMENT}`` filled in."""
        upper = environment.value.upper()
        return tuple(n.replace("{ENVIRONMENT}", upper) for n in self.env_names) + tuple(
            n.replace("{ENVIRONMENT}", upper) for n in self.deprecated_names
        )

    def is_required(self, environment: Environment) -> bool:
        """True when the field must have a value in ``environment``."""
        return environment in self.required_in


@dataclass(frozen=True, slots=True)
class ResolvedValue:
    """The value chosen for one field and the whole chain behind it.

    Attributes:
        field: the field name.
        variable: the variable the value was read from (None for defaults).
        raw: the value as a string, before type conversion (None when unset everywhere).
        source: where it came from.
        overridden: lower-precedence candidates that lost, as ``(variable, source)``.
        deprecated_name_used: the deprecated variable name that supplied it, if any.
    """

    field: str
    variable: str | None
    raw: str | None = dataclass_field(repr=False)  # may be a secret: never in repr
    source: Source
    overridden: tuple[tuple[str, Source], ...] = ()
    deprecated_name_used: str | None = None


class ValidationMode(StrEnum):
    """How strictly problems stop startup (spec/003 "Configuration Validation").

    * ``WARN``: every problem is a warning (development, testing).
    * ``ENFORCE_CRITICAL``: problems of critical fields are errors, the rest warnings (staging).
    * ``ENFORCE_ALL``: every problem is an error (production).
    """

    WARN = "warn"
    ENFORCE_CRITICAL = "enforce_critical"
    ENFORCE_ALL = "enforce_all"
