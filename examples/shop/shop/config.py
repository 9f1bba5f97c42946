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

    def database_variables(self) -> dict[str, str]:
        """The ``POSTGRES_*`` variables DatabaseURLBuilder reads, from this config."""
        variables = {
            "POSTGRES_HOST": self.postgres_host,
            "POSTGRES_PORT": str(self.postgres_port),
            "POSTGRES_USER": self.postgres_user,
            "POSTGRES_DB": self.postgres_db,
        }
        if self.postgres_password is not None:
            variables["POSTGRES_PASSWORD"] = self.postgres_password.get_secret_value()
        return variables

    def redis_variables(self) -> dict[str, str]:
        """The ``REDIS_*`` variables RedisURLBuilder reads, from this config."""
        variables = {"REDIS_HOST": self.redis_host, "REDIS_PORT": str(self.redis_port)}
        if self.redis_password is not None:
            variables["REDIS_PASSWORD"] = self.redis_password.get_secret_value()
        return variables
