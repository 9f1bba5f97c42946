"""What a live configuration reports: changed fields, updates, status, and stand-in sources.

Kept apart from :mod:`confwarden.config.live` (the reload machinery) so that health checks,
servers and tests can use the records without the threads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

from confwarden.config.schema import ConfigSchema
from confwarden.environment.provenance import Source, SourceKind
from confwarden.secrets.base import SecretSourceError, SourceHit, SourceStatus, ValueSource

__all__ = [
    "ConfigUpdate",
    "FieldChange",
    "LiveState",
    "LiveStatus",
    "SnapshotSource",
    "source_failure",
    "with_remote_sources",
]


class FieldChange(NamedTuple):
    """One field whose value changed; ``old``/``new`` are shown values (secrets masked).

    Attributes:
        field: the field name.
        variable: the variable that supplied the new value (or the canonical name).
        old: the previous value as it may be shown.
        new: the new value as it may be shown.
        sensitive: the field is a secret (``old``/``new`` are ``***``).
        restart_required: the change waits for a restart (not applied).
    """

    field: str
    variable: str
    old: str | None
    new: str | None
    sensitive: bool
    restart_required: bool


@dataclass(frozen=True)
class ConfigUpdate:
    """What one reload did (given to callbacks).

    Attributes:
        generation: the number of the snapshot in use after this reload (1 = startup).
        config: the configuration in use after this reload.
        applied: fields whose new value is now in use.
        restart_required: changed fields held back until a restart.
        rejected: why the new snapshot was refused (empty when it was accepted); masked.
        trigger: the variables the sources said may have changed (empty: unknown).
    """

    generation: int
    config: ConfigSchema
    applied: tuple[FieldChange, ...] = ()
    restart_required: tuple[FieldChange, ...] = ()
    rejected: tuple[str, ...] = ()
    trigger: frozenset[str] = frozenset()

    @property
    def accepted(self) -> bool:
        """True unless the new snapshot was rejected."""
        return not self.rejected

    def __repr__(self) -> str:
        return (
            f"<ConfigUpdate generation={self.generation} applied="
            f"{[c.field for c in self.applied]} restart_required="
            f"{[c.field for c in self.restart_required]} rejected={len(self.rejected)}>"
        )


class LiveState(StrEnum):
    """How a live configuration is doing."""

    OK = "ok"
    DEGRADED = "degraded"  # a source is down, or the config came from the on-disk copy
    STOPPED = "stopped"


@dataclass(frozen=True)
class LiveStatus:
    """The health of a live configuration (no secret in it).

    Attributes:
        state: ok, degraded or stopped.
        generation: the snapshot in use.
        sources: every watched source's status.
        from_last_known_good: sources whose values come from the on-disk copy.
        last_reload: ``time.time()`` of the last accepted reload.
        last_rejection: why the last rejected reload was rejected (masked), if any.
        pending_restart: changes waiting for a restart.
    """

    state: LiveState
    generation: int
    sources: tuple[SourceStatus, ...]
    from_last_known_good: tuple[str, ...] = ()
    last_reload: float | None = None
    last_rejection: tuple[str, ...] = ()
    pending_restart: tuple[FieldChange, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (for a health endpoint)."""
        return {
            "state": self.state.value,
            "generation": self.generation,
            "sources": [s._asdict() for s in self.sources],
            "from_last_known_good": list(self.from_last_known_good),
            "last_reload": self.last_reload,
            "last_rejection": list(self.last_rejection),
            "pending_restart": [c._asdict() for c in self.pending_restart],
        }


class SnapshotSource(ValueSource):
    """Fixed values standing in for a source that is down (from the last-known-good copy).

    Example:
        >>> SnapshotSource("etcd", {"LOG_LEVEL": "INFO"}).lookup("LOG_LEVEL").value
        'INFO'
    """

    kind = SourceKind.SECRET
    consult_when_shadowed = False  # as the store it stands in for: asked only when needed

    def __init__(
        self,
        name: str,
        values: Mapping[str, str],
        *,
        path: str | None = None,
        omitted: Sequence[str] = (),
    ) -> None:
        self.name = f"last known good copy of {name}"
        self._down = name
        self._values = dict(values)
        self._omitted = frozenset(omitted)
        self._source = Source(SourceKind.SECRET, detail=self.name, path=path)

    def lookup(self, variable: str) -> SourceHit | None:
        """The saved value of ``variable``, if any.

        Raises:
            SecretSourceError: the source had ``variable`` but its value (a secret) was left
                out of the copy: it cannot be read while the source is down.
        """
        value = self._values.get(variable)
        if value is None and variable in self._omitted:
            raise SecretSourceError(
                f"{variable} is held by {self._down}, which is down, and a secret is never "
                "written to the last-known-good copy. Give it another way to start during the "
                "outage (a mounted secret, the environment), or bring the source back."
            )
        return None if value is None else SourceHit(variable, value, self._source)

    def known_variables(self) -> Mapping[str, str]:
        """Every saved variable."""
        return self._values


def with_remote_sources(
    sources: Sequence[ValueSource], remote: Sequence[ValueSource]
) -> tuple[ValueSource, ...]:
    """Insert ``remote`` where DESIGN.md puts secret sources: before ``.env`` and fallbacks.

    Example:
        >>> from confwarden.config.sources import LoadContext, default_sources
        >>> from confwarden.environment.detection import Environment
        >>> base = default_sources(LoadContext(Environment.PRODUCTION, {}))
        >>> [s.name for s in with_remote_sources(base, [SnapshotSource("etcd", {})])][-1]
        'last known good copy of etcd'
    """
    position = next(
        (
            i
            for i, source in enumerate(sources)
            if source.kind in (SourceKind.DOTENV, SourceKind.FALLBACK)
        ),
        len(sources),
    )
    return (*sources[:position], *remote, *sources[position:])


def source_failure(source: ValueSource, variable: str) -> str | None:
    """Why a remote source does not answer (a first lookup connects a lazy source), or None."""
    try:
        source.lookup(variable)
    except SecretSourceError as exc:
        return str(exc)  # promises no secret: names the source, the reason and the fix
    except Exception as exc:
        return f"{source.name}: {type(exc).__name__}."
    status = source.status()
    return None if status.up else f"{source.name}: {status.detail}."
