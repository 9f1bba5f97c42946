"""The endpoints, in-process (Starlette's TestClient): shapes, status codes, masking."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient
from tests.clock import FakeClock
from tests.server.conftest import StreamEnded, local_client, make_hub

from confwarden.monitoring import MonitoringHub
from confwarden.server import create_app


def test_health_is_up_with_every_component(client: TestClient, hub: MonitoringHub) -> None:
    assert hub.config is not None
    hub.config.check()
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "UP"
    assert set(body["components"]) == {"config", "executions", "event_flow"}
    assert body["components"]["config"]["details"]["score"] == 100
    assert response.headers["cache-control"] == "no-store"


def test_health_is_503_when_down(clock: FakeClock) -> None:
    hub = make_hub({}, clock=clock)
    assert hub.config is not None
    hub.config.check()
    with local_client(create_app(hub, manage_hub=False)) as client:
        response = client.get("/health")
        assert response.status_code == 503
        assert response.json()["components"]["config"]["reason"].endswith("SHOP_SECRET")
        ready = client.get("/health/ready")
        assert ready.status_code == 503
        assert "SHOP_SECRET" in ready.json()["reason"]
        assert client.get("/health/live").status_code == 200


def test_health_ready_waits_for_the_first_validation(
    client: TestClient, hub: MonitoringHub
) -> None:
    assert client.get("/health/ready").status_code == 503
    assert hub.config is not None
    hub.config.check()
    assert client.get("/health/ready").json() == {"status": "UP"}


def test_health_degraded_after_an_agent_death_is_still_200(
    client: TestClient, hub: MonitoringHub, clock: FakeClock
) -> None:
    assert hub.config is not None
    hub.config.check()
    hub.tracker.create("triage_agent")
    clock.advance(11)
    hub.tracker.check()
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["components"]["executions"]["status"] == "DEGRADED"


def test_config_shows_every_field_masked_with_provenance(
    client: TestClient, hub: MonitoringHub
) -> None:
    assert hub.config is not None
    hub.config.check()
    body = client.get("/config").json()
    fields = {f["variable"]: f for f in body["fields"]}
    assert fields["SHOP_SECRET"]["value"] == "***"
    assert fields["SHOP_SECRET"]["source"]["kind"] == "os"
    assert fields["SHOP_DB_URL"]["value"] == "***"
    assert fields["AGENT_HEARTBEAT_TIMEOUT"]["value"] == "10.0"
    assert fields["AGENT_HEARTBEAT_TIMEOUT"]["source"]["kind"] == "default"
    assert body["environment"] == "production"


def test_config_before_the_first_validation_is_empty(client: TestClient) -> None:
    assert client.get("/config").json() == {"loaded": False, "fields": []}


def test_config_validation_has_history_and_alerts(
    client: TestClient, hub: MonitoringHub, clock: FakeClock
) -> None:
    assert hub.config is not None
    hub.config.check()
    hub.env.delete("SHOP_SECRET", source="ops")  # type: ignore[attr-defined]
    clock.advance(30)
    hub.config.check()
    body = client.get("/config/validation").json()
    assert [s["score"] for s in body["history"]] == [100, 75]
    assert body["result"]["errors"][0]["variable"] == "SHOP_SECRET"
    assert [a["kind"] for a in body["alerts"]] == ["critical_change", "validation_failed"]


def test_executions_lists_newest_first(client: TestClient, hub: MonitoringHub) -> None:
    first = hub.tracker.create("a")
    second = hub.tracker.start(hub.tracker.create("b"))
    body = client.get("/executions").json()
    assert [e["id"] for e in body["executions"]] == [second, first]
    assert (body["active"], body["limit"]) == (2, 10)


def test_metrics_are_prometheus_text(
    client: TestClient, hub: MonitoringHub, clock: FakeClock
) -> None:
    assert hub.config is not None
    hub.config.check()
    hub.tracker.create("a")
    clock.advance(11)
    hub.tracker.check()
    response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }
    assert samples[("confwarden_config_health_score", ())] == 100
    assert samples[("confwarden_health_status", (("status", "DEGRADED"),))] == 1
    assert samples[("confwarden_execution_deaths_total", (("cause", "no_heartbeat"),))] == 1
    assert samples[("confwarden_executions", (("state", "dead"),))] == 1
    assert samples[("confwarden_event_silent_failures_total", ())] == 0
    # Present before the first drop: a rate() alert needs its zero.
    dropped = ("confwarden_event_stream_dropped_clients_total", (("reason", "slow_consumer"),))
    assert samples[dropped] == 0


def test_events_stream_sends_the_backlog_then_live_events(
    client: TestClient, hub: MonitoringHub, clock: FakeClock
) -> None:
    hub.tracker.create("early_agent")
    clock.advance(11)
    hub.tracker.check()
    ended = StreamEnded(hub)
    with client.websocket_connect("/events") as ws:
        assert ws.receive_json()["agent_name"] == "early_agent"
        hub.tracker.create("late_agent")
        clock.advance(11)
        hub.tracker.check()
        event = ws.receive_json()
        assert event["type"] == "agent_death"
        assert event["agent_name"] == "late_agent"
        assert event["payload"]["death_cause"] == "no_heartbeat"
        ended.close(ws)


def test_events_stream_publishes_health_changes(
    client: TestClient, hub: MonitoringHub, clock: FakeClock
) -> None:
    assert hub.config is not None
    hub.config.check()
    hub.publish_health_change()
    ended = StreamEnded(hub)
    with client.websocket_connect("/events") as ws:
        hub.tracker.create("a")
        clock.advance(11)
        hub.tracker.check()
        assert ws.receive_json()["type"] == "agent_death"
        change = ws.receive_json()
        assert (change["type"], change["previous"], change["status"]) == (
            "health_change",
            "UP",
            "DEGRADED",
        )
        ended.close(ws)


def test_dashboard_page_and_script_are_served_with_a_strict_policy(client: TestClient) -> None:
    page = client.get("/")
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert 'id="score"' in page.text
    script = client.get("/dashboard.js")
    assert "textContent" in script.text
    assert "innerHTML" not in script.text


def test_app_mounts_inside_a_host_application(hub: MonitoringHub) -> None:
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Mount, Route

    async def home(request: object) -> PlainTextResponse:
        return PlainTextResponse("shop")

    host = Starlette(
        routes=[Route("/", home), Mount("/confwarden", create_app(hub, manage_hub=False))]
    )
    with local_client(host) as client:
        assert client.get("/").text == "shop"
        assert client.get("/confwarden/health/live").json() == {"status": "UP"}
        assert 'src="dashboard.js"' in client.get("/confwarden/").text
        assert client.get("/confwarden/dashboard.js").status_code == 200


def test_app_lifespan_starts_and_stops_the_hub(hub: MonitoringHub) -> None:
    with local_client(create_app(hub)) as client:
        assert hub.config is not None
        assert hub.checker._thread is not None
        assert client.get("/health/live").status_code == 200
    assert hub.checker._thread is None


def test_metrics_count_reloads_by_source_kind() -> None:
    import threading

    from confwarden.config.manager import UnifiedConfigManager
    from confwarden.environment.detection import Environment
    from confwarden.environment.isolated import IsolatedEnvironment
    from confwarden.monitoring import MonitoringSettings

    env = IsolatedEnvironment(environ={}, isolated=True)
    manager = UnifiedConfigManager(MonitoringSettings, env=env, environment=Environment.TESTING)
    hub = MonitoringHub(manager)
    app = create_app(hub, manage_hub=False)  # before the manager goes live, as serve does
    reloaded = threading.Event()
    live = manager.start_live()
    try:
        live.add_callback(lambda update: reloaded.set() if update.applied else None)
        env.set("AGENT_HEARTBEAT_TIMEOUT", "45", source="ops")
        assert reloaded.wait(10)
        with local_client(app) as client:
            text = client.get("/metrics").text
    finally:
        manager.close()
    assert 'confwarden_source_reloads_total{source="set"} 1.0' in text
    assert 'confwarden_source_last_reload_age_seconds{source="set"}' in text
