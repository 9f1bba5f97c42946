"""The process environment of one test: a fresh isolated ``get_env()`` and a clean config cache.

spec/003 "Test Setup": a test gets an isolated environment whose changes vanish after it. The
``isolated_env`` fixture installs a *fresh*
:class:`~confwarden.testing.live.TestEnvironment` as the process-wide instance rather than
scoping the session's one: it reads ``os.environ`` live, so what ``monkeypatch.setenv`` puts
there (before or during the test) is visible through ``get_env()``, which is the "syncs with
os.environ for pytest compatibility" the spec asks for, and it writes only to its own
overlay. What earlier code set through the session's ``get_env()`` (a session fixture
calling ``get_env().set(...)``) is carried over, so nothing set on purpose is lost. At the end
the previous instance is put back, untouched.

The configuration cache is reset on the way in and on the way out, so the configuration a test
sees is built from the test's environment and the next test does not inherit it. The
configuration layer is imported only if something already imported it: a suite that never uses
configuration pays nothing for it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.environment.process import install_env

__all__ = [
    "apply_values",
    "fresh_test_env",
    "install_process_env",
    "marker_values",
    "reset_config_cache",
    "restore_process_env",
]


def reset_config_cache() -> None:
    """Drop the configuration layer's cached configuration, if it was ever loaded."""
    if "confwarden.config" not in sys.modules:
        return
    from confwarden.config import reset_unified_config

    reset_unified_config()


def install_process_env(env: IsolatedEnvironment | None) -> IsolatedEnvironment | None:
    """Make ``env`` what :func:`~confwarden.get_env` returns; return the previous instance.

    ``None`` drops the instance, so the next ``get_env()`` builds one (like ``reset_env()``).
    """
    return install_env(env)


def restore_process_env(previous: IsolatedEnvironment | None) -> None:
    """Put back the instance :func:`install_process_env` returned."""
    install_process_env(previous)


def apply_values(
    env: IsolatedEnvironment, values: Mapping[str, str | None], *, source: str
) -> None:
    """Set each variable of ``values`` in ``env``; ``None`` unsets it.

    Raises:
        TypeError: a value is neither a string nor None (the message names the variable).
    """
    for key, value in values.items():
        if value is None:
            env.delete(key, source=source)
        elif isinstance(value, str):
            env.set(key, value, source=source)
        else:
            raise TypeError(
                f"{key}: {source} values must be str (or None to unset), got "
                f"{type(value).__name__}. Write {key}={str(value)!r}."
            )


def marker_values(
    marks: Iterable[tuple[tuple[object, ...], Mapping[str, object]]],
) -> dict[str, str | None]:
    """Merge ``env`` marker arguments, farthest first so that the closest marker wins.

    Args:
        marks: ``(args, kwargs)`` of each marker, closest first (``iter_markers`` order);
            positional arguments are mappings, for names that are not identifiers.

    Raises:
        TypeError: a positional argument is not a mapping.

    Example:
        >>> marker_values([((), {"A": "test"}), (({"A": "module", "B-C": "1"},), {})])
        {'A': 'test', 'B-C': '1'}
    """
    merged: dict[str, str | None] = {}
    for args, kwargs in reversed(list(marks)):
        for arg in args:
            if not isinstance(arg, Mapping):
                raise TypeError(
                    f"@pytest.mark.env takes KEY='value' keywords or a mapping, got "
                    f"{type(arg).__name__}. Write @pytest.mark.env(KEY='value')."
                )
            merged.update(arg)
        merged.update(kwargs)  # type: ignore[arg-type]
    return merged


@contextmanager
def fresh_test_env(
    values: Mapping[str, str | None] | None = None, *, source: str = "pytest.mark.env"
) -> Iterator[IsolatedEnvironment]:
    """A fresh isolated process environment for one test; everything is undone afterwards.

    Args:
        values: variables to set (None: unset) before the test sees the environment.
        source: recorded as the source of ``values``.

    Example:
        >>> from confwarden import get_env
        >>> with fresh_test_env({"FEATURE_X": "on"}) as env:
        ...     get_env() is env, get_env().get("FEATURE_X")
        (True, 'on')
        >>> get_env().get("FEATURE_X") is None
        True
    """
    from confwarden.testing.live import TestEnvironment

    env = TestEnvironment()
    previous = install_process_env(env)
    try:
        if previous is not None and previous.is_isolated():
            for key, (_before, after) in previous.get_changes_since_init().items():
                if after is None:
                    env.delete(key, source="session environment")
                else:
                    env.set(key, after, source="session environment")
        apply_values(env, values or {}, source=source)
        reset_config_cache()
        yield env
    finally:
        restore_process_env(previous)
        reset_config_cache()
