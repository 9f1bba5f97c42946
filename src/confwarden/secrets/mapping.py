"""Which stored secret feeds which variable: the project's secret mappings.

A deployment names secrets after the credential and the environment
(``jwt-secret-key-production``) while services read variables (``JWT_SECRET_KEY``). The
project declares that link once, and every secret source (mounted files, Google Secret
Manager, Vault) and every deploy tool (``confwarden secrets plan|check``) reads it:

* in the schema, on the field: ``Env("JWT_SECRET_KEY", secret="jwt-secret-key-{environment}")``
  maps every variable name of the field (so both naming conventions of one credential always
  point at the same secret);
* in ``pyproject.toml``, for variables a schema does not own::

      [tool.confwarden.secret_mappings]
      CLICKHOUSE_URL = "clickhouse-url-{environment}"
      "OAUTH_CLIENT_ID_{ENVIRONMENT}" = "oauth-client-id-{environment}"

      [tool.confwarden.secret_versions]   # pinned versions, by stored secret name
      jwt-secret-key-production = "7"

``{environment}`` in a secret name is the lower-case environment, ``{ENVIRONMENT}`` in a
variable name the upper-case one. The library itself maps nothing: a platform's table lives
in its preset (``confwarden.presets.agent_platform.secret_mappings``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple, Protocol

from confwarden.environment.detection import Environment
from confwarden.errors import ConfigurationError

__all__ = [
    "SecretMappings",
    "SecretRef",
    "environments_named_in",
    "variable_is_for_other_environment",
]

LATEST = "latest"
_SECRET_NAME = re.compile(r"^[A-Za-z0-9_./{}-]{1,255}$")
_VERSION = re.compile(r"^(latest|[1-9][0-9]{0,18})$")
_TOKENS = re.compile(r"[^a-z0-9]+")
# Words in a secret or variable name that tie it to one environment.
_ENVIRONMENT_WORDS: dict[str, Environment] = {
    "production": Environment.PRODUCTION,
    "prod": Environment.PRODUCTION,
    "prd": Environment.PRODUCTION,
    "staging": Environment.STAGING,
    "stage": Environment.STAGING,
    "stg": Environment.STAGING,
    "development": Environment.DEVELOPMENT,
    "dev": Environment.DEVELOPMENT,
    "testing": Environment.TESTING,
}


class SecretRef(NamedTuple):
    """One stored secret: its name in the store and the version to read.

    Attributes:
        name: the store's name (``jwt-secret-key-staging``; a Vault path, ``path#key``).
        version: ``"latest"`` or a pinned version number.
    """

    name: str
    version: str = LATEST

    @property
    def pinned(self) -> bool:
        """True when a fixed version is read (it cannot change while the service runs)."""
        return self.version != LATEST

    def __str__(self) -> str:
        return f"{self.name}:{self.version}"


class _FieldLike(Protocol):
    """What a mapping needs of a schema field (``confwarden.config.spec.FieldSpec``)."""

    @property
    def env_names(self) -> tuple[str, ...]: ...
    @property
    def deprecated_names(self) -> tuple[str, ...]: ...
    @property
    def secret(self) -> str | None: ...


def environments_named_in(name: str) -> frozenset[Environment]:
    """The environments a secret or variable name mentions (``jwt-key-staging`` -> staging).

    Example:
        >>> sorted(environments_named_in("google-oauth-client-id-staging"))
        [<Environment.STAGING: 'staging'>]
    """
    words = _TOKENS.split(name.lower())
    return frozenset(_ENVIRONMENT_WORDS[w] for w in words if w in _ENVIRONMENT_WORDS)


def variable_is_for_other_environment(variable: str, environment: Environment) -> bool:
    """True for ``OAUTH_CLIENT_ID_STAGING`` in production: not this deployment's name."""
    named = environments_named_in(variable)
    return bool(named) and environment not in named


class SecretMappings:
    """Variable -> stored secret, for every environment (immutable).

    Args:
        templates: variable (may contain ``{ENVIRONMENT}``) -> secret name template (may
            contain ``{environment}``).
        versions: stored secret name -> pinned version; unlisted secrets read ``latest``.

    Raises:
        ConfigurationError: a name or version is malformed (every one listed).

    Example:
        >>> m = SecretMappings({"JWT_SECRET_KEY": "jwt-secret-key-{environment}"},
        ...                    versions={"jwt-secret-key-production": "7"})
        >>> str(m.resolve("JWT_SECRET_KEY", Environment.PRODUCTION))
        'jwt-secret-key-production:7'
    """

    __slots__ = ("_expanded", "templates", "versions")

    def __init__(
        self, templates: Mapping[str, str] = {}, *, versions: Mapping[str, str] = {}
    ) -> None:
        problems = [
            f"{variable} = {template!r}: a secret name has 1-255 letters, digits, '-', '_', "
            "'.', '/' (and '{environment}')"
            for variable, template in templates.items()
            if not isinstance(template, str) or not _SECRET_NAME.match(template.split("#")[0])
        ]
        problems += [
            f"{name} = {version!r}: a version is 'latest' or a number"
            for name, version in versions.items()
            if not isinstance(version, str) or not _VERSION.match(version)
        ]
        if problems:
            raise ConfigurationError(
                "invalid secret mappings:\n" + "\n".join(f"  - {p}" for p in problems)
            )
        self.templates: dict[str, str] = dict(templates)
        self.versions: dict[str, str] = dict(versions)
        self._expanded: dict[Environment, dict[str, SecretRef]] = {}

    @classmethod
    def from_fields(
        cls, fields: Iterable[_FieldLike], *, versions: Mapping[str, str] = {}
    ) -> SecretMappings:
        """The mappings a schema declares with ``Env(..., secret="...")``: every name of a
        field (aliases and deprecated names too) maps to the field's secret."""
        templates: dict[str, str] = {}
        for spec in fields:
            secret = getattr(spec, "secret", None)
            if secret:
                for name in (*spec.env_names, *spec.deprecated_names):
                    templates.setdefault(name, secret)
        return cls(templates, versions=versions)

    def merged(self, other: SecretMappings) -> SecretMappings:
        """These mappings with ``other``'s added; ``other`` wins where both map a variable."""
        return SecretMappings(
            {**self.templates, **other.templates}, versions={**self.versions, **other.versions}
        )

    def __bool__(self) -> bool:
        return bool(self.templates)

    def __repr__(self) -> str:
        return f"SecretMappings({len(self.templates)} variables)"

    def for_environment(self, environment: Environment) -> dict[str, SecretRef]:
        """Every variable mapped in ``environment`` -> its secret (templates filled in).

        A variable naming another environment (``..._STAGING`` in production) is left out:
        it is not part of this deployment.
        """
        expanded = self._expanded.get(environment)
        if expanded is None:
            upper, lower = environment.value.upper(), environment.value
            expanded = {}
            for variable, template in self.templates.items():
                name = variable.replace("{ENVIRONMENT}", upper)
                if variable_is_for_other_environment(name, environment):
                    continue
                secret = template.replace("{environment}", lower).replace("{ENVIRONMENT}", upper)
                expanded[name] = SecretRef(secret, self.versions.get(secret, LATEST))
            self._expanded[environment] = expanded
        return expanded

    def resolve(self, variable: str, environment: Environment) -> SecretRef | None:
        """The secret of ``variable`` in ``environment``, or None when it is not mapped."""
        return self.for_environment(environment).get(variable)

    def aliases(self, environment: Environment) -> Callable[[str], tuple[str, ...]]:
        """The stored names of a variable, for ``SecretsDirSource(aliases=...)``."""
        mapping = self.for_environment(environment)

        def aliases(variable: str) -> tuple[str, ...]:
            ref = mapping.get(variable)
            return () if ref is None else (ref.name,)

        return aliases

    @classmethod
    def from_settings(cls, settings: Mapping[str, object], *, where: str) -> SecretMappings:
        """The ``secret_mappings`` and ``secret_versions`` tables of ``[tool.confwarden]``.

        Raises:
            ConfigurationError: a table is not a table of strings (naming ``where``).
        """
        tables: list[dict[str, str]] = []
        for key in ("secret_mappings", "secret_versions"):
            table = settings.get(key, {})
            if not isinstance(table, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in table.items()
            ):
                raise ConfigurationError(
                    f"{where}: [tool.confwarden.{key}] must be a table of strings "
                    '(VARIABLE = "secret-name-{environment}"; secret-name = "7").'
                )
            tables.append(table)
        return cls(tables[0], versions=tables[1])
