"""The backend's configuration class and its four environment profiles."""

from __future__ import annotations

from typing import Annotated, ClassVar

from shared.config import PlatformConfig

from confwarden import Env, Environment

__all__ = [
    "BackendConfig",
    "BackendDevelopmentConfig",
    "BackendProductionConfig",
    "BackendStagingConfig",
    "BackendTestingConfig",
]


class BackendConfig(PlatformConfig):
    """The backend: the platform configuration plus its worker pool."""

    worker_count: Annotated[
        int, Env("BACKEND_WORKER_COUNT", group="backend", description="Request workers")
    ] = 2
    port: int = 8000


class BackendDevelopmentConfig(BackendConfig):
    """Development: debug on, one worker."""

    ENVIRONMENT: ClassVar[Environment | None] = Environment.DEVELOPMENT
    debug: bool = True
    log_level: str = "DEBUG"
    worker_count: int = 1


class BackendTestingConfig(BackendConfig):
    """Testing: in-memory database, one worker."""

    __test__: ClassVar[bool] = False
    ENVIRONMENT: ClassVar[Environment | None] = Environment.TESTING
    use_memory_db: bool = True
    worker_count: int = 1


class BackendStagingConfig(BackendConfig):
    """Staging: TLS to the database."""

    ENVIRONMENT: ClassVar[Environment | None] = Environment.STAGING
    postgres_sslmode: str | None = "require"


class BackendProductionConfig(BackendConfig):
    """Production: TLS to the database, more workers, quieter logs."""

    ENVIRONMENT: ClassVar[Environment | None] = Environment.PRODUCTION
    postgres_sslmode: str | None = "require"
    log_level: str = "WARNING"
    worker_count: int = 8
