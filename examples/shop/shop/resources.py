"""The shop's connections: one SQLAlchemy async engine and one Redis client, from the config."""

from __future__ import annotations

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from confwarden import DatabaseURLBuilder, RedisURLBuilder
from shop.config import ShopConfig

__all__ = ["create_cache", "create_engine"]


def create_engine(config: ShopConfig) -> AsyncEngine:
    """An async engine on the URL DatabaseURLBuilder builds from what the config resolved
    (mounted secrets and .env included; password masked in logs)."""
    builder = DatabaseURLBuilder.from_config(config)
    url = builder.get_url_for_environment()
    return create_async_engine(url.to_sqlalchemy(), pool_pre_ping=True)


def create_cache(config: ShopConfig) -> Redis:
    """A Redis client on the URL RedisURLBuilder builds."""
    builder = RedisURLBuilder.from_config(config)
    client: Redis = Redis.from_url(builder.get_url().get_secret_value(), decode_responses=True)
    return client
