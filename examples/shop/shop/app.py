"""The shop's HTTP API: FastAPI, with the configuration built once by ``bootstrap()``.

confwarden's health routes are mounted under ``/confwarden`` (docs/server.md "Mount it in
your service"): ``/confwarden/health``, ``/confwarden/metrics``, the dashboard at
``/confwarden/``; they serve the configuration ``bootstrap()`` installed, masked, to clients
sending ``SHOP_MONITORING_TOKEN`` (``Authorization: Bearer ...``); without a token, to clients
on the same machine only.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import text

from confwarden import bootstrap
from confwarden.config.manager import get_unified_manager
from confwarden.monitoring import MonitoringHub
from confwarden.server import create_app as create_health_app
from shop.config import ShopConfig
from shop.resources import create_cache, create_engine

__all__ = ["create_app"]


def create_app(config: ShopConfig | None = None) -> FastAPI:
    """The app; ``config`` defaults to ``bootstrap(ShopConfig)`` (fails fast when invalid)."""
    settings = config if config is not None else _bootstrap()
    engine = create_engine(settings)
    cache = create_cache(settings)
    hub = MonitoringHub(get_unified_manager())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        hub.start()  # a mounted app's own lifespan is not run: the host starts the hub
        yield
        hub.stop()
        await cache.aclose()
        await engine.dispose()

    app = FastAPI(title="shop", lifespan=lifespan)
    token = settings.monitoring_token
    health_app = create_health_app(
        hub,
        token=token.get_secret_value() if token is not None else None,
        manage_hub=False,
    )
    app.mount("/confwarden", health_app)

    @app.get("/health")
    async def health() -> dict[str, str]:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        await cache.ping()
        return {"database": "ok", "cache": "ok"}

    @app.get("/items")
    async def items(page: int = 1) -> dict[str, object]:
        size = settings.page_size
        query = text("SELECT n FROM generate_series(CAST(:first AS int), CAST(:last AS int)) AS n")
        async with engine.connect() as connection:
            result = await connection.execute(
                query, {"first": (page - 1) * size + 1, "last": page * size}
            )
            numbers = [int(row[0]) for row in result]
        return {"page": page, "currency": settings.payment.currency, "items": numbers}

    @app.post("/visits")
    async def visit() -> dict[str, int]:
        return {"visits": int(await cache.incr("shop:visits"))}

    return app


def _bootstrap() -> ShopConfig:
    return bootstrap(ShopConfig)
