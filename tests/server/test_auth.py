"""The token guard: every endpoint needs the token (header; query only on the WebSocket)."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient, WebSocketDenialResponse
from tests.server.conftest import API_PATHS, StreamEnded, local_client, remote_client

from confwarden.monitoring import MonitoringHub
from confwarden.server import TokenGuard, create_app, is_loopback
from confwarden.server.auth import WS_PROTOCOL, token_matches, token_subprotocols

TOKEN = "t0ken-CANARY-3a7f"
# Everything but the probes, which answer anyone (a kubelet has no token).
PRIVATE_PATHS = [p for p in API_PATHS if p not in ("/health/live", "/health/ready")]


@pytest.fixture
def guarded(hub: MonitoringHub) -> TestClient:
    return TestClient(create_app(hub, token=TOKEN, manage_hub=False))


@pytest.mark.parametrize("path", PRIVATE_PATHS)
def test_auth_refuses_a_request_without_the_token(guarded: TestClient, path: str) -> None:
    response = guarded.get(path)
    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json()["error"]
    assert TOKEN not in response.text


@pytest.mark.parametrize("path", PRIVATE_PATHS)
def test_auth_refuses_a_wrong_token(guarded: TestClient, path: str) -> None:
    assert guarded.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401


@pytest.mark.parametrize(
    "headers", [{"Authorization": f"Bearer {TOKEN}"}, {"X-Confwarden-Token": TOKEN}]
)
def test_auth_accepts_the_token_in_a_header(guarded: TestClient, headers: dict[str, str]) -> None:
    assert guarded.get("/config", headers=headers).status_code == 200


def test_auth_refuses_the_query_parameter_on_http(guarded: TestClient) -> None:
    assert guarded.get(f"/config?token={TOKEN}").status_code == 401


def test_auth_serves_the_data_free_dashboard_shell(guarded: TestClient) -> None:
    assert guarded.get("/").status_code == 200
    assert guarded.get("/dashboard.js").status_code == 200


def test_auth_websocket_accepts_the_token_as_a_subprotocol(
    guarded: TestClient, hub: MonitoringHub
) -> None:
    ended = StreamEnded(hub)
    with guarded.websocket_connect("/events", subprotocols=token_subprotocols(TOKEN)) as ws:
        assert ws.accepted_subprotocol == WS_PROTOCOL  # the token one is never echoed
        ended.close(ws)


def test_auth_websocket_refuses_the_query_parameter(guarded: TestClient) -> None:
    # A request line is written to access logs: the token never travels in it.
    with (
        pytest.raises(WebSocketDenialResponse) as info,
        guarded.websocket_connect(f"/events?token={TOKEN}"),
    ):
        pass  # pragma: no cover - refused before this point
    assert info.value.status_code == 401


@pytest.mark.parametrize("offer", ["confwarden.token.%%%", "confwarden.token.", "confwarden"])
def test_auth_websocket_refuses_a_malformed_subprotocol_token(
    guarded: TestClient, offer: str
) -> None:
    with (
        pytest.raises(WebSocketDenialResponse) as info,
        guarded.websocket_connect("/events", subprotocols=[WS_PROTOCOL, offer]),
    ):
        pass  # pragma: no cover - refused before this point
    assert info.value.status_code == 401


def test_auth_websocket_without_token_is_refused_with_the_reason(guarded: TestClient) -> None:
    with pytest.raises(WebSocketDenialResponse) as info, guarded.websocket_connect("/events"):
        pass  # pragma: no cover - refused before this point
    assert info.value.status_code == 401
    assert "a token is required" in info.value.json()["error"]


def test_auth_guard_repr_hides_the_token() -> None:
    async def app(scope: object, receive: object, send: object) -> None:  # pragma: no cover
        return None

    assert TOKEN not in repr(TokenGuard(app, TOKEN))  # type: ignore[arg-type]


def test_auth_guard_refuses_an_empty_token() -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        TokenGuard(lambda *a: None, "")  # type: ignore[arg-type,return-value]


@pytest.mark.parametrize("token", ["   \t", "short-token"])
def test_auth_guard_refuses_a_blank_or_short_token(token: str) -> None:
    with pytest.raises(ValueError, match=r"at least 16 characters|must not be empty"):
        TokenGuard(lambda *a: None, token)  # type: ignore[arg-type,return-value]


@pytest.mark.parametrize("token", ["", "   \t"])
def test_auth_create_app_blank_token_means_loopback_only(hub: MonitoringHub, token: str) -> None:
    # SHOP_MONITORING_TOKEN= left blank in a .env: "unset", not a 500 on every request.
    app = create_app(hub, token=token, manage_hub=False)
    with local_client(app) as client:
        assert client.get("/config").status_code == 200
        assert client.get("/health/live").status_code == 200
    with remote_client(app) as client:
        assert client.get("/config").status_code == 401


def test_auth_create_app_refuses_a_short_token_at_once(hub: MonitoringHub) -> None:
    with pytest.raises(ValueError, match="at least 16 characters"):
        create_app(hub, token="short-token", manage_hub=False)


def test_auth_token_compare() -> None:
    assert token_matches(TOKEN, TOKEN)
    assert not token_matches(None, TOKEN)
    assert not token_matches(TOKEN[:-1], TOKEN)
    assert not token_matches("é", TOKEN)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("example.com", False),
    ],
)
def test_auth_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_auth_guard_works_under_a_mount_prefix(hub: MonitoringHub) -> None:
    from starlette.applications import Starlette
    from starlette.routing import Mount

    host = Starlette(routes=[Mount("/confwarden", create_app(hub, token=TOKEN, manage_hub=False))])
    with TestClient(host) as client:
        assert client.get("/confwarden/").status_code == 200
        assert client.get("/confwarden/dashboard.js").status_code == 200
        assert client.get("/confwarden/health").status_code == 401
        headers = {"Authorization": f"Bearer {TOKEN}"}
        assert client.get("/confwarden/health/live", headers=headers).status_code == 200


# -- no token: secure by default (mounted in an app as well as alone) ------------------------


@pytest.mark.parametrize("path", PRIVATE_PATHS)
def test_auth_without_token_refuses_a_remote_client(hub: MonitoringHub, path: str) -> None:
    with remote_client(create_app(hub, manage_hub=False)) as client:
        response = client.get(path)
    assert response.status_code == 401
    error = response.json()["error"]
    assert "a token is required" in error
    assert "CONFWARDEN_SERVE_TOKEN" in error
    assert "create_app(hub, token=...)" in error


def test_auth_without_token_refuses_a_remote_websocket(hub: MonitoringHub) -> None:
    client = remote_client(create_app(hub, manage_hub=False))
    with pytest.raises(WebSocketDenialResponse) as info, client.websocket_connect("/events"):
        pass  # pragma: no cover - refused before this point
    assert info.value.status_code == 401


def test_auth_without_token_serves_the_probes_to_a_remote_client(hub: MonitoringHub) -> None:
    # A kubelet probes from the node's address, without a token; the status only.
    with remote_client(create_app(hub, manage_hub=False)) as client:
        assert client.get("/health/live").json() == {"status": "UP"}
        ready = client.get("/health/ready")
        assert client.get("/").status_code == 200
    assert ready.status_code == 503
    assert ready.json() == {"status": "DOWN"}


@pytest.mark.parametrize("path", API_PATHS)
def test_auth_without_token_serves_a_loopback_client(hub: MonitoringHub, path: str) -> None:
    with local_client(create_app(hub, manage_hub=False)) as client:
        assert client.get(path).status_code in (200, 503)


def test_auth_token_from_the_environment_variable(hub: MonitoringHub) -> None:
    hub.env.set("CONFWARDEN_SERVE_TOKEN", TOKEN, source="test")  # type: ignore[attr-defined]
    with remote_client(create_app(hub, manage_hub=False)) as client:
        assert client.get("/config").status_code == 401
        headers = {"Authorization": f"Bearer {TOKEN}"}
        assert client.get("/config", headers=headers).status_code == 200
    with local_client(create_app(hub, manage_hub=False)) as client:
        assert client.get("/config").status_code == 401  # a token binds everyone


def test_auth_allow_unauthenticated_is_an_explicit_decision(hub: MonitoringHub) -> None:
    app = create_app(
        hub, allow_unauthenticated=True, allowed_hosts=["shop.internal"], manage_hub=False
    )
    with remote_client(app) as client:
        assert client.get("/config").status_code == 200


# -- DNS rebinding and cross-site WebSockets --------------------------------------------------


@pytest.mark.parametrize("host", ["rebind.evil.example", "rebind.evil.example:8700", "10.0.0.1"])
def test_auth_without_token_refuses_a_foreign_host_header(hub: MonitoringHub, host: str) -> None:
    with local_client(create_app(hub, manage_hub=False)) as client:
        response = client.get("/config", headers={"Host": host})
    assert response.status_code == 400
    assert f"host {host!r} is not allowed" in response.json()["error"]


@pytest.mark.parametrize("host", ["localhost:8700", "127.0.0.1", "[::1]:8700", "app.localhost"])
def test_auth_without_token_accepts_loopback_host_names(hub: MonitoringHub, host: str) -> None:
    with local_client(create_app(hub, manage_hub=False)) as client:
        assert client.get("/config", headers={"Host": host}).status_code == 200


def test_auth_allowed_hosts_widen_the_host_check(hub: MonitoringHub) -> None:
    app = create_app(hub, allowed_hosts=["*.corp.example"], manage_hub=False)
    with local_client(app) as client:
        assert client.get("/config", headers={"Host": "cw.corp.example"}).status_code == 200
        assert client.get("/config", headers={"Host": "corp.example.evil"}).status_code == 400


def test_auth_websocket_from_another_origin_is_refused_even_with_the_token(
    guarded: TestClient,
) -> None:
    headers = {"Origin": "http://evil.example"}
    with (
        pytest.raises(WebSocketDenialResponse) as info,
        guarded.websocket_connect(
            "/events", headers=headers, subprotocols=token_subprotocols(TOKEN)
        ),
    ):
        pass  # pragma: no cover - refused before this point
    assert info.value.status_code == 403
    assert "origin 'http://evil.example' is not this server's" in info.value.json()["error"]


def test_auth_websocket_from_its_own_origin_is_accepted(hub: MonitoringHub) -> None:
    ended = StreamEnded(hub)
    with (
        local_client(create_app(hub, manage_hub=False)) as client,
        client.websocket_connect("/events", headers={"Origin": "http://127.0.0.1:8700"}) as ws,
    ):
        ended.close(ws)


def test_auth_allowed_origins_accept_another_origin(hub: MonitoringHub) -> None:
    ended = StreamEnded(hub)
    app = create_app(hub, allowed_origins=["https://ops.example"], manage_hub=False)
    with (
        local_client(app) as client,
        client.websocket_connect("/events", headers={"Origin": "https://ops.example"}) as ws,
    ):
        ended.close(ws)
