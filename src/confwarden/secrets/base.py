"""The one small interface every source of configuration values implements.

Precedence (DESIGN.md) is an ordered tuple of sources; the loader asks each one, per
variable, for a value. Keeping the interface to a single ``lookup(variable)`` is what lets a
remote store (Secret Manager, Vault, etcd) plug in later beside the process environment:

* **lazy, per key**: a source is asked only for the variables a schema declares, never
  listed in bulk, so a store with thousands of secrets costs nothing until one is needed;
* **possibly slow**: ``consult_when_shadowed = False`` tells the loader not to ask this
  source for a variable a higher source already supplied (the provenance chain of a normal
  load then skips it; ``confwarden explain`` asks anyway);
* **possibly failing**: a source raises :class:`SecretSourceError` (or anything else); the
  loader turns it into a configuration problem naming the source, never a crash;
* **possibly batched**: a remote store answers one request per secret; :meth:`prefetch`
  receives every variable of a load first, so the source can fetch them in parallel;
* **possibly changing**: :meth:`status` says whether the source answers, :meth:`watch`
  reports variables that may have changed while the service runs;
* **keyed by variable or by mapping**: a secret store (Secret Manager, Vault) holds secrets
  under names of its own, reached through the project's mappings; a store that keeps each
  variable under its own name (etcd's ``<prefix>JWT_SECRET_KEY``) says so with
  :meth:`key_of`, and deploy checks then read every secret the schema needs without a mapping.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple, Protocol

from confwarden.environment.provenance import Source, SourceKind
from confwarden.errors import ConfwardenError

__all__ = [
    "SecretSourceError",
    "SourceHit",
    "SourceNotConfigured",
    "SourceStatus",
    "Subscription",
    "ValueSource",
]


class SourceHit(NamedTuple):
    """A value one source has for one variable (a tuple: cheap to create on the hot path).

    Attributes:
        variable: the variable asked for.
        value: the raw string value (a secret, possibly: never shown by ``repr``).
        source: its provenance (kind, file:line, secret name and version, code location).
    """

    variable: str
    value: str
    source: Source

    def __repr__(self) -> str:
        return f"SourceHit(variable={self.variable!r}, value='***', source={self.source!r})"


class SourceStatus(NamedTuple):
    """Whether a source answers right now (health checks and reload status show it).

    Attributes:
        name: the source's :attr:`ValueSource.name`.
        up: True when its last attempt succeeded.
        detail: why it is down (or a short note when up); never a secret value.
        last_ok: ``time.time()`` of its last successful answer, None when it never answered.

    Example:
        >>> SourceStatus("etcd 127.0.0.1:2379", False, "connection refused", None).up
        False
    """

    name: str
    up: bool
    detail: str
    last_ok: float | None


class Subscription(Protocol):
    """A running watch (returned by :meth:`ValueSource.watch`); ``close()`` stops it."""

    def close(self) -> None:
        """Stop watching; idempotent, returns once no further callback will start."""


class SecretSourceError(ConfwardenError):
    """A source could not answer (unreachable store, unreadable file, permission denied).

    The message must describe the failure without any secret value: the loader shows it.
    """


class SourceNotConfigured(SecretSourceError):
    """The source lacks what it needs to ask the store at all (no project, no credentials).

    Not an outage: retrying does not help, the deployment must be fixed. ``confwarden
    secrets check`` exits 2 on it, as on any other setting the store cannot use.
    """


class ValueSource:
    """Base class of every configuration source.

    Subclasses set :attr:`kind` and :attr:`name` and implement :meth:`lookup`.

    Attributes:
        kind: the provenance kind of the values this source returns.
        name: a short human name (``"process environment"``, ``"secrets dir /run/secrets"``).
        consult_when_shadowed: ask this source even when a higher source already has the
            variable, to record what was overridden. True for cheap in-memory sources,
            False for slow or remote ones.
    """

    kind: SourceKind = SourceKind.OS
    name: str = "source"
    consult_when_shadowed: bool = True

    def lookup(self, variable: str) -> SourceHit | None:
        """The value of ``variable`` in this source, or None when it has none.

        Raises:
            SecretSourceError: the source failed; the loader reports it as a problem.
        """
        raise NotImplementedError

    def lookup_function(self) -> Callable[[str], SourceHit | None]:
        """The function the loader calls per variable (:meth:`lookup` unless specialised)."""
        return self.lookup

    def is_empty(self) -> bool:
        """True when this source cannot have any value for this load (the loader skips it).

        Only cheap, local knowledge: a remote store answers False and is asked per key.
        """
        return False

    def known_variables(self) -> Mapping[str, str]:
        """Variables this source can list cheaply (for unknown-variable checks); may be empty."""
        return {}

    def prefetch(self, variables: Iterable[str]) -> None:
        """Get ready to answer for ``variables`` (a remote store fetches them in parallel).

        Called by the loader once per load with every variable the schema may read; a
        failure is kept and raised by :meth:`lookup` only if that variable is asked for.
        """

    def key_of(self, variable: str) -> str | None:
        """The key this source keeps ``variable`` under, when it stores variables under their
        own names; None (the default) when it reads secrets through mappings.

        Example:
            >>> ValueSource().key_of("JWT_SECRET_KEY") is None
            True
        """
        return None

    def how_to_write(self, key: str) -> str:
        """How an operator writes ``key`` into this source (the fix of a missing value)."""
        return f"Write {key} in {self.name}"

    def status(self) -> SourceStatus:
        """Whether this source answers (a local source is always up)."""
        return SourceStatus(self.name, True, "", None)

    def watch(self, on_change: Callable[[frozenset[str]], None]) -> Subscription | None:
        """Call ``on_change`` whenever values of this source may have changed.

        ``on_change`` receives the variables that may have changed; an empty set means
        "unknown, re-read everything". It may be called from any thread (a watcher thread
        of the source), possibly more than once per change: it must be cheap and
        thread-safe (:class:`confwarden.config.live.LiveConfig` is).

        Returns:
            A subscription to close, or None when this source cannot change while the
            process runs (the default: the environment, overrides, ``.env`` files).
        """
        return None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"
