"""The shop's API against real PostgreSQL and Redis (POSTGRES_* and REDIS_* in the environment)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from shop.app import create_app

TOKEN = "shop-monitoring-token-0123456789"


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("SHOP_PAGE_SIZE", "10")
    monkeypatch.setenv("SHOP_MONITORING_TOKEN", TOKEN)
    with TestClient(create_app()) as test_client:
        yield test_client


def test_health_reaches_the_database_and_the_cache(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}


def test_items_are_paged_by_the_configured_page_size(client: TestClient) -> None:
    response = client.get("/items", params={"page": 2})
    assert response.json() == {"page": 2, "currency": "EUR", "items": list(range(11, 21))}


def test_visits_are_counted_in_redis(client: TestClient) -> None:
    first = client.post("/visits").json()["visits"]
    assert client.post("/visits").json()["visits"] == first + 1


def test_confwarden_health_routes_are_mounted_and_masked(client: TestClient) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    health = client.get("/confwarden/health", headers=headers)
    assert health.status_code == 200
    assert health.json()["status"] in ("UP", "DEGRADED")
    config = client.get("/confwarden/config", headers=headers).text
    assert "SHOP_PAGE_SIZE" in config
    assert os.environ["POSTGRES_PASSWORD"] not in config
    assert TOKEN not in config


def test_confwarden_health_routes_need_the_token(client: TestClient) -> None:
    assert client.get("/confwarden/config").status_code == 401
    assert client.get("/confwarden/metrics").status_code == 401
    assert client.get("/confwarden/health/live").status_code == 200  # probes stay open
