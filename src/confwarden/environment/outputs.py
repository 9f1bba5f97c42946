"""What an environment shows and tells: masked explanations, listings, debug info,
subprocess copies, and the change callbacks (whose failures are masked too).

Kept apart from :mod:`confwarden.environment.isolated` so that the class doing the reads and
writes reads as that work; every value leaving through here is masked by
:mod:`confwarden.environment.masking`, including values interpolated from a secret.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING

from confwarden.environment.known import forms_of, mask_forms
from confwarden.environment.masking import MASK, is_sensitive_name, mask_text, mask_value
from confwarden.environment.provenance import OS_SOURCE, Source
from confwarden.environment.results import EnvValidationResult, VariableExplanation
from confwarden.environment.sanitize import sanitize_value
from confwarden.environment.secret_values import secrets_of

__all__ = ["ChangeCallback", "EnvironmentOutputs"]

logger = logging.getLogger("confwarden.environment")

ChangeCallback = Callable[[str, str | None, str | None, str], None]
"""``callback(key, old_value, new_value, source)``; ``new_value`` is None for a deletion."""

_MAX_CALLBACK_ERRORS = 100


class EnvironmentOutputs:
    """The output half of :class:`~confwarden.environment.isolated.IsolatedEnvironment`."""

    if TYPE_CHECKING:
        _lock: threading.RLock
        _environ: MutableMapping[str, str]
        _isolated: bool
        _derived: dict[str, tuple[str, ...]]
        _marked: set[str]
        _overridden: dict[str, list[tuple[Source, str]]]
        _shadowed: dict[str, list[Source]]
        _protected: dict[str, str]
        _loaded_files: list[str]
        _callbacks: list[ChangeCallback]
        callback_errors: list[str]

        def get(self, key: str, default: str | None = None) -> str | None: ...
        def get_all(self) -> dict[str, str]: ...
        def get_variable_source(self, key: str) -> Source | None: ...
        def get_changes_since_init(self) -> dict[str, tuple[str | None, str | None]]: ...

    def is_sensitive(self, key: str) -> bool:
        """True when ``key``'s value is a secret by name or was interpolated from one.

        Example:
            >>> from confwarden.environment.isolated import IsolatedEnvironment
            >>> env = IsolatedEnvironment(environ={}, isolated=True)
            >>> env.is_sensitive("DB_PASSWORD"), env.is_sensitive("LOG_LEVEL")
            (True, False)
        """
        return (
            is_sensitive_name(key)
            or key in self._derived
            or (bool(self._marked) and key.upper() in self._marked)
        )

    def mark_sensitive(self, names: Iterable[str]) -> None:
        """Mask ``names`` like secrets from now on, whatever they are called.

        A schema knows secrets no name rule does (``SHOP_SIGNING`` typed ``SecretStr``);
        tools mark them before loading files, so that copies interpolated from them
        (``COPY=${SHOP_SIGNING}``) are masked too. Names compare case-insensitively.

        Example:
            >>> from confwarden.environment.isolated import IsolatedEnvironment
            >>> env = IsolatedEnvironment(environ={"SHOP_SIGNING": "zebra"}, isolated=True)
            >>> env.mark_sensitive(["SHOP_SIGNING"])
            >>> env.explain("SHOP_SIGNING").value
            '***'
        """
        with self._lock:
            self._marked.update(name.upper() for name in names)

    def known_secrets(self) -> set[str]:
        """Every value this environment knows to be secret: by name, by origin, by shape,
        and the secret parts inside other values (a URL password, ``password=`` of a DSN).

        Free text (callback errors, exception messages) is masked against all of them with
        :func:`~confwarden.environment.masking.mask_text`.

        Example:
            >>> from confwarden.environment.isolated import IsolatedEnvironment
            >>> env = IsolatedEnvironment(environ={}, isolated=True)
            >>> env.set("DB_URL", "postgresql://app:s3cret@db/app", source="doc")
            >>> env.known_secrets()
            {'s3cret'}
        """
        secrets = secrets_of(self.get_all(), self.is_sensitive)
        with self._lock:
            history = [(key, old) for key, olds in self._overridden.items() for _, old in olds]
        for key, old in history:
            secrets |= secrets_of({key: old}, self.is_sensitive)
        return secrets

    def _shown(
        self, key: str, value: str | None, forms: frozenset[str] = frozenset()
    ) -> str | None:
        """``value`` of ``key`` as it may be displayed; ``forms`` (:meth:`_secret_forms`)
        also hides a copy of a secret whatever its name (``COPY`` set to a password)."""
        if value and (key in self._derived or (self._marked and key.upper() in self._marked)):
            return MASK
        shown = mask_value(key, value)
        if forms and shown and shown != MASK:
            return mask_forms(shown, forms)
        return shown

    def _secret_forms(self) -> frozenset[str]:
        return forms_of(self.known_secrets())

    def get_subprocess_env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """A complete environment for ``subprocess``, isolated values included.

        Example:
            >>> from confwarden.environment.isolated import IsolatedEnvironment
            >>> env = IsolatedEnvironment(environ={"PATH": "/bin"}, isolated=True)
            >>> env.set("WORKER_ID", "3", source="doc")
            >>> sorted(env.get_subprocess_env({"EXTRA": "1"}))
            ['EXTRA', 'PATH', 'WORKER_ID']
        """
        result = self.get_all()
        for key, value in (extra or {}).items():
            result[key] = sanitize_value(key, value)
        return result

    def validate_all(self, required: Iterable[str]) -> EnvValidationResult:
        """Check that every ``required`` variable is set and not empty; report all at once."""
        missing: list[str] = []
        empty: list[str] = []
        for key in required:
            value = self.get(key)
            if value is None:
                missing.append(key)
            elif not value.strip():
                empty.append(key)
        return EnvValidationResult(tuple(missing), tuple(empty))

    def explain(self, key: str) -> VariableExplanation:
        """Value (masked), source and override history of ``key``."""
        value = self.get(key)
        forms = self._secret_forms()
        with self._lock:
            return VariableExplanation(
                key=key,
                value=self._shown(key, value, forms),
                source=self.get_variable_source(key),
                overridden=tuple(
                    (src, self._shown(key, old, forms))
                    for src, old in self._overridden.get(key, ())
                ),
                shadowed=tuple(self._shadowed.get(key, ())),
                sensitive=self.is_sensitive(key),
                protected=key in self._protected,
            )

    def iter_variables(self) -> Iterator[tuple[str, str | None, Source]]:
        """``(key, masked value, source)`` for every variable, sorted by key."""
        snapshot = self.get_all()
        forms = self._secret_forms()
        for key in sorted(snapshot):
            shown = self._shown(key, snapshot[key], forms)
            yield key, shown, self.get_variable_source(key) or OS_SOURCE

    def get_debug_info(self) -> dict[str, object]:
        """The state of this environment for debugging; every value masked."""
        changes = self.get_changes_since_init()
        forms = self._secret_forms()
        by_kind: dict[str, int] = {}
        snapshot = self.get_all()
        for key in snapshot:
            kind = (self.get_variable_source(key) or OS_SOURCE).kind.value
            by_kind[kind] = by_kind.get(kind, 0) + 1
        return {
            "isolated": self._isolated,
            "backing": "os.environ" if self._environ is os.environ else "mapping",
            "variable_count": len(snapshot),
            "sources": by_kind,
            "protected": sorted(self._protected),
            "loaded_files": list(self._loaded_files),
            "changes": {
                key: {"before": self._shown(key, old, forms), "after": self._shown(key, new, forms)}
                for key, (old, new) in sorted(changes.items())
            },
            "callbacks": len(self._callbacks),
            "callback_errors": list(self.callback_errors),
        }

    def add_change_callback(self, callback: ChangeCallback) -> None:
        """Call ``callback(key, old, new, source)`` after every change."""
        with self._lock:
            self._callbacks.append(callback)

    def remove_change_callback(self, callback: ChangeCallback) -> None:
        """Stop calling ``callback``; unknown callbacks are ignored."""
        with self._lock:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

    def _notify(
        self,
        callbacks: tuple[ChangeCallback, ...],
        key: str,
        old: str | None,
        new: str | None,
        origin: Source,
    ) -> None:
        source = str(origin)
        for callback in callbacks:
            try:
                callback(key, old, new, source)
            except Exception as exc:  # a callback must never break the set()
                secrets = self.known_secrets()
                secrets.update(v for v in (old, new) if v)
                message = mask_text(
                    f"change callback {getattr(callback, '__qualname__', callback)!s} failed "
                    f"for {key}: {type(exc).__name__}: {exc}",
                    secrets,
                )
                logger.warning("%s", message)
                with self._lock:
                    self.callback_errors.append(message)
                    del self.callback_errors[:-_MAX_CALLBACK_ERRORS]
