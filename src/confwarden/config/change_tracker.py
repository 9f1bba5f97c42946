"""ChangeTracker: every change of an environment at runtime, masked, critical ones flagged.

spec/003 "Audit changes - track sources and callbacks" and "Alert System: immediate
notifications on critical configuration changes". The tracker is an
:class:`~confwarden.environment.isolated.IsolatedEnvironment` change callback; each change is
classified by :func:`~confwarden.config.changes.classify_change` (the same rules as
``check_change``), kept in a bounded history with its source and time, and passed to the
tracker's own listeners when it concerns a critical variable or breaks something.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from confwarden.config.changes import Change, ChangeClass, classify_change, specs_by_variable
from confwarden.config.dependencies import ConfigDependencyMap
from confwarden.config.spec import FieldSpec
from confwarden.environment.detection import Environment
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.environment.known import forms_of, mask_forms
from confwarden.environment.masking import MASK, is_sensitive_name, mask_text
from confwarden.environment.secret_values import secret_parts

__all__ = ["ChangeListener", "ChangeTracker", "TrackedChange"]

logger = logging.getLogger("confwarden.config.changes")


@dataclass(frozen=True, slots=True)
class TrackedChange:
    """A change seen at runtime.

    Attributes:
        change: the classified change (values masked).
        source: who made it (the ``source`` of ``IsolatedEnvironment.set``, file and line).
        timestamp: when, from the tracker's clock.
    """

    change: Change
    source: str
    timestamp: float

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form."""
        return {**self.change.to_dict(), "source": self.source, "timestamp": self.timestamp}


ChangeListener = Callable[[TrackedChange], None]


class ChangeTracker:
    """Record every change of an :class:`IsolatedEnvironment`, masked, and flag critical ones.

    The tracker is itself a change callback: ``env.add_change_callback(tracker)`` or
    :meth:`attach`. Changes to critical variables (and breaking changes) are passed to the
    listeners added with :meth:`add_callback`; a failing listener is logged, never raised.

    Args:
        environment: the environment the changes happen in (for classification).
        dependency_map: what depends on what; the built-in map by default.
        fields: schema fields, for criticality and sensitivity.
        clock: the time source (injectable for tests).
        max_records: how many changes to keep (oldest dropped first).

    Example:
        >>> env = IsolatedEnvironment(environ={}, isolated=True)
        >>> tracker = ChangeTracker()
        >>> tracker.attach(env)
        >>> env.set("SERVICE_SECRET", "s" * 40, source="doc")
        >>> [(r.change.variable, r.change.after) for r in tracker.records]
        [('SERVICE_SECRET', '***')]
    """

    def __init__(
        self,
        *,
        environment: Environment | None = None,
        dependency_map: ConfigDependencyMap | None = None,
        fields: Sequence[FieldSpec] = (),
        clock: Callable[[], float] = time.time,
        max_records: int = 1000,
    ) -> None:
        self.environment = environment
        self.dependency_map = dependency_map or (
            ConfigDependencyMap.from_fields(fields) if fields else ConfigDependencyMap()
        )
        self._specs = specs_by_variable(fields, environment)
        self._clock = clock
        self._max = max_records
        self._lock = threading.Lock()
        self._records: list[TrackedChange] = []
        self._listeners: list[ChangeListener] = []
        self.callback_errors: list[str] = []
        # The environments attached: a listener's error is masked against all their secrets.
        self._attached: list[IsolatedEnvironment] = []
        # Secrets seen so far (learnt at attach and from each change, never by rescanning
        # an environment per change), to mask a copy of one in the records.
        self._secrets: set[str] = set()
        self._forms: frozenset[str] | None = frozenset()

    def __call__(self, key: str, old: str | None, new: str | None, source: str) -> None:
        """Record one change (the :data:`~confwarden.environment.isolated.ChangeCallback`
        signature)."""
        with self._lock:
            attached = tuple(self._attached)
        change = classify_change(
            key,
            old,
            new,
            environment=self.environment,
            dependency_map=self.dependency_map,
            spec=self._specs.get(key),
            # A schema secret marked on the environment (bootstrap does) is one here too.
            sensitive=any(env.is_sensitive(key) for env in attached),
        )
        self._learn(key, (old, new))
        change = self._masked(change)
        record = TrackedChange(change, source, self._clock())
        with self._lock:
            self._records.append(record)
            del self._records[: -self._max]
            listeners = tuple(self._listeners)
        if change.critical or change.classification is ChangeClass.BREAKING:
            self._flag(listeners, record, (old, new))

    def _flag(
        self,
        listeners: tuple[ChangeListener, ...],
        record: TrackedChange,
        values: tuple[str | None, str | None],
    ) -> None:
        for listener in listeners:
            try:
                listener(record)
            except Exception as exc:
                message = mask_text(
                    f"change listener failed for {record.change.variable}: "
                    f"{type(exc).__name__}: {exc}",
                    [
                        *values,
                        *(part for v in values if v for part in secret_parts(v)),
                        *self._known_secrets(),
                    ],
                )
                logger.warning("%s", message)
                with self._lock:
                    self.callback_errors.append(message)

    def _learn(self, key: str, values: Sequence[str | None]) -> None:
        """Remember the secrets of one change: whole values of a sensitive variable, and the
        secret parts (a URL password) of any value."""
        spec = self._specs.get(key)
        whole = is_sensitive_name(key) or (spec is not None and spec.sensitive)
        with self._lock:
            whole = whole or any(env.is_sensitive(key) for env in self._attached)
        found = {v for v in values if v} if whole else set()
        found.update(part for v in values if v for part in secret_parts(v))
        if found:
            with self._lock:
                if not found <= self._secrets:
                    self._secrets |= found
                    self._forms = None

    def _masked(self, change: Change) -> Change:
        """``change`` with a value copied from a secret (``COPY`` set to the JWT secret's
        value) masked too: the name of a copy says nothing."""
        if not any(value and value != MASK for value in (change.before, change.after)):
            return change
        with self._lock:
            forms = self._forms
            if forms is None:
                forms = self._forms = forms_of(self._secrets)
        if not forms:
            return change
        return dataclasses.replace(
            change,
            before=mask_forms(change.before, forms) if change.before else change.before,
            after=mask_forms(change.after, forms) if change.after else change.after,
        )

    def _known_secrets(self) -> list[str]:
        with self._lock:
            attached = list(self._attached)
        return [secret for env in attached for secret in env.known_secrets()]

    def attach(self, env: IsolatedEnvironment) -> None:
        """Start recording ``env``'s changes."""
        known = env.known_secrets()
        with self._lock:
            self._attached.append(env)
            self._secrets |= known
            self._forms = None
        env.add_change_callback(self)

    def detach(self, env: IsolatedEnvironment) -> None:
        """Stop recording ``env``'s changes."""
        env.remove_change_callback(self)
        with self._lock:
            if env in self._attached:
                self._attached.remove(env)

    def add_callback(self, listener: ChangeListener) -> None:
        """Call ``listener(tracked_change)`` for every critical or breaking change."""
        with self._lock:
            self._listeners.append(listener)

    def remove_callback(self, listener: ChangeListener) -> None:
        """Stop calling ``listener``; unknown listeners are ignored."""
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    @property
    def records(self) -> list[TrackedChange]:
        """Every recorded change, oldest first."""
        with self._lock:
            return list(self._records)

    @property
    def critical_changes(self) -> list[TrackedChange]:
        """The recorded changes that were flagged."""
        return [
            r
            for r in self.records
            if r.change.critical or r.change.classification is ChangeClass.BREAKING
        ]

    def clear(self) -> None:
        """Forget every recorded change."""
        with self._lock:
            self._records.clear()

    def __repr__(self) -> str:
        return f"<ChangeTracker records={len(self._records)}>"
