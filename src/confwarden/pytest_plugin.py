"""The pytest plugin: isolated environments and environment-leak detection for test suites.

Registered through the ``pytest11`` entry point, so it is active wherever confwarden is
installed; ``-p no:confwarden`` turns it off. spec/003 "Test Setup" and "Testing Environment":

* The process-wide :func:`~confwarden.get_env` is in isolation for the whole session and is
  rebuilt for it; ``.env`` files are never loaded (detection says "testing" under pytest, and
  nothing here loads one).
* Fixtures: ``isolated_env`` (a fresh isolated ``get_env()`` for one test), ``set_env`` (set
  variables in it), ``unified_config`` (a fresh ``get_unified_config()`` for given values), and
  the ``@pytest.mark.env(KEY="value")`` marker.
* Leak detection (``--confwarden-leaks=fail|warn|off``, ini ``confwarden_leaks``, default
  ``fail``): see :mod:`confwarden.testing.leaks`. A leak found after a test's setup or teardown
  is reported on that phase of that test (an error in ``fail`` mode, a report section and a
  summary line in ``warn`` mode) and ``os.environ`` is restored; other tests keep their results.

Importing this module imports only pytest and the environment layer; the configuration layer is
imported by the ``unified_config`` fixture when a test uses it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from confwarden.environment.isolated import IsolatedEnvironment
    from confwarden.testing.session import LeakHooks

__all__ = ["isolated_env", "set_env", "unified_config"]

_MODES = ("fail", "warn", "off")
_PROCESS_MODULE = "confwarden.environment.process"
_state_key = pytest.StashKey["_SessionState"]()


class _SessionState:
    def __init__(self, previous_env: IsolatedEnvironment | None) -> None:
        self.previous_env = previous_env
        self.hooks: LeakHooks | None = None


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("confwarden", "confwarden environment isolation")
    group.addoption(
        "--confwarden-leaks",
        dest="confwarden_leaks",
        choices=_MODES,
        default=None,
        help="What to do when a test leaves os.environ changed: fail the test (default), "
        "warn, or off.",
    )
    parser.addini(
        "confwarden_leaks",
        "What to do when a test leaves os.environ changed: fail (default), warn or off.",
        default="fail",
    )


def _leak_mode(config: pytest.Config) -> str:
    mode = config.getoption("confwarden_leaks") or str(config.getini("confwarden_leaks"))
    mode = mode.strip().lower()
    if mode not in _MODES:
        raise pytest.UsageError(
            f"confwarden_leaks = {mode!r} (ini option) is not a leak mode. "
            f"Use one of: {', '.join(_MODES)}."
        )
    return mode


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "env(**values): set environment variables in the isolated environment of this test "
        "(confwarden); a value of None unsets the variable.",
    )
    mode = _leak_mode(config)
    # Forget any process environment built before the session (by a conftest, a plugin):
    # the session gets its own, isolated one. If the environment layer is not even loaded,
    # there is nothing to forget, and it stays unloaded until something uses it.
    previous = None
    if _PROCESS_MODULE in sys.modules:
        from confwarden.testing.fixtures import install_process_env

        previous = install_process_env(None)
    state = _SessionState(previous)
    config.stash[_state_key] = state
    if mode != "off":
        # Imported here: with detection off, no hook of it is even registered.
        from confwarden.testing.session import LeakHooks

        state.hooks = LeakHooks(mode)
        config.pluginmanager.register(state.hooks, "confwarden-leaks")


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_state_key, None)
    if state is None:
        return
    if state.hooks is not None:
        state.hooks.close()
        config.pluginmanager.unregister(state.hooks)
    if _PROCESS_MODULE in sys.modules:
        from confwarden.testing.fixtures import restore_process_env

        restore_process_env(state.previous_env)


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> None:
    # Built lazily, get_env() detects "testing" (pytest is running) and that policy isolates.
    # It is built here, and isolation forced, when that may not hold: ENVIRONMENT names
    # another environment, or something built the process environment already.
    if _PROCESS_MODULE not in sys.modules and not os.environ.get("ENVIRONMENT", "").strip():
        return
    from confwarden.environment.process import get_env
    from confwarden.errors import ConfwardenError

    try:
        env = get_env()
    except ConfwardenError as exc:
        raise pytest.UsageError(
            f"confwarden: {exc} (the pytest plugin builds the isolated test environment "
            "before the first test; -p no:confwarden turns it off)"
        ) from None
    env.enable_isolation()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = getattr(item, "fixturenames", None)
        if (
            names is not None
            and "isolated_env" not in names
            and item.get_closest_marker("env") is not None
        ):
            names.append("isolated_env")


@pytest.fixture
def isolated_env(request: pytest.FixtureRequest) -> Iterator[IsolatedEnvironment]:
    """A fresh isolated ``get_env()`` for this test; every change vanishes at teardown.

    Starts from ``os.environ`` as it is now (``monkeypatch.setenv`` values included), plus what
    the session set through ``get_env()`` and the values of ``@pytest.mark.env`` markers. The
    configuration cache is reset before and after the test.

    Example:
        >>> def test_feature_flag(isolated_env):
        ...     isolated_env.set("FEATURE_X", "on", source="test")
        ...     assert get_env().get("FEATURE_X") == "on"
    """
    from confwarden.testing.fixtures import fresh_test_env, marker_values

    values = marker_values((mark.args, mark.kwargs) for mark in request.node.iter_markers("env"))
    with fresh_test_env(values, source="pytest.mark.env") as env:
        yield env


@pytest.fixture
def set_env(isolated_env: IsolatedEnvironment) -> Callable[..., None]:
    """``set_env(KEY="value", OTHER=None)``: set (None: unset) variables for this test only."""

    from confwarden.testing.fixtures import apply_values

    def _set(values: dict[str, str | None] | None = None, /, **kwargs: str | None) -> None:
        apply_values(isolated_env, {**(values or {}), **kwargs}, source="set_env fixture")

    return _set


@pytest.fixture
def unified_config(isolated_env: IsolatedEnvironment) -> Generator[Callable[..., Any]]:
    """``make(**values) -> config``: set ``values`` for this test and build a fresh config.

    The configuration layer is imported here, when a test asks for it.

    Example:
        >>> def test_debug_in_testing(unified_config):
        ...     config = unified_config(LOG_LEVEL="DEBUG")
        ...     assert config.log_level == "DEBUG"
    """

    from confwarden.testing.fixtures import apply_values, reset_config_cache

    def make(values: dict[str, str | None] | None = None, /, **kwargs: str | None) -> Any:
        from confwarden.config import get_unified_config, reset_unified_config

        apply_values(isolated_env, {**(values or {}), **kwargs}, source="unified_config fixture")
        reset_unified_config()
        return get_unified_config()

    yield make
    reset_config_cache()
