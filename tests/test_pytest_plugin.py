"""The pytest plugin, exercised on real generated suites through pytester.

Leaking suites run in a subprocess (``runpytest_subprocess``): their leaks (a thread, a session
fixture, the C environment) must not reach this test run's own ``os.environ``. Clean suites run
in a subprocess too, so that what they assert is what a user's run does.
"""

from __future__ import annotations

import os
import re
import textwrap
from importlib.metadata import entry_points

import pytest

pytest_plugins = ["pytester"]

_REGISTERED = any(ep.name == "confwarden" for ep in entry_points(group="pytest11"))
CANARY = "CANARY-5f0e1d"

INI = """
[pytest]
filterwarnings = error
addopts = -p no:cacheprovider
"""

PROJECT = """
[tool.confwarden]
leaks = "fail"

[tool.confwarden.configs]
backend = "confwarden.presets.agent_platform:AppConfig"
"""


def _project(pytester: pytest.Pytester, ini: str = INI) -> None:
    """A confwarden project that opts into failing leaks (the plugin acts on projects only)."""
    pytester.makeini(ini)
    pytester.makepyprojecttoml(PROJECT)


LEAK_CONFTEST = """
import os
import threading

import pytest

# Set while pytest starts: the base every test starts from, not a leak.
os.environ["PRESET_DEL"] = "1"
os.environ["PRESET_POP"] = "1"
os.environ["PRESET_UNSET"] = "1"
os.environ["PRESET_CHANGE"] = "old"

LATE = threading.Event()
LATE_THREADS = []


def pytest_runtest_setup(item):
    if item.name == "test_hook_setup":
        os.environ["LEAK_HOOK_SETUP"] = "1"


def pytest_runtest_call(item):
    if item.name == "test_hook_call":
        os.environ["LEAK_HOOK_CALL"] = "1"


def pytest_runtest_logfinish(nodeid, location):
    # The thread of test_thread_after_test writes once its test is over.
    if nodeid.endswith("test_thread_after_test"):
        LATE.set()
        for thread in LATE_THREADS:
            thread.join()


@pytest.fixture(scope="session")
def session_leak():
    os.environ["LEAK_SESSION_FIXTURE"] = "1"
    yield
"""

LEAK_TESTS = """
import os
import subprocess
import sys
import threading
import unittest

import pytest

from conftest import LATE, LATE_THREADS


def test_assign():
    os.environ["LEAK_ASSIGN"] = "1"


def test_del():
    del os.environ["PRESET_DEL"]


def test_update():
    os.environ.update(LEAK_UPDATE="1")


def test_pop():
    os.environ.pop("PRESET_POP")


def test_setdefault():
    os.environ.setdefault("LEAK_SETDEFAULT", "1")


def test_change_value():
    os.environ["PRESET_CHANGE"] = "new"


def test_ior():
    os.environ |= {"LEAK_IOR": "1"}


def test_dunder_setitem():
    os.environ.__setitem__("LEAK_DUNDER", "1")


def test_environb():
    os.environb[b"LEAK_ENVIRONB"] = b"1"


def test_putenv():
    os.putenv("LEAK_PUTENV", "1")


def test_unsetenv():
    os.unsetenv("PRESET_UNSET")


def test_secret_value():
    os.environ["LEAK_API_TOKEN"] = "CANARY-5f0e1d"


def test_thread_during_test():
    thread = threading.Thread(target=os.environ.__setitem__, args=("LEAK_THREAD", "1"))
    thread.start()
    thread.join()


def test_thread_after_test():
    def late():
        LATE.wait()
        os.environ["LEAK_LATE_THREAD"] = "1"

    thread = threading.Thread(target=late)
    LATE_THREADS.append(thread)
    thread.start()


def test_innocent_after_thread():
    assert "LEAK_LATE_THREAD" not in os.environ or True


def test_subprocess_env():
    os.environ["LEAK_CHILD_MODE"] = "worker"
    code = "import os, sys; sys.exit(os.environ['LEAK_CHILD_MODE'] != 'worker')"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_hook_setup():
    pass


def test_hook_call():
    pass


@pytest.fixture
def function_leak():
    os.environ["LEAK_FUNCTION_FIXTURE"] = "1"


def test_function_fixture(function_leak):
    pass


@pytest.fixture
def restores_own_but_leaks_other():
    os.environ["OWN"] = "1"
    yield
    del os.environ["OWN"]
    os.environ["LEAK_FIXTURE_TEARDOWN"] = "1"


def test_fixture_teardown(restores_own_but_leaks_other):
    assert os.environ["OWN"] == "1"


@pytest.fixture(params=["a", "b"])
def param_leak(request):
    os.environ["LEAK_PARAM_" + request.param.upper()] = "1"


def test_parametrized_fixture(param_leak):
    pass


def test_failing_and_leaking():
    os.environ["LEAK_FAILING"] = "1"
    assert False


def test_monkeypatch_and_direct(monkeypatch):
    monkeypatch.setenv("PATCHED", "1")
    os.environ["LEAK_BESIDE_MONKEYPATCH"] = "1"


@pytest.fixture(scope="class")
def class_leak():
    os.environ["LEAK_CLASS_FIXTURE"] = "1"


class TestClassFixture:
    def test_one(self, class_leak):
        pass

    def test_two(self, class_leak):
        assert os.environ["LEAK_CLASS_FIXTURE"] == "1"


class SetUpLeaks(unittest.TestCase):
    def setUp(self):
        os.environ["LEAK_UNITTEST_SETUP"] = "1"

    def test_it(self):
        self.assertTrue(True)


def test_session_fixture(session_leak):
    assert os.environ["LEAK_SESSION_FIXTURE"] == "1"
"""

LEAK_MODULE_FIXTURE = """
import os

import pytest


@pytest.fixture(scope="module", autouse=True)
def module_leak():
    os.environ["LEAK_MODULE_FIXTURE"] = "1"


def test_first():
    assert os.environ["LEAK_MODULE_FIXTURE"] == "1"


def test_last_of_module():
    assert os.environ["LEAK_MODULE_FIXTURE"] == "1"
"""

LEAK_PACKAGE_CONFTEST = """
import os

import pytest


@pytest.fixture(scope="package", autouse=True)
def package_leak():
    os.environ["LEAK_PACKAGE_FIXTURE"] = "1"
    yield
"""

LEAK_PACKAGE_TESTS = """
import os


def test_in_package():
    assert os.environ["LEAK_PACKAGE_FIXTURE"] == "1"


def test_last_in_package():
    pass
"""

LEAK_PARAM_MODULE = """
import os

import pytest


@pytest.fixture(scope="module", params=["a", "b"])
def module_param(request):
    os.environ["LEAK_MODULE_PARAM_" + request.param.upper()] = "1"


def test_uses_module_param(module_param):
    pass
"""

LAST_TESTS = """
import ctypes
import os


def test_zz_last():
    # Every leak before this test was undone, in os.environ and in the C environment; only
    # the session fixture, still alive, keeps its variable.
    leaked = sorted(k for k in os.environ if k.startswith("LEAK_"))
    assert leaked == ["LEAK_SESSION_FIXTURE"]
    assert os.environ["PRESET_DEL"] == os.environ["PRESET_POP"] == "1"
    assert os.environ["PRESET_CHANGE"] == "old"
    getenv = ctypes.CDLL(None).getenv
    getenv.restype = ctypes.c_char_p
    assert getenv(b"LEAK_PUTENV") is None
    assert getenv(b"PRESET_UNSET") == b"1"
"""

# nodeid -> the keys the report must name for it, at teardown unless said otherwise.
EXPECTED_LEAKS: dict[str, tuple[str, ...]] = {
    "test_leaks.py::test_assign": ("LEAK_ASSIGN",),
    "test_leaks.py::test_del": ("PRESET_DEL",),
    "test_leaks.py::test_update": ("LEAK_UPDATE",),
    "test_leaks.py::test_pop": ("PRESET_POP",),
    "test_leaks.py::test_setdefault": ("LEAK_SETDEFAULT",),
    "test_leaks.py::test_change_value": ("PRESET_CHANGE",),
    "test_leaks.py::test_ior": ("LEAK_IOR",),
    "test_leaks.py::test_dunder_setitem": ("LEAK_DUNDER",),
    "test_leaks.py::test_environb": ("LEAK_ENVIRONB",),
    "test_leaks.py::test_putenv": ("LEAK_PUTENV",),
    "test_leaks.py::test_unsetenv": ("PRESET_UNSET",),
    "test_leaks.py::test_secret_value": ("LEAK_API_TOKEN",),
    "test_leaks.py::test_thread_during_test": ("LEAK_THREAD",),
    "test_leaks.py::test_subprocess_env": ("LEAK_CHILD_MODE",),
    "test_leaks.py::test_hook_call": ("LEAK_HOOK_CALL",),
    "test_leaks.py::test_function_fixture": ("LEAK_FUNCTION_FIXTURE",),
    "test_leaks.py::test_fixture_teardown": ("LEAK_FIXTURE_TEARDOWN",),
    "test_leaks.py::test_failing_and_leaking": ("LEAK_FAILING",),
    "test_leaks.py::test_monkeypatch_and_direct": ("LEAK_BESIDE_MONKEYPATCH",),
    "test_leaks.py::TestClassFixture::test_two": ("LEAK_CLASS_FIXTURE",),
    "test_leaks.py::SetUpLeaks::test_it": ("LEAK_UNITTEST_SETUP",),
    "test_leaks_module.py::test_last_of_module": ("LEAK_MODULE_FIXTURE",),
    "pkg/test_in_pkg.py::test_last_in_package": ("LEAK_PACKAGE_FIXTURE",),
}


def _write_leak_suite(pytester: pytest.Pytester) -> None:
    _project(pytester)
    pytester.makeconftest(LEAK_CONFTEST)
    pytester.makepyfile(
        test_leaks=LEAK_TESTS,
        test_leaks_module=LEAK_MODULE_FIXTURE,
        test_leaks_param=LEAK_PARAM_MODULE,
        test_zz_last=LAST_TESTS,
    )
    package = pytester.mkpydir("pkg")
    (package / "conftest.py").write_text(textwrap.dedent(LEAK_PACKAGE_CONFTEST))
    (package / "test_in_pkg.py").write_text(textwrap.dedent(LEAK_PACKAGE_TESTS))


def _leaks(output: str) -> dict[str, str]:
    """``{"nodeid (phase)": "KEY, KEY"}`` from the plugin's summary lines."""
    found: dict[str, str] = {}
    pattern = re.compile(r"^confwarden: environment leak at (\w+) of (\S+): (.+)$")
    for line in output.splitlines():
        match = pattern.match(line)
        if match:
            found[f"{match.group(2)} ({match.group(1)})"] = match.group(3)
    return found


def _reported(output: str) -> bool:
    """True when the output holds any report of the plugin."""
    return "confwarden: environment" in output or "confwarden environment leaks" in output


def _missing(leaks: dict[str, str], expected: dict[str, tuple[str, ...]]) -> list[str]:
    missing = []
    for where, keys in expected.items():
        reported = leaks.get(where, "").split(", ")
        missing += [f"{where}: {key}" for key in keys if key not in reported]
    return missing


def test_leak_suite_every_pattern_reported_with_its_test(pytester: pytest.Pytester) -> None:
    _write_leak_suite(pytester)
    result = pytester.runpytest_subprocess("-rA")
    output = result.stdout.str()
    leaks = _leaks(output)
    expected = {f"{nodeid} (teardown)": keys for nodeid, keys in EXPECTED_LEAKS.items()}
    expected |= {
        "test_leaks.py::test_hook_setup (setup)": ("LEAK_HOOK_SETUP",),
        "test_leaks.py::test_parametrized_fixture[a] (teardown)": ("LEAK_PARAM_A",),
        "test_leaks.py::test_parametrized_fixture[b] (teardown)": ("LEAK_PARAM_B",),
        "test_leaks_param.py::test_uses_module_param[b] (setup)": ("LEAK_MODULE_PARAM_A",),
        "test_leaks_param.py::test_uses_module_param[b] (teardown)": ("LEAK_MODULE_PARAM_B",),
        "test_zz_last.py::test_zz_last (teardown)": ("LEAK_SESSION_FIXTURE",),
    }
    assert len(expected) >= 20
    assert _missing(leaks, expected) == [], output
    # Nothing else is charged: no false report on the clean tests of the same suite.
    assert sorted(leaks) == sorted(expected), output
    result.stdout.fnmatch_lines(
        [
            "*environment changed between tests, after "
            "test_leaks.py::test_thread_after_test: LEAK_LATE_THREAD*"
        ]
    )
    # test_hook_setup and test_uses_module_param[b] error at setup and do not run.
    result.assert_outcomes(passed=32, failed=1, errors=len(expected))
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_leak_report_names_fixture_and_masks_secret_values(pytester: pytest.Pytester) -> None:
    _write_leak_suite(pytester)
    result = pytester.runpytest_subprocess("-rA")
    output = result.stdout.str() + result.stderr.str()
    assert CANARY not in output
    for pattern in (
        "*LEAK_API_TOKEN: added '***' in os.environ, by the test test_leaks.py::test_secret_value*",
        "*LEAK_PUTENV: added '1' in C environment (os.putenv/os.unsetenv)*",
        "*PRESET_UNSET: removed (was '1') in C environment*",
        "*LEAK_SESSION_FIXTURE: added '1' in os.environ, by fixture 'session_leak' "
        "(session scope, conftest.py:*): set at setup, not restored by its teardown",
        "*LEAK_FIXTURE_TEARDOWN: added '1' in os.environ, by the teardown of fixture "
        "'restores_own_but_leaks_other' (function scope*",
        "*LEAK_HOOK_SETUP: added '1' in os.environ, by the setup of "
        "test_leaks.py::test_hook_setup outside any fixture*",
        "*LEAK_MODULE_PARAM_A: added '1' in os.environ, by fixture 'module_param'*",
    ):
        result.stdout.fnmatch_lines([pattern])
    # Every leak was undone: the last test saw the environment the suite started with.
    result.stdout.fnmatch_lines(["PASSED test_zz_last.py::test_zz_last"])


CLEAN_CONFTEST = """
import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def session_sets_and_restores():
    os.environ["SESSION_ON_PURPOSE"] = "1"
    yield
    del os.environ["SESSION_ON_PURPOSE"]


@pytest.fixture(scope="module")
def module_monkeypatch():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.fixture(scope="module")
def module_settings(module_monkeypatch):
    # Set through a fixture it depends on, which restores it after this one's teardown.
    module_monkeypatch.setenv("MODULE_SETTING", "1")
"""

CLEAN_TESTS = """
import os
import subprocess
import sys
import unittest
from unittest import mock

import pytest

from confwarden import get_env


@pytest.fixture(scope="module", autouse=True)
def module_on_purpose():
    previous = os.environ.get("MODULE_ON_PURPOSE")
    os.environ["MODULE_ON_PURPOSE"] = "1"
    yield
    if previous is None:
        del os.environ["MODULE_ON_PURPOSE"]


@pytest.fixture
def patched(monkeypatch):
    monkeypatch.setenv("FROM_FIXTURE", "1")
    monkeypatch.delenv("HOME", raising=False)


def test_session_and_module_fixtures_are_visible():
    assert os.environ["SESSION_ON_PURPOSE"] == os.environ["MODULE_ON_PURPOSE"] == "1"


def test_monkeypatch(monkeypatch):
    monkeypatch.setenv("PATCHED", "1")
    monkeypatch.delenv("SESSION_ON_PURPOSE")
    monkeypatch.setitem(os.environ, "ITEM", "1")


def test_monkeypatch_in_fixture(patched):
    assert os.environ["FROM_FIXTURE"] == "1"


def test_module_settings(module_settings):
    assert os.environ["MODULE_SETTING"] == "1"


def test_mock_patch_dict():
    with mock.patch.dict(os.environ, {"MOCKED": "1"}, clear=True):
        assert os.environ == {"MOCKED": "1"}


def test_set_and_restore_by_hand():
    os.environ["BY_HAND"] = "1"
    try:
        assert os.environ["BY_HAND"] == "1"
    finally:
        del os.environ["BY_HAND"]


def test_putenv_restored():
    os.putenv("C_VAR", "1")
    os.unsetenv("C_VAR")


def test_child_environment_without_touching_os_environ():
    env = {**os.environ, "CHILD_MODE": "worker"}
    code = "import os, sys; sys.exit(os.environ['CHILD_MODE'] != 'worker')"
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def test_isolated_env(isolated_env):
    isolated_env.set("FEATURE_X", "on", source="test")
    assert get_env().get("FEATURE_X") == "on"
    assert "FEATURE_X" not in os.environ


@pytest.mark.env(FEATURE_Y="on")
def test_marker():
    assert get_env().get("FEATURE_Y") == "on"


def test_set_env(set_env):
    set_env(FEATURE_Z="on")
    assert get_env().get("FEATURE_Z") == "on"


def test_get_env_set_stays_in_isolation():
    get_env().set("THROUGH_GET_ENV", "1", source="test")
    assert "THROUGH_GET_ENV" not in os.environ
    get_env().delete("THROUGH_GET_ENV")


@pytest.fixture(params=["a", "b"])
def param_restores(request, monkeypatch):
    monkeypatch.setenv("PARAM", request.param)
    return request.param


def test_parametrized(param_restores):
    assert os.environ["PARAM"] == param_restores


class TestWithSetUpClass(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.environ["UNITTEST_CLASS"] = "1"

    @classmethod
    def tearDownClass(cls):
        del os.environ["UNITTEST_CLASS"]

    def test_sees_it(self):
        self.assertEqual(os.environ["UNITTEST_CLASS"], "1")
"""


def _write_clean_suite(pytester: pytest.Pytester) -> None:
    _project(pytester)
    pytester.makeconftest(CLEAN_CONFTEST)
    pytester.makepyfile(test_clean=CLEAN_TESTS)


def test_clean_suite_has_no_false_report(pytester: pytest.Pytester) -> None:
    _write_clean_suite(pytester)
    result = pytester.runpytest_subprocess("-rA")
    assert not _reported(result.stdout.str())
    result.assert_outcomes(passed=15)
    assert result.ret == pytest.ExitCode.OK


def test_clean_suite_has_no_false_report_under_xdist(pytester: pytest.Pytester) -> None:
    _write_clean_suite(pytester)
    result = pytester.runpytest_subprocess("-p", "xdist", "-n", "2")
    assert not _reported(result.stdout.str())
    result.assert_outcomes(passed=15)


XDIST_TESTS = """
import os

import pytest


@pytest.fixture(scope="session")
def session_restores():
    os.environ["XDIST_SESSION"] = "1"
    yield
    del os.environ["XDIST_SESSION"]


@pytest.mark.parametrize("n", range(6))
def test_leaks(n, session_restores):
    os.environ[f"XDIST_LEAK_{n}"] = "1"


@pytest.mark.parametrize("n", range(6))
def test_clean(n, session_restores, monkeypatch):
    monkeypatch.setenv(f"XDIST_CLEAN_{n}", "1")
    assert not [k for k in os.environ if k.startswith("XDIST_LEAK_")]
"""


def test_xdist_workers_each_report_their_leaking_tests(pytester: pytest.Pytester) -> None:
    _project(pytester)
    pytester.makepyfile(test_xdist=XDIST_TESTS)
    result = pytester.runpytest_subprocess("-p", "xdist", "-n", "2")
    leaks = _leaks(result.stdout.str())
    assert leaks == {
        f"test_xdist.py::test_leaks[{n}] (teardown)": f"XDIST_LEAK_{n}" for n in range(6)
    }
    result.assert_outcomes(passed=12, errors=6)


BETWEEN_TESTS = """
import os
import threading

import pytest

LATE = threading.Event()
THREADS = []


def pytest_runtest_logfinish(nodeid, location):
    if nodeid.endswith("test_starts_thread"):
        LATE.set()
        for thread in THREADS:
            thread.join()


def test_starts_thread():
    def late():
        LATE.wait()
        os.environ["LATE_LEAK"] = "1"

    thread = threading.Thread(target=late)
    THREADS.append(thread)
    thread.start()


def test_next():
    assert "LATE_LEAK" not in os.environ
"""


def test_thread_writing_after_its_test_fails_the_session_not_the_next_test(
    pytester: pytest.Pytester,
) -> None:
    _project(pytester)
    pytester.makeconftest(BETWEEN_TESTS.split("def test_starts_thread", maxsplit=1)[0])
    pytester.makepyfile(
        test_between="from conftest import LATE, THREADS\nimport os, threading\n"
        + "def test_starts_thread"
        + BETWEEN_TESTS.split("def test_starts_thread")[1]
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*environment changed between tests, after test_between.py::test_starts_thread: "
            "LATE_LEAK*"
        ]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


SIMPLE_LEAK = """
import os


def test_leaks():
    os.environ["SIMPLE_LEAK"] = "1"


def test_sees_it():
    assert os.environ.get("SIMPLE_LEAK") == "1"
"""


def test_warn_mode_reports_without_failing(pytester: pytest.Pytester) -> None:
    _project(pytester)
    pytester.makepyfile(test_simple=SIMPLE_LEAK.replace('== "1"', "is None"))
    result = pytester.runpytest_subprocess("--confwarden-leaks=warn")
    result.assert_outcomes(passed=2)
    assert _leaks(result.stdout.str()) == {"test_simple.py::test_leaks (teardown)": "SIMPLE_LEAK"}
    result.stdout.fnmatch_lines(["*1 leak(s) found; mode warn: reported only*"])
    assert result.ret == pytest.ExitCode.OK


def test_ini_option_sets_the_mode(pytester: pytest.Pytester) -> None:
    _project(pytester, INI + "confwarden_leaks = warn\n")
    pytester.makepyfile(test_simple=SIMPLE_LEAK.replace('== "1"', "is None"))
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=2)
    assert "test_simple.py::test_leaks (teardown)" in _leaks(result.stdout.str())


def test_command_line_overrides_the_ini_option(pytester: pytest.Pytester) -> None:
    _project(pytester, INI + "confwarden_leaks = warn\n")
    pytester.makepyfile(test_simple=SIMPLE_LEAK.replace('== "1"', "is None"))
    result = pytester.runpytest_subprocess("--confwarden-leaks=fail")
    result.assert_outcomes(passed=2, errors=1)


def test_off_mode_detects_nothing(pytester: pytest.Pytester) -> None:
    _project(pytester)
    pytester.makepyfile(test_simple=SIMPLE_LEAK)
    result = pytester.runpytest_subprocess("--confwarden-leaks=off")
    # Without detection the leak reaches the next test: what the plugin prevents.
    result.assert_outcomes(passed=2)
    assert not _reported(result.stdout.str())


def test_unknown_ini_mode_is_a_usage_error(pytester: pytest.Pytester) -> None:
    _project(pytester, INI + "confwarden_leaks = loud\n")
    pytester.makepyfile(test_simple=SIMPLE_LEAK)
    result = pytester.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*confwarden_leaks = 'loud'*Use one of: fail, warn, off*"])


FIXTURE_CONFTEST = """
import pytest

from confwarden import get_env


@pytest.fixture(scope="session", autouse=True)
def session_value():
    get_env().set("SET_BY_SESSION", "1", source="session fixture")
"""

FIXTURE_TESTS = """
import os

import pytest

from confwarden import get_env
from confwarden.environment.detection import Environment, EnvironmentDetector

pytestmark = pytest.mark.env(LEVEL="module", ONLY_MODULE="1")


def test_process_env_is_isolated_and_dotenv_not_loaded():
    env = get_env()
    assert env.is_isolated()
    assert env.get("FROM_DOTENV") is None
    assert EnvironmentDetector(os.environ).detect().environment is Environment.TESTING


def test_get_env_writes_stay_out_of_os_environ():
    get_env().set("NOT_IN_OS_ENVIRON", "1", source="test")
    assert "NOT_IN_OS_ENVIRON" not in os.environ


def test_isolated_env_is_the_process_env(isolated_env):
    assert get_env() is isolated_env
    assert isolated_env.is_isolated()
    isolated_env.set("VANISHES", "1", source="test")


def test_isolated_env_changes_vanished():
    assert get_env().get("VANISHES") is None


@pytest.fixture
def patched(monkeypatch):
    monkeypatch.setenv("FROM_MONKEYPATCH", "1")


def test_isolated_env_sees_monkeypatch_and_session_values(patched, isolated_env):
    assert isolated_env.get("FROM_MONKEYPATCH") == "1"
    assert isolated_env.get("SET_BY_SESSION") == "1"


def test_module_marker_applies():
    assert get_env().get("LEVEL") == "module"


@pytest.mark.env(LEVEL="function", HOME=None)
def test_closest_marker_wins_and_none_unsets():
    assert get_env().get("LEVEL") == "function"
    assert get_env().get("ONLY_MODULE") == "1"
    assert get_env().get("HOME") is None
    assert "HOME" in os.environ


@pytest.mark.env(LEVEL="class")
class TestClassMarker:
    def test_class_marker(self):
        assert get_env().get("LEVEL") == "class"

    @pytest.mark.env(LEVEL="method")
    def test_method_marker(self, isolated_env):
        assert isolated_env.get("LEVEL") == "method"


@pytest.mark.env({"DOTTED.NAME": "1"})
def test_marker_mapping_for_any_name():
    assert get_env().get("DOTTED.NAME") == "1"


def test_set_env(set_env):
    set_env(FEATURE="on", LEVEL=None)
    assert get_env().get("FEATURE") == "on"
    assert get_env().get("LEVEL") is None


def test_session_value_survives():
    assert get_env().get("SET_BY_SESSION") == "1"
    assert get_env().get("FEATURE") is None


def test_unified_config_builds_fresh_config_for_values(unified_config):
    assert unified_config(LOG_LEVEL="DEBUG").log_level == "DEBUG"
    assert unified_config(LOG_LEVEL="WARNING").log_level == "WARNING"


@pytest.mark.env(LOG_LEVEL="ERROR")
def test_marker_values_reach_a_fresh_config():
    from confwarden.config import get_unified_config

    assert get_unified_config().log_level == "ERROR"


def test_config_of_earlier_tests_is_gone():
    from confwarden.config import get_unified_config

    assert get_unified_config().log_level not in ("DEBUG", "WARNING", "ERROR")


@pytest.mark.env(PORT=8000)
def test_marker_value_not_a_string():
    pass
"""


def test_fixtures_and_marker_give_each_test_its_isolated_env(pytester: pytest.Pytester) -> None:
    _project(pytester)
    pytester.makeconftest(FIXTURE_CONFTEST)
    pytester.makepyfile(test_fixtures=FIXTURE_TESTS)
    (pytester.path / ".env").write_text("FROM_DOTENV=1\n")
    result = pytester.runpytest_subprocess("-rA")
    result.assert_outcomes(passed=15, errors=1)
    result.stdout.fnmatch_lines(
        ["*PORT: pytest.mark.env values must be str (or None to unset), got int.*PORT='8000'*"]
    )
    assert "environment leak" not in result.stdout.str()


def test_fixtures_are_listed(pytester: pytest.Pytester) -> None:
    _project(pytester)
    result = pytester.runpytest_subprocess("--fixtures")
    result.stdout.fnmatch_lines(["isolated_env*", "set_env*", "unified_config*"])
    result = pytester.runpytest_subprocess("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.env(**values)*"])


def test_plugin_import_loads_no_configuration_layer() -> None:
    import json
    import subprocess
    import sys

    code = (
        "import sys, json, confwarden.pytest_plugin; "
        "print(json.dumps([m for m in sys.modules if m.startswith(('confwarden.config', "
        "'pydantic', 'click', 'rich'))]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_plugin_is_registered_and_no_confwarden_disables_it(pytester: pytest.Pytester) -> None:
    assert _REGISTERED, "install the package: the pytest11 entry point registers the plugin"
    _project(pytester)
    pytester.makepyfile(test_simple=SIMPLE_LEAK)
    result = pytester.runpytest_subprocess("-p", "no:confwarden")
    result.assert_outcomes(passed=2)
    assert not _reported(result.stdout.str())
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1, failed=1, errors=1)


def test_declared_environment_still_runs_in_isolation(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    _project(pytester)
    pytester.makepyfile(
        test_env="""
        from confwarden import get_env

        def test_isolated():
            assert get_env().is_isolated()
        """
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=1)


def test_unknown_environment_is_a_usage_error_naming_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "moon")
    _project(pytester)
    pytester.makepyfile(test_env="def test_nothing():\n    assert True\n")
    result = pytester.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*confwarden: ENVIRONMENT='moon' is not a known environment*"])


@pytest.mark.parametrize("blank", ["", "   "])
def test_blank_environment_is_a_usage_error_naming_it(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, blank: str
) -> None:
    monkeypatch.setenv("ENVIRONMENT", blank)
    _project(pytester)
    pytester.makepyfile(test_env="def test_nothing():\n    assert True\n")
    result = pytester.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*confwarden: ENVIRONMENT is set but blank*"])


NESTED_LEAKS = """
import os


def test_leaks_in_python():
    os.environ["NESTED_LEAK"] = "1"


def test_leaks_in_c():
    os.putenv("NESTED_C_LEAK", "1")
"""


def test_in_process_run_restores_what_its_tests_leaked(pytester: pytest.Pytester) -> None:
    # runpytest() in-process shares os.environ with this test: the inner session's plugin
    # reports and restores, so this (outer) test ends clean, which the outer plugin checks.
    from confwarden.testing.cenv import CEnvironmentWatch

    _project(pytester)
    pytester.makepyfile(test_nested=NESTED_LEAKS)
    result = pytester.runpytest("-p", "no:xdist")
    assert _leaks(result.stdout.str()) == {
        "test_nested.py::test_leaks_in_python (teardown)": "NESTED_LEAK",
        "test_nested.py::test_leaks_in_c (teardown)": "NESTED_C_LEAK",
    }
    assert "NESTED_LEAK" not in os.environ
    assert CEnvironmentWatch().getenv("NESTED_C_LEAK") is None


SESSION_END = """
import os

import pytest


@pytest.fixture(scope="session")
def never_restores():
    os.environ["SESSION_END_LEAK"] = "1"


def test_stops_the_session(never_restores):
    pytest.exit("stopping here")


def test_not_run():
    pass
"""


def test_fixture_torn_down_at_session_end_is_reported(pytester: pytest.Pytester) -> None:
    # pytest.exit() skips the test's teardown: the runner tears the session fixture down at
    # session end, after every test report; the leak is still found and named.
    _project(pytester)
    pytester.makepyfile(test_end=SESSION_END)
    result = pytester.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            "confwarden: environment changed after the last test: SESSION_END_LEAK",
            "  SESSION_END_LEAK: added '1' in os.environ, by fixture 'never_restores' "
            "(session scope*): set at setup, not restored by its teardown",
        ]
    )


def test_suite_not_using_confwarden_does_not_load_it(pytester: pytest.Pytester) -> None:
    pytester.makeini(INI)  # no [tool.confwarden]: the plugin leaves the suite alone
    pytester.makepyfile(
        test_plain="""
        import sys

        def test_plain(monkeypatch):
            monkeypatch.setenv("PLAIN", "1")
            loaded = [m for m in sys.modules if m.startswith(("confwarden.environment",
                      "confwarden.config", "pydantic"))]
            assert loaded == []
        """
    )
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)
