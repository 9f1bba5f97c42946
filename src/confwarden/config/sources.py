"""The sources of configuration values and their precedence, defined in one place.

DESIGN.md's precedence, highest first:

1. values set through the API in this process (explicit loader overrides, then variables
   whose source kind is ``SET``);
2. the process environment (kind ``OS``);
3. secret sources (``VAR_FILE`` references, mounted secret directories, then the remote
   stores of ``LoadContext.secret_sources``);
4. ``.env`` files (kind ``DOTENV``), only where the environment's policy loads them;
5. environment fallbacks (generated development secrets, test defaults);
6. schema defaults (not a source: the field's default, recorded as such).

:func:`default_sources` builds that tuple; a schema overrides
:meth:`~confwarden.config.schema.ConfigSchema` ``config_sources`` (see ``loader.py``) or a
caller passes its own tuple to the loader. ``tests/config/test_precedence.py`` pins the order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from confwarden.config.spec import FieldSpec
from confwarden.environment.detection import Environment
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.environment.policy import policy_for
from confwarden.environment.provenance import OS_SOURCE, Source, SourceKind
from confwarden.secrets.base import SourceHit, ValueSource
from confwarden.secrets.files import FileReferenceSource, SecretsDirSource
from confwarden.secrets.mapping import SecretMappings

__all__ = [
    "EnvironmentSource",
    "LoadContext",
    "OverridesSource",
    "default_sources",
]

EnvInput = IsolatedEnvironment | Mapping[str, str]

_ENV_SOURCE_NAMES = {
    SourceKind.SET: "set in code",
    SourceKind.OS: "process environment",
    SourceKind.DOTENV: ".env files",
}


@dataclass(frozen=True)
class LoadContext:
    """Everything a load depends on, passed in (no hidden ``os.environ`` reads).

    Attributes:
        environment: the target environment.
        env: an :class:`IsolatedEnvironment` (provenance per variable) or a plain mapping
            (every variable counts as process environment).
        overrides: values set in code for this load (highest precedence).
        secret_dirs: mounted secret directories to read.
        override_source: the provenance of ``overrides``.
        fields: the fields being loaded (fallbacks need their metadata).
        include_dotenv: read ``.env`` values even where the policy does not (tools judging
            a ``.env.staging`` file for staging).
        secret_mappings: the project's variable -> stored secret table, added to the
            schema's ``Env(secret=...)`` mappings (mounted files are also looked up by it).
        secret_sources: remote secret stores (Secret Manager, Vault, etcd), highest first;
            they rank with the mounted secrets, below the process environment.
    """

    environment: Environment
    # Raw variables, secrets among them: never in the repr.
    env: EnvInput = field(repr=False)
    overrides: Mapping[str, str] = field(default_factory=dict, repr=False)
    secret_dirs: Sequence[str | os.PathLike[str]] = ()
    override_source: Source = field(default_factory=lambda: Source(SourceKind.SET, "overrides"))
    fields: tuple[FieldSpec, ...] = ()
    include_dotenv: bool = False
    secret_mappings: SecretMappings | None = None
    secret_sources: Sequence[ValueSource] = ()

    def get(self, variable: str) -> str | None:
        """Read a variable from ``env`` (for sources such as ``VAR_FILE``)."""
        return self.env.get(variable)

    def all_variables(self) -> dict[str, str]:
        """A snapshot of every variable in ``env``."""
        if isinstance(self.env, IsolatedEnvironment):
            return self.env.get_all()
        return dict(self.env)


class OverridesSource(ValueSource):
    """Values set in code for one load (``bootstrap(overrides=...)``, tests)."""

    kind = SourceKind.SET
    name = "overrides"

    def __init__(self, values: Mapping[str, str], source: Source | None = None) -> None:
        self._values = values
        self._source = source or Source(SourceKind.SET, "overrides")

    def lookup(self, variable: str) -> SourceHit | None:
        """The override for ``variable``, if any."""
        value = self._values.get(variable)
        return None if value is None else SourceHit(variable, value, self._source)

    def is_empty(self) -> bool:
        """True without overrides."""
        return not self._values

    def known_variables(self) -> Mapping[str, str]:
        """Every override."""
        return self._values


class EnvironmentSource(ValueSource):
    """The variables of an environment whose provenance is of one kind.

    One :class:`IsolatedEnvironment` holds values set in code, inherited from the process and
    loaded from ``.env``; splitting it by kind puts secret sources between the process
    environment and ``.env`` files, as DESIGN.md orders them. A plain mapping counts as the
    process environment.
    """

    def __init__(self, env: EnvInput, kind: SourceKind) -> None:
        self.kind = kind
        self.name = _ENV_SOURCE_NAMES.get(kind, kind.value)
        self._env = env
        self._isolated = env if isinstance(env, IsolatedEnvironment) else None

    def lookup_function(self) -> Callable[[str], SourceHit | None]:
        """A lookup specialised for a plain mapping (the loader's hot path)."""
        if self._isolated is not None or self.kind is not SourceKind.OS:
            return self.lookup
        get = self._env.get

        def lookup(variable: str) -> SourceHit | None:
            value = get(variable)
            return None if value is None else SourceHit(variable, value, OS_SOURCE)

        return lookup

    def is_empty(self) -> bool:
        """A plain mapping only holds process-environment values."""
        return self._isolated is None and self.kind is not SourceKind.OS

    def lookup(self, variable: str) -> SourceHit | None:
        """The value of ``variable`` when its provenance is this source's kind."""
        value = self._env.get(variable)
        if value is None:
            return None
        if self._isolated is None:
            return SourceHit(variable, value, OS_SOURCE) if self.kind is SourceKind.OS else None
        origin = self._isolated.get_variable_source(variable) or OS_SOURCE
        return SourceHit(variable, value, origin) if origin.kind is self.kind else None


def _names(env: EnvInput) -> Iterable[str]:
    return env.get_all() if isinstance(env, IsolatedEnvironment) else env.keys()


def default_sources(context: LoadContext) -> tuple[ValueSource, ...]:
    """DESIGN.md's precedence for ``context``, highest first (schema defaults are implicit).

    Example:
        >>> ctx = LoadContext(Environment.PRODUCTION, {})
        >>> [s.name for s in default_sources(ctx)]
        ['overrides', 'set in code', 'process environment', 'VAR_FILE references']
    """
    from confwarden.config.fallbacks import FallbackSource

    policy = policy_for(context.environment)
    sources: list[ValueSource] = [
        OverridesSource(context.overrides, context.override_source),
        EnvironmentSource(context.env, SourceKind.SET),
        EnvironmentSource(context.env, SourceKind.OS),
        FileReferenceSource(context.get, _names(context.env)),
    ]
    if context.secret_dirs:
        mappings = SecretMappings.from_fields(context.fields)
        if context.secret_mappings is not None:
            mappings = mappings.merged(context.secret_mappings)
        aliases = mappings.aliases(context.environment)
        sources.extend(SecretsDirSource(d, aliases=aliases) for d in context.secret_dirs)
    sources.extend(context.secret_sources)
    if policy.load_dotenv or context.include_dotenv:
        sources.append(EnvironmentSource(context.env, SourceKind.DOTENV))
    if policy.fallbacks_allowed:
        sources.append(FallbackSource(context.environment, context.fields))
    return tuple(sources)
