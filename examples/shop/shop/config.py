"""The shop's configuration: every variable it reads, typed, in one class."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel

from confwarden import DEPLOYED, ConfigSchema, Env, SecretStr

__all__ = ["PaymentSettings", "ShopConfig"]


class PaymentSettings(BaseModel):
    """A nested group: ``SHOP_PAYMENT__PROVIDER=adyen`` or ``SHOP_PAYMENT='{...}'``."""

    provider: Literal["stripe", "adyen"] = "stripe"
    currency: str = "EUR"


class ShopConfig(ConfigSchema, env_prefix="SHOP_"):
    """What the shop reads; ``bootstrap(ShopConfig)`` builds and validates it at startup."""

    page_size: Annotated[int, Env(description="Items per page")] = 50  # SHOP_PAGE_SIZE
    allowed_origins: list[str] = []  # noqa: RUF012 - SHOP_ALLOWED_ORIGINS=a.com,b.com
    payment: PaymentSettings = PaymentSettings()  # SHOP_PAYMENT__CURRENCY=USD
    stripe_api_key: Annotated[  # SHOP_STRIPE_API_KEY, masked everywhere
        SecretStr | None, Env(critical=True, required_in=DEPLOYED)
    ] = None

    # The token of the /confwarden routes (docs/server.md): without it only clients on the
    # same machine may read them. In production a file /run/secrets/SHOP_MONITORING_TOKEN.
    monitoring_token: SecretStr | None = None  # SHOP_MONITORING_TOKEN

    # PostgreSQL components (explicit names: no prefix), for DatabaseURLBuilder.
    postgres_host: Annotated[str, Env("POSTGRES_HOST", required_in=DEPLOYED)] = "localhost"
    postgres_port: Annotated[int, Env("POSTGRES_PORT")] = 5432
    postgres_user: Annotated[str, Env("POSTGRES_USER")] = "shop"
    postgres_password: Annotated[
        SecretStr | None, Env("POSTGRES_PASSWORD", required_in=DEPLOYED)
    ] = None
    postgres_db: Annotated[str, Env("POSTGRES_DB")] = "shop"

    # Redis components, for RedisURLBuilder.
    redis_host: Annotated[str, Env("REDIS_HOST")] = "localhost"
    redis_port: Annotated[int, Env("REDIS_PORT")] = 6379
    redis_password: Annotated[SecretStr | None, Env("REDIS_PASSWORD")] = None
