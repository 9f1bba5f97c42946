"""No secret in any response: every endpoint, the event stream, the metrics (canary values)."""

from __future__ import annotations

import json

from starlette.testclient import TestClient
from tests.clock import FakeClock
from tests.server.conftest import API_PATHS, CANARY, DB_CANARY, StreamEnded, local_client

from confwarden.monitoring import MonitoringHub
from confwarden.server import create_app
from confwarden.server.auth import token_subprotocols

TOKEN = "token-CANARY-77e1"
ENDPOINTS = ["/", "/dashboard.js", *API_PATHS]
ROTATED = CANARY + "-rotated"
SHORT = "CANARYshort"


def _stir(hub: MonitoringHub, clock: FakeClock) -> None:
    """Make every kind of event happen with secrets in play."""
    assert hub.config is not None
    hub.config.check()
    env = hub.env  # type: ignore[attr-defined]
    env.set("SHOP_SECRET", ROTATED, source="rotation_job")  # critical change alert
    env.set("SHOP_DB_URL", f"postgresql://app:{DB_CANARY}x@db/shop", source="ops")
    env.set("SHOP_SECRET", SHORT, source="ops")
    env.delete("SHOP_SECRET", source="ops")
    clock.advance(30)
    hub.config.check()  # validation failed alert
    hub.config.record_reload(ok=False, detail="(SHOP_SECRET)")
    hub.tracker.create("triage_agent")
    clock.advance(11)
    hub.tracker.check()  # agent_death
    # Errors are free text a service writes: a DSN with its password, a key quoted raw.
    failed = hub.tracker.create("db_agent")
    hub.tracker.fail(failed, f"could not connect to postgresql://u:{DB_CANARY}@h/db")
    quoted = hub.tracker.create("api_agent")
    hub.tracker.fail(quoted, f"provider refused key {ROTATED[:-8]}")
    hub.flow.connect("ws-1")
    hub.flow.sent("ws-1", "e1", event_type="agent_started")
    clock.advance(31)
    hub.flow.check()
    hub.publish_health_change()


def _assert_clean(text: str) -> None:
    for secret in (CANARY, ROTATED, SHORT, DB_CANARY, TOKEN):
        assert secret not in text, secret


def test_canary_absent_from_every_endpoint_and_the_stream(
    hub: MonitoringHub, clock: FakeClock
) -> None:
    _stir(hub, clock)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(hub, token=TOKEN, manage_hub=False)) as client:
        for path in ENDPOINTS:
            response = client.get(path, headers=headers)
            assert response.status_code in (200, 503), path
            _assert_clean(response.text)
            _assert_clean(json.dumps(dict(response.headers)))
        ended = StreamEnded(hub)
        with client.websocket_connect("/events", subprotocols=token_subprotocols(TOKEN)) as ws:
            backlog = [ws.receive_text() for _ in range(len(hub.bus.backlog))]
            ended.close(ws)
    kinds = {json.loads(e)["type"] for e in backlog}
    assert {"config_alert", "agent_death", "health_change"} <= kinds
    for event in backlog:
        _assert_clean(event)


def test_canary_absent_from_the_hub_repr(hub: MonitoringHub, clock: FakeClock) -> None:
    _stir(hub, clock)
    _assert_clean(repr(hub))
    _assert_clean(json.dumps(hub.report().to_dict()))


def test_canary_execution_errors_are_masked(hub: MonitoringHub, clock: FakeClock) -> None:
    _stir(hub, clock)
    with local_client(create_app(hub, manage_hub=False)) as client:
        executions = client.get("/executions").json()["executions"]
    errors = {e["agent_name"]: e["error"] for e in executions}
    assert errors["db_agent"] == "could not connect to postgresql://u:***@h/db"
    assert errors["api_agent"] == "provider refused key ***"
