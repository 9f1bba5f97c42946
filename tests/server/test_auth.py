"""The token guard: every endpoint needs the token (header; query only on the WebSocket)."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from tests.server.conftest import API_PATHS, StreamEnded

from confwarden.monitoring import MonitoringHub
from confwarden.server import TokenGuard, create_app, is_loopback
from confwarden.server.auth import token_matches

TOKEN = "t0ken-CANARY-3a7f"


@pytest.fixture
def guarded(hub: MonitoringHub) -> TestClient:
    return TestClient(create_app(hub, token=TOKEN, manage_hub=False))


@pytest.mark.parametrize("path", API_PATHS)
def test_auth_refuses_a_request_without_the_token(guarded: TestClient, path: str) -> None:
    response = guarded.get(path)
    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json()["error"]
    assert TOKEN not in response.text


@pytest.mark.parametrize("path", API_PATHS)
def test_auth_refuses_a_wrong_token(guarded: TestClient, path: str) -> None:
    assert guarded.get(path, headers={"Authorization": "Bearer nope"}).status_code == 401


@pytest.mark.parametrize(
    "headers", [{"Authorization": f"Bearer {TOKEN}"}, {"X-Confwarden-Token": TOKEN}]
)
def test_auth_accepts_the_token_in_a_header(guarded: TestClient, headers: dict[str, str]) -> None:
    assert guarded.get("/health/live", headers=headers).status_code == 200


def test_auth_refuses_the_query_parameter_on_http(guarded: TestClient) -> None:
    assert guarded.get(f"/config?token={TOKEN}").status_code == 401


def test_auth_serves_the_data_free_dashboard_shell(guarded: TestClient) -> None:
    assert guarded.get("/").status_code == 200
    assert guarded.get("/dashboard.js").status_code == 200


def test_auth_websocket_accepts_the_query_parameter(
    guarded: TestClient, hub: MonitoringHub
) -> None:
    ended = StreamEnded(hub)
    with guarded.websocket_connect(f"/events?token={TOKEN}") as ws:
        ended.close(ws)


def test_auth_websocket_without_token_is_closed(guarded: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect) as info, guarded.websocket_connect("/events"):
        pass  # pragma: no cover - refused before this point
    assert info.value.code == 1008


def test_auth_guard_repr_hides_the_token() -> None:
    async def app(scope: object, receive: object, send: object) -> None:  # pragma: no cover
        return None

    assert TOKEN not in repr(TokenGuard(app, TOKEN))  # type: ignore[arg-type]


def test_auth_guard_refuses_an_empty_token() -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        TokenGuard(lambda *a: None, "")  # type: ignore[arg-type,return-value]


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
