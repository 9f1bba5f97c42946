"""The variables a loaded config resolved, handed on to the component builders.

``bootstrap(ShopConfig)`` read ``POSTGRES_PASSWORD`` from a mounted secrets file, but the
documented ``DatabaseURLBuilder(get_env().get_all())`` saw only the process environment and
said the password was not set; services wrote their own "config to variables" helpers. A
loaded config now answers :meth:`~confwarden.config.schema.ConfigSchema.variables`: every
variable it was loaded from (process environment, ``.env``, secrets directories,
``*_FILE`` files, remote stores, development fallbacks), each field's schema default under
its variable, and ``ENVIRONMENT``; ``DatabaseURLBuilder.from_config(config)`` is the one
documented call built on it. The mapping masks its secrets in ``repr``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from confwarden.environment.masking import mask_value

if TYPE_CHECKING:
    from confwarden.config.loader import ConfigLoadResult
    from confwarden.config.schema import ConfigSchema
    from confwarden.config.spec import ResolvedValue
    from confwarden.environment.detection import Environment

__all__ = ["ResolvedVariables", "as_text", "load_variables", "resolved_variables"]


class ResolvedVariables(Mapping[str, str]):
    """Variable -> value as the config resolved it, with where each value came from.

    A read-only mapping: pass it to a builder (``DatabaseURLBuilder(variables)``) or read
    a value; its ``repr`` masks every secret (by name and by the schema's marker).

    Attributes:
        origins: variable -> its provenance (``.env file .env:3``, ``secret file ...``),
            quoted by the builders' problems.
    """

    __slots__ = ("_sensitive", "_values", "origins")

    def __init__(
        self,
        values: Mapping[str, str],
        origins: Mapping[str, str],
        sensitive: frozenset[str] = frozenset(),
    ) -> None:
        self._values = dict(values)
        self.origins: dict[str, str] = dict(origins)
        self._sensitive = sensitive

    def __getitem__(self, key: str) -> str:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        shown = {
            key: "***" if key in self._sensitive else mask_value(key, value)
            for key, value in self._values.items()
        }
        return f"ResolvedVariables({shown!r})"


def as_text(value: Any) -> str | None:
    """A field value (or default) written the way a variable holds it; None for what has no
    such form (groups, lists: their raw variable, if any, is kept; no default).

    Example:
        >>> as_text(True), as_text(8080), as_text(None)
        ('true', '8080', None)
    """
    if hasattr(value, "get_secret_value"):
        value = value.get_secret_value()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, str | int | float | PurePath):
        return str(value)
    return None


def load_variables(load: ConfigLoadResult) -> ResolvedVariables:
    """The variables of one load (``config.variables()`` when the config could be built,
    else what was loaded: the command line shows a URL even beside other fields' errors)."""
    if load.config is not None:
        found = load.config.variables()
        if isinstance(found, ResolvedVariables):
            return found
    return resolved_variables(None, (load.values, load.variables, load.environment))


def resolved_variables(
    config: ConfigSchema | None,
    loaded: tuple[Mapping[str, ResolvedValue], Mapping[str, str], Environment] | None,
) -> ResolvedVariables:
    """The variables of ``config``: those it was loaded from, then every simple field's
    value (loaded or default) under its canonical variable, then ``ENVIRONMENT``."""
    values: dict[str, str] = {}
    origins: dict[str, str] = {}
    if loaded is not None:
        records, variables, environment = loaded
        values.update(variables)
        for record in records.values():
            if record.variable is not None and record.raw is not None:
                origins[record.variable] = str(record.source)
    sensitive: set[str] = set()
    for spec in type(config).__confwarden_fields__ if config is not None else ():
        if spec.sensitive:
            sensitive.update(spec.env_names)
        text = as_text(getattr(config, spec.name))
        if text is not None:
            values[spec.canonical] = text
    if config is None and loaded is not None:
        for record in loaded[0].values():
            if record.variable is not None and record.raw is not None:
                values[record.variable] = record.raw
    if loaded is not None:
        values["ENVIRONMENT"] = environment.value
    return ResolvedVariables(values, origins, frozenset(sensitive))
