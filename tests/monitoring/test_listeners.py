"""The callbacks of the monitors: a failing one is counted and logged by type, never raised."""

from __future__ import annotations

import logging

import pytest

from confwarden.monitoring._listeners import Listeners

CANARY = "CANARY-listeners-5b2e"


def test_listeners_failing_callback_is_counted_and_logged_without_its_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[str] = []

    def broken(event: str) -> None:
        raise RuntimeError(CANARY)

    listeners: Listeners[str] = Listeners("alert", logging.getLogger("test.listeners"))
    listeners.add(broken)
    listeners.add(seen.append)
    with caplog.at_level(logging.WARNING, logger="test.listeners"):
        listeners.call("first")
    assert seen == ["first"]
    assert listeners.errors == 1
    assert "alert callback" in caplog.text
    assert "RuntimeError" in caplog.text
    assert CANARY not in caplog.text


def test_listeners_remove_stops_the_calls_and_ignores_unknown_callbacks() -> None:
    seen: list[int] = []
    listeners: Listeners[int] = Listeners("death", logging.getLogger("test.listeners"))
    listeners.add(seen.append)
    listeners.remove(seen.append)
    listeners.remove(print)
    listeners.call(1)
    assert seen == []
