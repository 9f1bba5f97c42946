"""IsolatedEnvironment: the one way code reads and writes environment variables.

spec/003 "IsolatedEnvironment System": ``os.environ`` is global mutable state that any code can
change, so a test's change leaks into the next test and nobody knows who set what. This class
puts one door in front of it:

* **Isolation** (development, testing): reads and writes go to an internal dictionary that
  starts as a copy of the process environment; ``os.environ`` is never touched.
* **Pass-through** (staging, production): reads and writes go to ``os.environ`` and are still
  tracked.
* Every value knows its :class:`~confwarden.environment.provenance.Source` and what it
  overrode; protected variables refuse changes; change callbacks see every change; values
  are sanitized on the way in; every output is masked, including values interpolated from
  a secret (``COPY=${DB_PASSWORD}`` in a ``.env`` file).
* Scopes (``with env.scoped():``, ``with env:``) are per thread and per asyncio task
  overlays, see :mod:`confwarden.environment.scopes`.

Reads are a single dictionary lookup on the hot path (plus one integer test for scopes);
bookkeeping happens on writes only.
"""

from __future__ import annotations

import os
import sys
import threading
import weakref
from collections.abc import Mapping, MutableMapping
from contextvars import Token

from confwarden.environment.bulk import BulkOperations
from confwarden.environment.outputs import ChangeCallback, EnvironmentOutputs
from confwarden.environment.provenance import OS_SOURCE, Source, SourceKind, set_source
from confwarden.environment.results import EnvValidationResult, LoadResult, VariableExplanation
from confwarden.environment.sanitize import sanitize_value
from confwarden.environment.scopes import Scope, ScopeBlock, ScopeStack, current_owner
from confwarden.errors import (
    EnvironmentFileError,
    ProtectedVariableError,
)

__all__ = [
    "ChangeCallback",
    "EnvValidationResult",
    "IsolatedEnvironment",
    "LoadResult",
    "VariableExplanation",
]

_MAX_HISTORY = 20  # overridden values remembered per variable, for explain()
_MISSING = object()
_SCOPE_EXIT = Source(SourceKind.SET, "scope exit")


class IsolatedEnvironment(EnvironmentOutputs, BulkOperations):
    """Controlled access to environment variables, with isolation and provenance.

    Args:
        environ: the process environment to start from and, without isolation, to read and
            write. Defaults to ``os.environ``; tests and launchers pass a plain dict.
        isolated: start in isolation mode.

    Example:
        >>> env = IsolatedEnvironment(environ={"HOME": "/root"}, isolated=True)
        >>> env.set("API_URL", "http://localhost:8000", source="example")
        >>> env.get("API_URL"), str(env.get_variable_source("API_URL")).split(" at ")[0]
        ('http://localhost:8000', 'set() by example')
    """

    def __init__(
        self, environ: MutableMapping[str, str] | None = None, *, isolated: bool = False
    ) -> None:
        self._environ: MutableMapping[str, str] = os.environ if environ is None else environ
        self._lock = threading.RLock()
        self._original: dict[str, str] = dict(self._environ)
        # The active store: the process environment, or the isolated copy. get() reads it
        # directly, so switching modes is just switching this reference.
        self._values: MutableMapping[str, str] = self._environ
        self._isolated = False
        self._sources: dict[str, Source] = {}
        self._overridden: dict[str, list[tuple[Source, str]]] = {}
        self._shadowed: dict[str, list[Source]] = {}
        self._protected: dict[str, str] = {}
        self._callbacks: list[ChangeCallback] = []
        self._loaded_files: list[str] = []
        # Variables whose value was interpolated from a secret: masked like their source.
        self._derived: dict[str, tuple[str, ...]] = {}
        # Variables a schema marks secret (IsolatedEnvironment.mark_sensitive), upper-cased.
        self._marked: set[str] = set()
        self._scopes = ScopeStack(f"confwarden.scope.{id(self):x}")
        self._current_scope = self._scopes.current
        # Open scopes in every context: zero means reads skip the context lookup.
        self._open_scopes = 0
        self.callback_errors: list[str] = []
        if isolated:
            self.enable_isolation()

    # -- reading --------------------------------------------------------------------------

    def get(self, key: str, default: str | None = None) -> str | None:
        """The value of ``key``, or ``default`` when unset."""
        if self._open_scopes and (scope := self._current_scope()) is not None:
            value = scope.values.get(key, _MISSING)
            if value is not _MISSING:
                return default if value is None else value  # type: ignore[return-value]
        return self._values.get(key, default)

    def exists(self, key: str) -> bool:
        """True when ``key`` is set (possibly to an empty string)."""
        return self.get(key) is not None

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def get_all(self) -> dict[str, str]:
        """A copy of every variable (as this thread or task sees it); changing it changes
        nothing here."""
        with self._lock:
            values = dict(self._values)
        scope = self._scopes.current() if self._open_scopes else None
        if scope is not None:
            for key, value in scope.values.items():
                if value is None:
                    values.pop(key, None)
                else:
                    values[key] = value
        return values

    def get_variable_source(self, key: str) -> Source | None:
        """Where the current value of ``key`` came from, or None when unset."""
        scope = self._scopes.current() if self._open_scopes else None
        if scope is not None and key in scope.values:
            return None if scope.values[key] is None else scope.sources.get(key)
        source = self._sources.get(key)
        if source is not None:
            return source
        return OS_SOURCE if key in self._values else None

    # -- writing --------------------------------------------------------------------------

    def set(self, key: str, value: str, source: str | None = None) -> None:
        """Set ``key`` to ``value`` (sanitized), recording who did it.

        Args:
            key: the variable name.
            value: its new value; control characters are removed, header-bound values
                trimmed, database URLs normalised.
            source: who sets it (``"test_setup"``, ``"launcher"``...); the code location of
                the call is recorded too.

        Raises:
            ProtectedVariableError: ``key`` is protected.
            TypeError: ``value`` is not a string.
        """
        caller = sys._getframe(1)
        origin = set_source(
            source or caller.f_globals.get("__name__", "unknown"),
            caller.f_code.co_filename,
            caller.f_lineno,
        )
        self._set(key, value, origin)

    def _set(self, key: str, value: str, origin: Source) -> None:
        if not isinstance(value, str):
            raise TypeError(
                f"{key}: environment values must be str, got {type(value).__name__}. "
                f"Convert it with str() first."
            )
        value = sanitize_value(key, value)
        if self._open_scopes:
            scope = self._scopes.current()
            if scope is not None:
                self._set_scoped(scope, key, value, origin)
                return
        with self._lock:
            if key in self._protected:
                raise ProtectedVariableError(
                    key, operation="set", protected_by=self._protected[key]
                )
            if self._derived:
                self._derived.pop(key, None)
            values = self._values
            old = values.get(key)
            values[key] = value
            sources = self._sources
            if old is not None:
                # Inlined rather than shared with delete(): this is the hot path of set().
                history = self._overridden.get(key)
                if history is None:
                    history = self._overridden[key] = []
                history.append((sources.get(key, OS_SOURCE), old))
                if len(history) > _MAX_HISTORY:
                    del history[0]
            sources[key] = origin
            callbacks = self._callbacks
        if callbacks and old != value:
            self._notify(tuple(callbacks), key, old, value, origin)

    def _set_scoped(self, scope: Scope, key: str, value: str | None, origin: Source) -> None:
        """Write to the calling context's scope only; ``value`` None deletes."""
        if key in self._protected:
            raise ProtectedVariableError(
                key,
                operation="set" if value is not None else "delete",
                protected_by=self._protected[key],
            )
        if scope.owner != current_owner():
            scope = self._fork_scope(scope)
        old = self.get(key)
        scope.values[key] = value
        scope.sources[key] = origin
        if self._callbacks and old != value:
            self._notify(tuple(self._callbacks), key, old, value, origin)

    def update(self, values: Mapping[str, str], source: str | None = None) -> None:
        """Set several variables, each as :meth:`set` would."""
        caller = sys._getframe(1)
        origin = set_source(
            source or caller.f_globals.get("__name__", "unknown"),
            caller.f_code.co_filename,
            caller.f_lineno,
        )
        for key, value in values.items():
            self._set(key, value, origin)

    def delete(self, key: str, source: str | None = None) -> bool:
        """Unset ``key``. Returns True when it was set.

        Raises:
            ProtectedVariableError: ``key`` is protected.
        """
        caller = sys._getframe(1)
        origin = set_source(
            source or caller.f_globals.get("__name__", "unknown"),
            caller.f_code.co_filename,
            caller.f_lineno,
        )
        scope = self._scopes.current() if self._open_scopes else None
        if scope is not None:
            if self.get(key) is None and key not in self._protected:
                return False
            self._set_scoped(scope, key, None, origin)
            return True
        with self._lock:
            if key in self._protected:
                raise ProtectedVariableError(
                    key, operation="delete", protected_by=self._protected[key]
                )
            old = self._values.get(key)
            if old is None:
                return False
            self._derived.pop(key, None)
            history = self._overridden.setdefault(key, [])
            history.append((self._sources.get(key, OS_SOURCE), old))
            del history[:-_MAX_HISTORY]
            del self._values[key]
            self._sources.pop(key, None)
            callbacks = tuple(self._callbacks)
        self._notify(callbacks, key, old, None, origin)
        return True

    # -- .env files -----------------------------------------------------------------------

    def load_from_file(
        self,
        path: str | os.PathLike[str],
        override: bool = False,
        *,
        strict: bool = True,
        interpolate: bool = True,
    ) -> LoadResult:
        """Load variables from a ``.env`` file.

        All or nothing: when ``override`` would replace a protected variable, nothing of the
        file is applied. A value interpolated from a secret (``COPY=${DB_PASSWORD}``) is
        masked like the secret in every output.

        Args:
            path: the file.
            override: let the file replace variables that are already set. Off by default:
                the process environment always wins over a ``.env`` file.
            strict: raise :class:`~confwarden.errors.DotenvError` listing every malformed
                line; when false, skip them and return them in ``problems``.
            interpolate: expand ``${VAR}`` and ``${VAR:-default}``.

        Raises:
            EnvironmentFileError: the file cannot be read (missing, unreadable, not a regular
                file, too large).
            DotenvError: malformed lines, in strict mode.
            ProtectedVariableError: ``override`` would replace a protected variable; nothing
                was applied.
        """
        from confwarden.environment.dotenv import read_dotenv

        display = os.fspath(path)
        try:
            parsed = read_dotenv(
                path, environ=self.get_all(), interpolate=interpolate, strict=strict
            )
        except OSError as exc:
            raise EnvironmentFileError(
                f"cannot read .env file {display}: {exc.strerror or exc}. "
                "Check the path, or do not load it in this environment."
            ) from None
        last: dict[str, tuple[str, int, tuple[str, ...]]] = {}
        for entry in parsed.entries:
            last[entry.key] = (entry.value, entry.line, entry.references)
        loaded: dict[str, Source] = {}
        skipped: dict[str, Source] = {}
        # Held across check and apply so that a protection added meanwhile cannot split
        # the file in two; the lock is re-entrant for the callbacks this thread runs.
        with self._lock:
            refused = sorted(
                key
                for key in last
                if key in self._protected and (override or self.get(key) is None)
            )
            if refused:
                raise ProtectedVariableError(
                    refused[0],
                    operation=f"set (from {display}:{last[refused[0]][1]}; nothing of the "
                    "file was applied)",
                    protected_by=self._protected[refused[0]],
                )
            for key, (value, line, references) in last.items():
                origin = Source(SourceKind.DOTENV, path=display, line=line)
                if not override and self.get(key) is not None:
                    skipped[key] = origin
                    self._shadowed.setdefault(key, []).append(origin)
                    continue
                self._set(key, value, origin)
                loaded[key] = origin
                secret_sources = tuple(name for name in references if self.is_sensitive(name))
                if secret_sources:
                    self._derived[key] = secret_sources
            self._loaded_files.append(display)
        return LoadResult(display, loaded, skipped, parsed.problems)

    # -- isolation ------------------------------------------------------------------------

    def enable_isolation(self) -> None:
        """Work on a private copy of the environment from now on; ``os.environ`` is left alone."""
        with self._lock:
            if self._isolated:
                return
            self._values = dict(self._environ)
            self._original = dict(self._values)
            self._isolated = True

    def disable_isolation(self, *, apply_changes: bool = False) -> None:
        """Go back to reading and writing the process environment.

        Args:
            apply_changes: write the changes made in isolation to the process environment.
                By default they are discarded, which is what a test wants.
        """
        with self._lock:
            if not self._isolated:
                return
            if apply_changes:
                for key, (_old, new) in self.get_changes_since_init().items():
                    if new is None:
                        self._environ.pop(key, None)
                    else:
                        self._environ[key] = new
            else:
                for key in self.get_changes_since_init():
                    self._sources.pop(key, None)
            self._values = self._environ
            self._isolated = False

    def is_isolated(self) -> bool:
        """True in isolation mode."""
        return self._isolated

    def reset_to_original(self) -> None:
        """Undo every change since construction (or since isolation was enabled).

        Protection is not checked: this is the administrative undo a test teardown needs.
        """
        with self._lock:
            current = self._values
            for key in [k for k in current if k not in self._original]:
                del current[key]
            for key, value in self._original.items():
                if current.get(key) != value:
                    current[key] = value
            self._sources.clear()
            self._overridden.clear()
            self._shadowed.clear()
            self._loaded_files.clear()

    def get_changes_since_init(self) -> dict[str, tuple[str | None, str | None]]:
        """``{key: (original, current)}`` for every variable that differs from the start."""
        current = self.get_all()
        with self._lock:
            original = self._original
        changes: dict[str, tuple[str | None, str | None]] = {}
        for key in original.keys() | current.keys():
            before, after = original.get(key), current.get(key)
            if before != after:
                changes[key] = (before, after)
        return changes

    def scoped(self) -> ScopeBlock[IsolatedEnvironment]:
        """Scope changes to this block, this thread and this asyncio task.

        Everything set or deleted inside the block is seen only by the thread or task that
        runs it (and tasks it creates), and is gone after the block; changes others make
        meanwhile are kept. Leaving the block reports each undone change to the change
        callbacks. Leave it in the thread or task that entered it (else ``RuntimeError``,
        and nothing changes). See :mod:`confwarden.environment.scopes`.

        Example:
            >>> env = IsolatedEnvironment(environ={}, isolated=True)
            >>> with env.scoped():
            ...     env.set("FEATURE_X", "on", source="doc")
            >>> env.exists("FEATURE_X")
            False
        """
        return ScopeBlock(self, self._enter_scope, self._exit_scope)

    def _fork_scope(self, scope: Scope) -> Scope:
        """A private copy of ``scope`` for a thread or task that inherited it (see
        :mod:`confwarden.environment.scopes`); counted as open until it is gone."""
        copy = self._scopes.fork(scope)
        with self._lock:
            self._open_scopes += 1
        weakref.finalize(copy, self._scope_gone)
        return copy

    def _scope_gone(self) -> None:
        with self._lock:
            self._open_scopes -= 1

    def _enter_scope(self) -> Scope:
        with self._lock:
            self._open_scopes += 1
        scope = self._scopes.push()
        # A scope whose thread or task ends without leaving it stops counting as open.
        scope.release = weakref.finalize(scope, self._scope_gone).detach
        return scope

    def _exit_scope(
        self, expected: Scope | None = None, token: Token[Scope | None] | None = None
    ) -> None:
        try:
            scope = self._scopes.pop(expected, token)
        except RuntimeError:
            expected = token = None  # not kept alive by the traceback's frames
            raise
        if scope.release is not None:
            scope.release()
        with self._lock:
            self._open_scopes -= 1
        callbacks = tuple(self._callbacks)
        if not callbacks:
            return
        # Read and report under the lock: a shared write to the same variable cannot slip
        # between, so the last change a callback sees is the value that stays.
        with self._lock:
            for key, value in scope.values.items():
                restored = self.get(key)
                if restored != value:
                    self._notify(callbacks, key, value, restored, _SCOPE_EXIT)

    def __enter__(self) -> IsolatedEnvironment:
        self._enter_scope()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._exit_scope()

    # -- protection and callbacks ---------------------------------------------------------

    def protect_variable(self, key: str, by: str | None = None) -> None:
        """Refuse every later ``set``/``delete`` of ``key`` until it is unprotected."""
        caller = sys._getframe(1)
        who = by or f"{caller.f_code.co_filename}:{caller.f_lineno}"
        with self._lock:
            self._protected[key] = who

    def unprotect_variable(self, key: str) -> None:
        """Allow changes to ``key`` again."""
        with self._lock:
            self._protected.pop(key, None)

    def is_protected(self, key: str) -> bool:
        """True when ``key`` refuses changes."""
        return key in self._protected

    def __repr__(self) -> str:
        mode = "isolated" if self._isolated else "os.environ"
        return f"<IsolatedEnvironment {mode} variables={len(self._values)}>"
