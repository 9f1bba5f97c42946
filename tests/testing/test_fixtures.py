"""fresh_test_env and the marker helpers, without pytester."""

from __future__ import annotations

import os

import pytest

from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.environment.process import get_env
from confwarden.testing.fixtures import (
    apply_values,
    fresh_test_env,
    install_process_env,
    marker_values,
    restore_process_env,
)


def test_fresh_test_env_installs_and_restores_the_process_env() -> None:
    before = get_env()
    with fresh_test_env({"FRESH_VALUE": "1"}) as env:
        assert get_env() is env
        assert env.is_isolated()
        assert env.get("FRESH_VALUE") == "1"
        assert "FRESH_VALUE" not in os.environ
    assert get_env() is before
    assert before.get("FRESH_VALUE") is None


def test_fresh_test_env_sees_os_environ_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATCHED_BEFORE", "1")
    with fresh_test_env() as env:
        assert env.get("PATCHED_BEFORE") == "1"


def test_fresh_test_env_carries_changes_of_the_isolated_session_env() -> None:
    session = IsolatedEnvironment(environ={"GONE": "1"}, isolated=True)
    session.set("SESSION_SET", "1", source="session")
    session.delete("GONE")
    previous = install_process_env(session)
    try:
        with fresh_test_env() as env:
            assert env.get("SESSION_SET") == "1"
            assert env.get("GONE") is None
        assert get_env() is session
    finally:
        restore_process_env(previous)


def test_marker_values_closest_wins() -> None:
    marks = [((), {"LEVEL": "function"}), (({"LEVEL": "module", "OTHER": None},), {})]
    assert marker_values(marks) == {"LEVEL": "function", "OTHER": None}


def test_marker_values_rejects_non_mappings() -> None:
    with pytest.raises(TypeError, match=r"@pytest.mark.env takes KEY='value' keywords"):
        marker_values([(("LEVEL",), {})])


def test_apply_values_names_the_variable_of_a_bad_value() -> None:
    env = IsolatedEnvironment(environ={}, isolated=True)
    with pytest.raises(TypeError, match=r"^PORT: test values must be str"):
        apply_values(env, {"PORT": 8000}, source="test")  # type: ignore[dict-item]
