"""The pytest hooks of leak detection: when to check, and how a leak reaches the user.

Registered by ``confwarden.pytest_plugin`` only when leak detection is on, so ``off`` costs
nothing. Checks happen at three points of each test, the cheapest that still name the right
culprit:

* ``pytest_runtest_logstart``: between the previous test and this one (a thread or a hook
  running outside any test changed something). Reported on the next report (a section) and in
  the summary; in ``fail`` mode the session fails, no test result is changed.
* ``pytest_runtest_logreport`` (first of all its implementations) for the setup report: a
  change no fixture setup explains (a conftest ``pytest_runtest_setup`` hook, a fixture torn
  down while another parametrization starts).
* ``pytest_runtest_logreport`` for the teardown report: what the test, its fixtures'
  teardowns or fixtures of any scope finishing with it left behind.

In ``fail`` mode a leak turns the phase's report into an error ("ERROR at teardown of ...",
the way pytest reports a failing fixture teardown), so the offending test is the one marked
and every other test keeps its own result. A phase that already failed keeps its error and
gets the leak as an extra section. Under pytest-xdist each worker runs its own detector; the
reports (and their sections) travel to the controller, which prints the summary.

Fixture setups and teardowns are observed with ``pytest_fixture_setup`` (a wrapper) and
``pytest_fixture_post_finalizer``; see :class:`~confwarden.testing.leaks.LeakDetector`.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest

from confwarden.testing.cenv import CEnvironmentWatch
from confwarden.testing.leaks import Leak, LeakDetector

__all__ = ["LeakHooks"]

SECTION = "confwarden: environment leak"
BETWEEN_SECTION = "confwarden: environment changed between tests"


_setup_culprit = (
    "the setup of {} outside any fixture (a conftest hook such as pytest_runtest_setup?)"
)
_test_culprit = "the test {} (its body, a thread or a hook running with it)"


class LeakHooks:
    """The leak-detection hooks of one pytest session (a plugin object).

    Args:
        mode: ``fail`` or ``warn``.
        detector: the detector to use; by default one watching ``os.environ`` and the
            C environment.
    """

    def __init__(self, mode: str, detector: LeakDetector | None = None) -> None:
        self.mode = mode
        self._watch: CEnvironmentWatch | None = None
        if detector is None:
            self._watch = CEnvironmentWatch()
            self._watch.install()
            detector = LeakDetector(c_watch=self._watch)
        self.detector = detector
        self._previous: str | None = None
        self._pending: list[Leak] = []
        self._reported: list[str] = []
        self._between_found = False

    def close(self) -> None:
        """Put ``os.putenv``/``os.unsetenv`` back."""
        if self._watch is not None:
            self._watch.uninstall()

    # -- checks -----------------------------------------------------------------------------

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logstart(self, nodeid: str) -> None:
        previous = self._previous
        leak = self.detector.check(
            nodeid=previous,
            phase="between",
            culprit=lambda: (
                f"code running after {previous} finished (a background thread "
                "it started, or a hook outside the test protocol)"
            ),
        )
        if leak is not None:
            self._pending.append(leak)

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(
        self, fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
    ) -> Generator[None, object, object]:
        before = self.detector.fixture_setup_started()
        try:
            return (yield)
        finally:
            self.detector.fixture_setup_finished(
                fixturedef, lambda: _describe_fixture(fixturedef), before
            )

    def pytest_fixture_post_finalizer(self, fixturedef: pytest.FixtureDef[Any]) -> None:
        self.detector.fixture_torn_down(fixturedef, lambda: _describe_fixture(fixturedef))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        # tryfirst: the report is changed before the terminal, junitxml or xdist see it, and
        # runtestprotocol reads the same object (a setup report turned into an error stops
        # the test from running). One plain hook per phase is the cheapest place to check.
        # On an xdist controller the reports come from the workers, already checked: the
        # local check finds nothing and only the summary is collected.
        when = report.when
        if when == "call":
            self.detector.mark()
        else:
            if self._pending:
                for leak in self._pending:
                    report.sections.append((BETWEEN_SECTION, leak.format()))
                self._pending.clear()
            nodeid = report.nodeid
            if when == "setup":
                culprit = _setup_culprit
            else:
                self._previous = nodeid
                culprit = _test_culprit
            found = self.detector.check(
                nodeid=nodeid, phase=when, culprit=lambda: culprit.format(nodeid)
            )
            if found is not None:
                self._attach(report, found)
        if report.sections or report.longrepr is not None:
            self._collect(report)

    def _attach(self, report: pytest.TestReport, leak: Leak) -> None:
        message = leak.format()
        if self.mode == "fail" and report.passed:
            report.outcome = "failed"
            report.longrepr = message
        else:
            report.sections.append((SECTION, message))

    # -- reporting --------------------------------------------------------------------------

    def _collect(self, report: pytest.TestReport) -> None:
        for title, content in report.sections:
            if title == BETWEEN_SECTION:
                self._between_found = True
                self._reported.append(content.splitlines()[0])
            elif title == SECTION:
                self._reported.append(content.splitlines()[0])
        longrepr = report.longrepr
        if isinstance(longrepr, str) and longrepr.startswith("confwarden: environment"):
            self._reported.append(longrepr.splitlines()[0])

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        # trylast: after the runner tore down what was still set up (after -x, for example).
        leak = self.detector.check(
            nodeid=None, phase="session", culprit="code that ran after the last test"
        )
        for pending in [*self._pending, *([leak] if leak is not None else [])]:
            # No test report is left to carry it: the summary shows it whole.
            self._between_found = True
            self._reported.append(pending.format())
        self._pending.clear()
        if self.mode == "fail" and self._between_found and session.exitstatus == 0:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self._reported:
            return
        terminalreporter.section("confwarden environment leaks", sep="=")
        for line in self._reported:
            terminalreporter.line(line)
        terminalreporter.line(
            f"{len(self._reported)} leak(s) found; mode {self.mode}: "
            + (
                "leaking tests fail"
                if self.mode == "fail"
                else "reported only (--confwarden-leaks=fail makes them fail)"
            )
        )


def _describe_fixture(fixturedef: pytest.FixtureDef[Any]) -> str:
    func = fixturedef.func
    code = getattr(func, "__code__", None)
    where = ""
    if code is not None:
        try:
            path = os.path.relpath(code.co_filename)
        except ValueError:  # another drive, on Windows
            path = code.co_filename
        where = f", {path}:{code.co_firstlineno}"
    return f"fixture {fixturedef.argname!r} ({fixturedef.scope} scope{where})"
