"""LeakDetector on plain dictionaries: the model, the blame, the restore, the masking."""

from __future__ import annotations

from confwarden.testing.leaks import Leak, LeakDetector

CANARY = "CANARY-5f0e1d"


def _started(environ: dict[str, str]) -> LeakDetector:
    detector = LeakDetector(environ)
    detector.start()
    return detector


def _setup(detector: LeakDetector, owner: str, environ: dict[str, str], **values: str) -> None:
    before = detector.fixture_setup_started()
    environ.update(values)
    detector.fixture_setup_finished(owner, lambda: f"fixture {owner!r}", before)


def test_detector_first_check_takes_the_base() -> None:
    environ = {"HOME": "/root"}
    detector = LeakDetector(environ)
    assert detector.check(nodeid="t", phase="between", culprit="x") is None
    assert detector.started
    environ["ADDED"] = "1"
    leak = detector.check(nodeid="t", phase="teardown", culprit="the test")
    assert leak is not None
    assert leak.keys == ("ADDED",)


def test_detector_restores_added_removed_and_changed() -> None:
    environ = {"KEEP": "1", "REMOVED": "1", "CHANGED": "old"}
    detector = _started(environ)
    environ["ADDED"] = "1"
    del environ["REMOVED"]
    environ["CHANGED"] = "new"
    leak = detector.check(nodeid="t", phase="teardown", culprit="the test")
    assert leak is not None
    assert [(v.key, v.change) for v in leak.variables] == [
        ("ADDED", "added"),
        ("CHANGED", "changed"),
        ("REMOVED", "removed"),
    ]
    assert environ == {"KEEP": "1", "REMOVED": "1", "CHANGED": "old"}
    assert detector.check(nodeid="t2", phase="teardown", culprit="the test") is None


def test_detector_masks_values_of_secrets() -> None:
    environ: dict[str, str] = {}
    detector = _started(environ)
    environ["API_TOKEN"] = CANARY
    environ["DATABASE_URL"] = f"postgresql://app:{CANARY}@db/app"
    leak = detector.check(nodeid="t", phase="teardown", culprit="the test")
    assert isinstance(leak, Leak)
    text = leak.format() + repr(leak)
    assert CANARY not in text
    assert "API_TOKEN: added '***'" in text
    assert "postgresql://app:***@db/app" in text


def test_detector_ignores_pytest_current_test() -> None:
    environ = {"HOME": "/root"}
    detector = _started(environ)
    environ["PYTEST_CURRENT_TEST"] = "t (call)"
    assert detector.check(nodeid="t", phase="setup", culprit="x") is None
    environ["PYTEST_CURRENT_TEST"] = "t (teardown)"
    assert detector.is_clean()
    assert environ["PYTEST_CURRENT_TEST"] == "t (teardown)"


def test_detector_fixture_setup_changes_are_allowed_while_it_lives() -> None:
    environ: dict[str, str] = {}
    detector = _started(environ)
    _setup(detector, "session_fixture", environ, ON_PURPOSE="1")
    assert detector.check(nodeid="first", phase="setup", culprit="x") is None
    assert detector.check(nodeid="first", phase="teardown", culprit="x") is None
    del environ["ON_PURPOSE"]  # its teardown restores
    detector.fixture_torn_down("session_fixture", lambda: "fixture 'session_fixture'")
    assert detector.check(nodeid="last", phase="teardown", culprit="x") is None


def test_detector_fixture_not_restoring_is_blamed() -> None:
    environ: dict[str, str] = {}
    detector = _started(environ)
    _setup(detector, "module_fixture", environ, LEFT_BEHIND="1")
    detector.fixture_torn_down("module_fixture", lambda: "fixture 'module_fixture'")
    leak = detector.check(nodeid="last", phase="teardown", culprit="the test")
    assert leak is not None
    assert leak.variables[0].culprit == (
        "fixture 'module_fixture': set at setup, not restored by its teardown"
    )
    assert environ == {}


def test_detector_fixture_teardown_change_is_blamed_on_that_fixture() -> None:
    environ: dict[str, str] = {}
    detector = _started(environ)
    detector.mark()
    environ["FROM_TEARDOWN"] = "1"
    detector.fixture_torn_down("f", lambda: "fixture 'f'")
    detector.fixture_torn_down("g", lambda: "fixture 'g'")
    leak = detector.check(nodeid="t", phase="teardown", culprit="the test")
    assert leak is not None
    assert leak.variables[0].culprit == "the teardown of fixture 'f'"


def test_detector_test_change_is_not_blamed_on_the_first_fixture_torn_down() -> None:
    environ: dict[str, str] = {}
    detector = _started(environ)
    environ["FROM_TEST"] = "1"
    detector.mark()  # end of the call phase
    detector.fixture_torn_down("f", lambda: "fixture 'f'")
    leak = detector.check(nodeid="t", phase="teardown", culprit="the test")
    assert leak is not None
    assert leak.variables[0].culprit == "the test"


def test_detector_dependency_restoring_for_a_fixture_is_clean() -> None:
    # module_settings sets through module_monkeypatch, which restores after it.
    environ: dict[str, str] = {}
    detector = _started(environ)
    _setup(detector, "module_monkeypatch", environ)
    _setup(detector, "module_settings", environ, SETTING="1")
    detector.fixture_torn_down("module_settings", lambda: "fixture 'module_settings'")
    del environ["SETTING"]
    detector.fixture_torn_down("module_monkeypatch", lambda: "fixture 'module_monkeypatch'")
    assert detector.check(nodeid="t", phase="teardown", culprit="the test") is None


def test_detector_fixtures_torn_down_out_of_order_are_clean() -> None:
    # A module fixture set up before a session fixture ends first: no false report.
    environ: dict[str, str] = {}
    detector = _started(environ)
    _setup(detector, "module", environ, MODULE="1")
    _setup(detector, "session", environ, SESSION="1")
    del environ["MODULE"]
    detector.fixture_torn_down("module", lambda: "fixture 'module'")
    assert detector.check(nodeid="t", phase="teardown", culprit="the test") is None
    assert environ == {"SESSION": "1"}


def test_detector_headlines_name_the_test() -> None:
    leak = Leak("tests/test_a.py::test_x", "teardown")
    assert leak.headline() == "environment leak at teardown of tests/test_a.py::test_x: "
    between = Leak("tests/test_a.py::test_x", "between")
    assert between.headline().startswith("environment changed between tests, after tests/")
