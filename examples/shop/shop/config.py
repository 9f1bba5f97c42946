"""The shop's configuration: every variable it reads, typed, in one class."""

from __future__ import annotations

from typing import Annotated

from pydantic import SecretStr

from confwarden import ConfigSchema, Env
from confwarden.config.spec import DEPLOYED

__all__ = ["ShopConfig"]


class ShopConfig(ConfigSchema):
    """What the shop reads; ``bootstrap(ShopConfig)`` builds and validates it at startup."""

    page_size: Annotated[int, Env("SHOP_PAGE_SIZE", description="Items per page")] = 50
    currency: Annotated[str, Env("SHOP_CURRENCY", description="ISO 4217 code")] = "EUR"
    allowed_origins: Annotated[
        tuple[str, ...], Env("SHOP_ALLOWED_ORIGINS", description="CORS origins, comma-separated")
    ] = ()
    stripe_api_key: Annotated[
        SecretStr | None,
        Env("SHOP_STRIPE_API_KEY", sensitive=True, critical=True, required_in=DEPLOYED),
    ] = None

    # PostgreSQL components: DatabaseURLBuilder turns them into a URL (never glued by hand).
    postgres_host: Annotated[str, Env("POSTGRES_HOST", required_in=DEPLOYED)] = "localhost"
    postgres_port: Annotated[int, Env("POSTGRES_PORT")] = 5432
    postgres_user: Annotated[str, Env("POSTGRES_USER")] = "shop"
    postgres_password: Annotated[
        SecretStr | None, Env("POSTGRES_PASSWORD", sensitive=True, required_in=DEPLOYED)
    ] = None
    postgres_db: Annotated[str, Env("POSTGRES_DB")] = "shop"

    # Redis components, for RedisURLBuilder.
    redis_host: Annotated[str, Env("REDIS_HOST")] = "localhost"
    redis_port: Annotated[int, Env("REDIS_PORT")] = 6379
    redis_password: Annotated[SecretStr | None, Env("REDIS_PASSWORD", sensitive=True)] = None

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
