"""Bulk operations of :class:`~confwarden.environment.isolated.IsolatedEnvironment`.

The original platform's code calls ``env.clear()`` in test setup and
``env.get_all_with_prefix("APP_")`` to hand a group of settings to a library. They live here,
as a small mixin, so ``isolated.py`` stays about reading, writing and provenance.

``clear()`` is refused outside isolated mode (emptying the real process environment breaks
the interpreter and every subprocess), and it never removes a protected variable: the
result and a log line name the variables it kept.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import MutableMapping
from dataclasses import dataclass

from confwarden.errors import EnvironmentLayerError

__all__ = ["BulkOperations", "ClearResult"]

logger = logging.getLogger("confwarden.environment")


@dataclass(frozen=True, slots=True)
class ClearResult:
    """What :meth:`BulkOperations.clear` did (names only, never values).

    Attributes:
        removed: the variables unset, sorted.
        kept_protected: the protected variables left in place, sorted.
    """

    removed: tuple[str, ...]
    kept_protected: tuple[str, ...]


class BulkOperations:
    """``clear()`` and ``get_all_with_prefix()``, mixed into ``IsolatedEnvironment``."""

    _lock: threading.RLock
    _values: MutableMapping[str, str]
    _protected: dict[str, str]
    _isolated: bool

    def delete(self, key: str, source: str | None = None) -> bool:  # pragma: no cover
        raise NotImplementedError

    def get_all(self) -> dict[str, str]:  # pragma: no cover
        raise NotImplementedError

    def get_all_with_prefix(self, prefix: str) -> dict[str, str]:
        """A copy of every variable whose name starts with ``prefix``.

        Example:
            >>> from confwarden.environment.isolated import IsolatedEnvironment
            >>> env = IsolatedEnvironment(environ={"APP_A": "1", "B": "2"}, isolated=True)
            >>> env.get_all_with_prefix("APP_")
            {'APP_A': '1'}
        """
        # get_all() is what this thread or task sees: its scope's values included.
        return {key: value for key, value in self.get_all().items() if key.startswith(prefix)}

    def clear(self) -> ClearResult:
        """Unset every variable except protected ones (isolated mode only).

        Each removal is an ordinary deletion: change callbacks run and provenance records it.

        Raises:
            EnvironmentLayerError: the environment is not isolated.

        Example:
            >>> from confwarden.environment.isolated import IsolatedEnvironment
            >>> env = IsolatedEnvironment(environ={"A": "1", "B": "2"}, isolated=True)
            >>> env.protect_variable("B")
            >>> env.clear()
            ClearResult(removed=('A',), kept_protected=('B',))
        """
        if not self._isolated:
            raise EnvironmentLayerError(
                "clear() works in isolated mode only: emptying the process environment "
                "would break the interpreter and every subprocess. Call enable_isolation() "
                "first, or delete() the variables you mean."
            )
        visible = self.get_all()  # inside a scope, clear() empties the scope's view only
        with self._lock:
            kept = tuple(sorted(k for k in visible if k in self._protected))
            removed = tuple(sorted(k for k in visible if k not in self._protected))
        for key in removed:
            self.delete(key, source="IsolatedEnvironment.clear()")
        if kept:
            logger.info("clear(): kept %d protected variable(s): %s", len(kept), ", ".join(kept))
        return ClearResult(removed, kept)
