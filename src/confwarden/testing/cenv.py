"""Notice changes to the C environment made around ``os.environ`` (``os.putenv``/``unsetenv``).

``os.putenv`` and ``os.unsetenv`` change the environment that child processes and C libraries
see, but not ``os.environ``; comparing ``os.environ`` alone misses them. ``/proc/self/environ``
cannot help (it shows the environment the process started with), and reading every variable
through ``getenv`` at each check would cost a C call per variable per test.

So while a session runs, ``os.putenv`` and ``os.unsetenv`` are replaced by thin wrappers that
call the real functions and record the *names* touched. This observes the code under test, it
does not change what it does. At each check only those names are read back through the C
library's ``getenv`` (ctypes, imported on first need) and compared with what ``os.environ``
says; a difference is a leak. ``os.environ`` writes call the same module-level functions;
the wrapper recognises its caller (``os._Environ.__setitem__``/``__delitem__``, one frame
lookup) and does not record them: they keep both views in sync, and recording them would make
every check pay for a C call (pytest writes ``PYTEST_CURRENT_TEST`` at every phase).

Limits: a C extension calling ``setenv`` directly is not seen; neither is a call made through a
reference to ``os.putenv`` taken before the session started.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["CEnvironmentWatch"]

_Putenv = Callable[[Any, Any], None]
_Unsetenv = Callable[[Any], None]


def _putenv_wrapper(real: _Putenv, record: Callable[[Any], None]) -> _Putenv:
    """``os.putenv`` while a watch is installed: the real call, then the name recorded."""

    def putenv(key: Any, value: Any) -> None:
        real(key, value)
        if sys._getframe(1).f_code not in _IN_SYNC_CALLERS:
            record(key)

    putenv.__wrapped__ = real  # type: ignore[attr-defined]
    return putenv


def _unsetenv_wrapper(real: _Unsetenv, record: Callable[[Any], None]) -> _Unsetenv:
    """``os.unsetenv`` while a watch is installed: the real call, then the name recorded."""

    def unsetenv(key: Any) -> None:
        real(key)
        if sys._getframe(1).f_code not in _IN_SYNC_CALLERS:
            record(key)

    unsetenv.__wrapped__ = real  # type: ignore[attr-defined]
    return unsetenv


# Callers whose putenv/unsetenv keep os.environ and the C environment in sync: os.environ's
# own writes, and another watch's wrapper (a nested in-process pytest session: the innermost
# watch records a direct call, the outer ones do not see it twice). Every wrapper made by the
# factories above shares its code object.
_IN_SYNC_CALLERS = frozenset(
    {
        os._Environ.__setitem__.__code__,
        os._Environ.__delitem__.__code__,
        _putenv_wrapper(os.putenv, print).__code__,
        _unsetenv_wrapper(os.unsetenv, print).__code__,
    }
)


class CEnvironmentWatch:
    """Record the variable names passed to ``os.putenv``/``os.unsetenv`` while installed.

    Args:
        module: the module whose ``putenv``/``unsetenv`` are wrapped; ``os`` by default.

    Example:
        >>> watch = CEnvironmentWatch()
        >>> watch.install()
        >>> os.putenv("CONFWARDEN_DOC_C_VAR", "1")
        >>> sorted(watch.take())
        ['CONFWARDEN_DOC_C_VAR']
        >>> watch.getenv("CONFWARDEN_DOC_C_VAR")
        '1'
        >>> watch.real_unsetenv("CONFWARDEN_DOC_C_VAR")
        >>> watch.uninstall()
    """

    def __init__(self, module: Any = os) -> None:
        self._module = module
        self.real_putenv: _Putenv = module.putenv
        self.real_unsetenv: _Unsetenv = module.unsetenv
        self._touched: set[str] = set()
        self._lock = threading.Lock()
        self._installed = False
        self._getenv: Callable[[bytes], bytes | None] | None = None

    def install(self) -> None:
        """Wrap ``putenv``/``unsetenv``; idempotent."""
        if self._installed:
            return
        putenv = _putenv_wrapper(self.real_putenv, self._record)
        unsetenv = _unsetenv_wrapper(self.real_unsetenv, self._record)
        self._module.putenv = putenv
        self._module.unsetenv = unsetenv
        self._installed = True

    def uninstall(self) -> None:
        """Put the real functions back."""
        if not self._installed:
            return
        self._module.putenv = self.real_putenv
        self._module.unsetenv = self.real_unsetenv
        self._installed = False

    def _record(self, key: Any) -> None:
        name = os.fsdecode(key) if isinstance(key, bytes) else str(key)
        with self._lock:
            self._touched.add(name)

    @property
    def pending(self) -> bool:
        """True when some name was touched since the last :meth:`take`."""
        return bool(self._touched)

    def take(self) -> set[str]:
        """The names touched since the last call, and forget them."""
        with self._lock:
            touched, self._touched = self._touched, set()
        return touched

    def getenv(self, key: str) -> str | None:
        """The value of ``key`` in the C environment, or None when unset."""
        if self._getenv is None:
            import ctypes

            libc = ctypes.CDLL(None)
            getenv = libc.getenv
            getenv.restype = ctypes.c_char_p
            getenv.argtypes = [ctypes.c_char_p]
            self._getenv = getenv
        raw = self._getenv(os.fsencode(key))
        return None if raw is None else os.fsdecode(raw)

    def set_c_value(self, key: str, value: str | None) -> None:
        """Make the C environment hold ``value`` for ``key`` (None: unset), unrecorded."""
        if value is None:
            self.real_unsetenv(key)
        else:
            self.real_putenv(key, value)
