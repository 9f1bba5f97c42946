"""The pytest plugin: isolated environments and environment-leak detection for test suites.

Registered through the ``pytest11`` entry point, so it is installed wherever confwarden is;
it acts only on a confwarden project: the nearest ``pyproject.toml`` with
``[tool.confwarden]`` at or above pytest's rootdir (or a suite that sets the
``confwarden_leaks`` option on purpose). Any other suite in the same virtualenv is left
untouched: no isolation, no leak checks. ``-p no:confwarden`` turns it off entirely.
spec/003 "Test Setup" and "Testing Environment":

* The process-wide :func:`~confwarden.get_env` is a
  :class:`~confwarden.testing.live.TestEnvironment` for the whole session: it reads
  ``os.environ`` live (``monkeypatch.setenv`` is seen by ``bootstrap()``) and keeps its own
  writes out of ``os.environ``; ``.env`` files are never loaded (detection says "testing"
  under pytest, and nothing here loads one).
* Fixtures: ``isolated_env`` (a fresh isolated ``get_env()`` for one test), ``set_env`` (set
  variables in it), ``unified_config`` (the project's configured schema, built fresh for given
  values), and the ``@pytest.mark.env(KEY="value")`` marker.
* Leak detection (``--confwarden-leaks=fail|warn|off``, ini ``confwarden_leaks``,
  ``[tool.confwarden] leaks``, in that order; default ``warn``): see
  :mod:`confwarden.testing.leaks`. A leak found after a test's setup or teardown
  is reported on that phase of that test (an error in ``fail`` mode, a report section and a
  summary line in ``warn`` mode) and ``os.environ`` is restored; other tests keep their results.

Importing this module imports only pytest and the environment layer; the configuration layer is
imported by the ``unified_config`` fixture when a test uses it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
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
    def __init__(self, previous_env: IsolatedEnvironment | None, root: Path | None) -> None:
        self.previous_env = previous_env
        self.project_root = root
        self.hooks: LeakHooks | None = None


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("confwarden", "confwarden environment isolation")
    group.addoption(
        "--confwarden-leaks",
        dest="confwarden_leaks",
        choices=_MODES,
        default=None,
        help="What to do when a test leaves os.environ changed: fail the test, warn "
        "(default), or off. Also turns the plugin on outside a confwarden project.",
    )
    parser.addini(
        "confwarden_leaks",
        "What to do when a test leaves os.environ changed: fail, warn (default) or off.",
        default="",
    )


def _project(config: pytest.Config) -> tuple[Path | None, str | None]:
    """The confwarden project of this run (root, its ``leaks`` setting), or ``(None, None)``."""
    from confwarden.errors import ProjectError
    from confwarden.project import find_project

    try:
        project = find_project(config.rootpath)
        return (project.root, project.leaks) if project is not None else (None, None)
    except ProjectError as exc:
        raise pytest.UsageError(f"confwarden: {exc}") from None


def _leak_mode(config: pytest.Config, project_mode: str | None) -> str | None:
    """The leak mode asked for: option, then ini, then the project's; None when nobody asked."""
    explicit = config.getoption("confwarden_leaks") or str(config.getini("confwarden_leaks"))
    mode = (explicit or project_mode or "").strip().lower()
    if not mode:
        return None
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
    root, project_mode = _project(config)
    mode = _leak_mode(config, project_mode)
    if root is None and mode is None:
        return  # not a confwarden project, and nobody asked: leave this suite alone
    # Forget any process environment built before the session (by a conftest, a plugin):
    # the session gets its own, isolated one. If the environment layer is not even loaded,
    # there is nothing to forget, and it stays unloaded until something uses it.
    previous = None
    if _PROCESS_MODULE in sys.modules:
        from confwarden.testing.fixtures import install_process_env

        previous = install_process_env(None)
    state = _SessionState(previous, root)
    config.stash[_state_key] = state
    mode = mode or "warn"
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
    # The session's process environment is a live TestEnvironment (reads os.environ as it
    # is, so monkeypatch.setenv reaches bootstrap(); writes stay out of os.environ). Built
    # here when the environment layer is loaded (a test module imported confwarden) or
    # ENVIRONMENT is set (an unknown or blank one stops the session now, as it stops a
    # service: a blank ENVIRONMENT is never read as unset); otherwise before the first
    # test that loads it (pytest_runtest_setup), so a suite that never uses confwarden's
    # environment layer never imports it.
    if session.config.stash.get(_state_key, None) is None:
        return
    if _PROCESS_MODULE not in sys.modules and "ENVIRONMENT" not in os.environ:
        return
    from confwarden.environment.detection import EnvironmentDetector
    from confwarden.errors import ConfwardenError

    try:
        EnvironmentDetector(os.environ).detect()
    except ConfwardenError as exc:
        raise pytest.UsageError(
            f"confwarden: {exc} (the pytest plugin builds the isolated test environment "
            "before the first test; -p no:confwarden turns it off)"
        ) from None
    _install_test_environment()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # A process environment built during the previous test by code that imported
    # confwarden late is replaced by a live one before this test.
    if _PROCESS_MODULE in sys.modules and item.config.stash.get(_state_key, None) is not None:
        _install_test_environment()


def _install_test_environment() -> None:
    from confwarden.environment.process import install_env
    from confwarden.testing.live import TestEnvironment

    previous = install_env(None)
    if isinstance(previous, TestEnvironment):
        install_env(previous)
        return
    env = TestEnvironment()
    install_env(env)
    if previous is not None and previous.is_isolated():
        # What collection (or an earlier test) set through get_env() on purpose is kept.
        for key, (_before, after) in previous.get_changes_since_init().items():
            if after is None:
                env.delete(key, source="collection")
            else:
                env.set(key, after, source="collection")


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
def unified_config(
    isolated_env: IsolatedEnvironment, request: pytest.FixtureRequest
) -> Generator[Callable[..., Any]]:
    """``make(*, service=None, **values) -> config``: the project's schema, built fresh.

    Sets ``values`` for this test, then starts the project's service (its only one, or
    ``service``) the way ``bootstrap()`` does, and makes it the process-wide config behind
    ``get_unified_config()``. The configuration layer is imported here, when a test asks.

    Example:
        >>> def test_page_size(unified_config):
        ...     config = unified_config(SHOP_PAGE_SIZE="10")
        ...     assert config.shop_page_size == 10
    """

    from confwarden.testing.fixtures import apply_values, reset_config_cache

    state = request.config.stash.get(_state_key, None)
    root = state.project_root if state is not None else None

    def make(
        values: dict[str, str | None] | None = None,
        /,
        *,
        service: str | None = None,
        **kwargs: str | None,
    ) -> Any:
        from confwarden.config import reset_unified_config
        from confwarden.startup import bootstrap

        apply_values(isolated_env, {**(values or {}), **kwargs}, source="unified_config fixture")
        reset_unified_config()
        return bootstrap(service, env=isolated_env, root=root)

    yield make
    reset_config_cache()
