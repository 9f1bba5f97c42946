"""The dashboard in a real Chromium (Debian's, driven by playwright), as a person sees it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import sync_playwright
from tests.server.conftest import CANARY, DB_CANARY, GOOD, make_hub
from tests.servers.asgi import serve_asgi

from confwarden.monitoring import MonitoringSettings
from confwarden.server import create_app

pytestmark = pytest.mark.integration

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
HEARTBEAT_TIMEOUT = 0.5


class _Holder:
    """A live configuration that reports one held change (restart required) when asked."""

    def __init__(self) -> None:
        self.callbacks: list[Callable[[Any], object]] = []

    def add_callback(self, callback: Callable[[Any], object]) -> None:
        self.callbacks.append(callback)

    def hold(self, field: str) -> None:
        update = SimpleNamespace(
            accepted=True, applied=(), rejected=(), restart_required=(SimpleNamespace(field=field),)
        )
        for callback in self.callbacks:
            callback(update)


def test_dashboard_shows_the_score_and_an_agent_death_within_two_seconds(
    tmp_path: Path,
) -> None:
    settings = MonitoringSettings(
        agent_heartbeat_timeout=HEARTBEAT_TIMEOUT, agent_heartbeat_interval=0.1
    )
    hub = make_hub(dict(GOOD), settings=settings)
    failed = hub.tracker.create("db_agent")
    hub.tracker.fail(failed, f"postgresql://u:{DB_CANARY}@h/db refused key {CANARY}")
    hub.start()
    try:
        with (
            serve_asgi(create_app(hub, manage_hub=False)) as port,
            sync_playwright() as playwright,
        ):
            context = playwright.chromium.launch_persistent_context(
                str(tmp_path / "profile"),
                executable_path=CHROMIUM,
                headless=True,
                args=CHROMIUM_ARGS,
            )
            try:
                page = context.new_page()
                page.goto(f"http://127.0.0.1:{port}/")
                # Selectors, not wait_for_function: a string predicate is evaluated with eval,
                # which the page's Content-Security-Policy refuses when Playwright must poll.
                page.wait_for_selector('#score:text-is("100")', timeout=10_000)
                page.wait_for_selector('#connection:text-is("live")', timeout=10_000)
                assert page.inner_text("#status") == "UP"
                started = time.monotonic()
                hub.tracker.start(hub.tracker.create("stuck_agent"))
                page.wait_for_selector('#events li[data-type="agent_death"]', timeout=10_000)
                seen = time.monotonic()
                text = page.inner_text('#events li[data-type="agent_death"]')
                page.wait_for_selector('#status:text-is("DEGRADED")', timeout=10_000)
                page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
                dom = page.content() + page.inner_text("body")
            finally:
                context.close()
    finally:
        hub.stop()
    assert "stuck_agent (no_heartbeat)" in text
    assert seen - (started + HEARTBEAT_TIMEOUT) <= 2.0
    assert (tmp_path / "dashboard.png").stat().st_size > 10_000
    assert "SHOP_SECRET" in dom
    assert "postgresql://u:***@h/db refused key ***" in dom
    assert CANARY not in dom
    assert DB_CANARY not in dom


def test_dashboard_without_its_token_says_a_token_is_required(tmp_path: Path) -> None:
    hub = make_hub(dict(GOOD))
    app = create_app(hub, token="dashboard-token-0123456789", manage_hub=False)
    with serve_asgi(app) as port, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = context.new_page()
            with page.expect_websocket(timeout=10_000):
                page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector('#connection:has-text("a token is required")', timeout=10_000)
            # The next attempt starts after the first one was refused and closed: its
            # refusal must not have turned into "disconnected".
            with page.expect_websocket(timeout=10_000):
                pass
            text = page.inner_text("#connection")
        finally:
            context.close()
    assert text.startswith("a token is required")


def test_dashboard_with_its_token_streams_events_without_the_token_in_any_url(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    token = "dashboard-CANARY-token-0123456789"
    hub = make_hub(dict(GOOD))
    assert hub.config is not None
    hub.config.check()
    holder = _Holder()
    hub.config.follow_reloads(holder)
    hub.bus.publish({"type": "hello", "message": "first event"})
    app = create_app(hub, token=token, manage_hub=False)
    urls: list[str] = []
    with (
        caplog.at_level(logging.INFO),
        serve_asgi(app, log_level="info", log_config=None) as port,
        sync_playwright() as playwright,
    ):
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = context.new_page()
            page.on("request", lambda request: urls.append(request.url))
            page.on("websocket", lambda ws: urls.append(ws.url))
            page.goto(f"http://127.0.0.1:{port}/#token={token}")
            page.wait_for_selector('#connection:text-is("live")', timeout=10_000)
            page.wait_for_selector('#events li[data-type="hello"]', timeout=10_000)
            assert page.is_hidden("#restart")
            holder.hold("shop_secret")
            page.wait_for_selector('#restart:text-is("restart required for: shop_secret")')
            alert = page.inner_text('#events li[data-type="config_alert"]')
        finally:
            context.close()
    assert "restart_required: restart required for: shop_secret" in alert
    assert any(url.startswith("ws://") for url in urls), urls
    assert not [url for url in urls if "CANARY" in url.split("#", 1)[0]]
    assert "[accepted]" in caplog.text
    assert "CANARY" not in caplog.text
