"""A service with a canary secret, its monitoring hub, and the server app (in-process)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from pydantic import SecretStr
from starlette.testclient import TestClient, WebSocketTestSession
from tests.clock import FakeClock

from confwarden.config.change_tracker import ChangeTracker
from confwarden.config.manager import UnifiedConfigManager
from confwarden.config.schema import Env
from confwarden.environment.detection import Environment
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.monitoring import MonitoringHub, MonitoringSettings, Subscription
from confwarden.server import create_app

CANARY = "CANARY-server-4f3e2d1c0b9a8f7e6d5c4b3a29181716"
DB_CANARY = "dbpw-CANARY-91ab"
DEPLOYED = frozenset({Environment.STAGING, Environment.PRODUCTION})
# Every JSON endpoint of the app (the dashboard page and its script come on top).
API_PATHS = [
    "/health",
    "/health/live",
    "/health/ready",
    "/config",
    "/config/validation",
    "/executions",
    "/metrics",
]


class ShopConfig(MonitoringSettings):
    shop_secret: Annotated[
        SecretStr | None,
        Env("SHOP_SECRET", sensitive=True, critical=True, required_in=DEPLOYED),
    ] = None
    # A DSN with a password is a secret: declared sensitive (validation reports a password in
    # a plain URL field, since repr(config) would show it).
    shop_db_url: Annotated[SecretStr | None, Env("SHOP_DB_URL", sensitive=True)] = None
    shop_name: str = "shop"


def make_hub(variables: dict[str, str], **kwargs: object) -> MonitoringHub:
    env = IsolatedEnvironment(environ=variables, isolated=True)
    manager = UnifiedConfigManager(ShopConfig, env=env, environment=Environment.PRODUCTION)
    tracker = ChangeTracker(
        environment=Environment.PRODUCTION, fields=ShopConfig.__confwarden_fields__
    )
    tracker.attach(env)
    hub = MonitoringHub(manager, change_tracker=tracker, **kwargs)  # type: ignore[arg-type]
    hub.env = env  # type: ignore[attr-defined]
    return hub


GOOD = {
    "SHOP_SECRET": CANARY,
    "SHOP_DB_URL": f"postgresql://app:{DB_CANARY}@db.internal:5432/shop",
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def hub(clock: FakeClock) -> MonitoringHub:
    return make_hub(dict(GOOD), clock=clock)


class _Client(TestClient):
    # TestClient's WebSockets use the Host "testserver" whatever base_url says.
    def websocket_connect(self, url: str, *args: Any, **kwargs: Any) -> WebSocketTestSession:
        base = str(self.base_url).replace("http", "ws", 1).rstrip("/")
        return super().websocket_connect(base + url, *args, **kwargs)


def local_client(app: Any) -> TestClient:
    """A client on this machine (loopback address and ``Host``): served without a token."""
    return _Client(app, base_url="http://127.0.0.1:8700", client=("127.0.0.1", 50000))


def remote_client(app: Any) -> TestClient:
    """A client of another machine, reaching the service under its network name."""
    return _Client(app, base_url="http://shop.internal:8000", client=("10.1.2.3", 50000))


@pytest.fixture
def client(hub: MonitoringHub) -> Iterator[TestClient]:
    # The hub is driven by the tests (check() calls), not by its background threads.
    with local_client(create_app(hub, manage_hub=False)) as test_client:
        yield test_client


class StreamEnded:
    """Set once the server's /events handler has let go of its subscription.

    Starlette's TestClient cancels a WebSocket app that is still running when the ``with``
    block ends; closing from the client and awaiting this first makes the end deterministic.
    """

    def __init__(self, hub: MonitoringHub) -> None:
        self.event = threading.Event()
        original = hub.bus.unsubscribe

        def unsubscribe(subscription: Subscription, reason: str = "closed") -> None:
            original(subscription, reason)
            self.event.set()

        hub.bus.unsubscribe = unsubscribe  # type: ignore[method-assign]

    def close(self, ws: WebSocketTestSession) -> None:
        ws.close()
        assert self.event.wait(10), "the /events handler did not finish"
