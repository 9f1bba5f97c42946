"""CEnvironmentWatch: os.putenv/os.unsetenv are observed, os.environ's own writes are not."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from confwarden.testing.cenv import CEnvironmentWatch
from confwarden.testing.leaks import LeakDetector


@pytest.fixture
def watch() -> Iterator[CEnvironmentWatch]:
    watch = CEnvironmentWatch()
    real_putenv, real_unsetenv = os.putenv, os.unsetenv
    watch.install()
    yield watch
    watch.uninstall()
    assert (os.putenv, os.unsetenv) == (real_putenv, real_unsetenv)


def test_watch_records_putenv_and_unsetenv(watch: CEnvironmentWatch) -> None:
    os.putenv("CONFWARDEN_TEST_C_A", "1")
    os.unsetenv("CONFWARDEN_TEST_C_A")
    os.unsetenv(b"CONFWARDEN_TEST_C_B")
    assert watch.take() == {"CONFWARDEN_TEST_C_A", "CONFWARDEN_TEST_C_B"}
    assert not watch.pending


def test_watch_does_not_record_os_environ_writes(
    watch: CEnvironmentWatch, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONFWARDEN_TEST_C_ENVIRON", "1")
    assert not watch.pending
    assert watch.getenv("CONFWARDEN_TEST_C_ENVIRON") == "1"


def test_detector_restores_the_c_environment(watch: CEnvironmentWatch) -> None:
    detector = LeakDetector(c_watch=watch)
    detector.start()
    os.putenv("CONFWARDEN_TEST_C_LEAK", "secret-ish")
    leak = detector.check(nodeid="t", phase="teardown", culprit="the test")
    assert leak is not None
    assert leak.variables[0].c_level
    assert leak.variables[0].describe() == (
        "CONFWARDEN_TEST_C_LEAK: added 'secret-ish' in C environment (os.putenv/os.unsetenv), "
        "by the test"
    )
    assert watch.getenv("CONFWARDEN_TEST_C_LEAK") is None


def test_detector_putenv_undone_by_the_test_is_clean(watch: CEnvironmentWatch) -> None:
    detector = LeakDetector(c_watch=watch)
    detector.start()
    os.putenv("CONFWARDEN_TEST_C_UNDONE", "1")
    os.unsetenv("CONFWARDEN_TEST_C_UNDONE")
    assert detector.check(nodeid="t", phase="teardown", culprit="the test") is None
