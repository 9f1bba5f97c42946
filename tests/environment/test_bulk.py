"""IsolatedEnvironment.clear() and get_all_with_prefix(): the original platform's bulk calls."""

from __future__ import annotations

import logging

import pytest

from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.errors import EnvironmentLayerError


def test_get_all_with_prefix_returns_matching_copy() -> None:
    env = IsolatedEnvironment(
        environ={"APP_A": "1", "APP_B": "2", "OTHER": "3", "APPX": "4"}, isolated=True
    )
    found = env.get_all_with_prefix("APP_")
    assert found == {"APP_A": "1", "APP_B": "2"}
    found["APP_A"] = "changed"
    assert env.get("APP_A") == "1"


def test_clear_keeps_protected_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    environ = {"KEEP": "k", "DROP": "d", "ALSO": "a"}
    env = IsolatedEnvironment(environ=environ, isolated=True)
    env.protect_variable("KEEP", by="test")
    with caplog.at_level(logging.INFO, logger="confwarden.environment"):
        result = env.clear()
    assert result.removed == ("ALSO", "DROP")
    assert result.kept_protected == ("KEEP",)
    assert env.get_all() == {"KEEP": "k"}
    assert environ == {"KEEP": "k", "DROP": "d", "ALSO": "a"}  # isolated: untouched
    assert "KEEP" in caplog.text
    assert "protected" in caplog.text


def test_clear_notifies_callbacks_and_records_provenance() -> None:
    env = IsolatedEnvironment(environ={"A": "1"}, isolated=True)
    seen: list[tuple[str, str | None]] = []
    env.add_change_callback(lambda key, old, new, source: seen.append((key, new)))
    env.clear()
    assert seen == [("A", None)]


def test_clear_refused_outside_isolated_mode() -> None:
    env = IsolatedEnvironment(environ={"A": "1"}, isolated=False)
    with pytest.raises(EnvironmentLayerError, match="isolated mode"):
        env.clear()
    assert env.get("A") == "1"


def test_clear_never_logs_values(caplog: pytest.LogCaptureFixture) -> None:
    env = IsolatedEnvironment(environ={"DB_PASSWORD": "CANARY-9f8e"}, isolated=True)
    env.protect_variable("DB_PASSWORD")
    with caplog.at_level(logging.DEBUG):
        result = env.clear()
    assert "CANARY-9f8e" not in caplog.text
    assert "CANARY-9f8e" not in repr(result)
