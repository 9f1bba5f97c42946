"""Shared building blocks every service uses the same way (spec/003 "Shared Components").

One implementation each of what the platform's services used to copy and get subtly wrong:
the database URL (:class:`DatabaseURLBuilder`), the JWT secret shared by every service
(:class:`SharedJWTSecretManager`), service URLs and ports (:class:`PortDiscovery`), and the
Redis and ClickHouse URLs. Each takes the variables as a mapping (pass the world in), judges
them by the rules of one environment, reports every problem at once, and never shows a secret.
"""

from __future__ import annotations

from confwarden.components.clickhouse_url import ClickHouseURLBuilder
from confwarden.components.database_url import DatabaseURLBuilder, Driver, Transport
from confwarden.components.jwt_secret import (
    ConsistencyReport,
    JWTSecretResolution,
    SharedJWTSecretManager,
)
from confwarden.components.ports import PortConflict, PortDiscovery, ServiceSpec
from confwarden.components.problems import Problem, ValidationResult
from confwarden.components.redis_url import RedisURLBuilder
from confwarden.components.url import SecretURL, parse_secret_url

__all__ = [
    "ClickHouseURLBuilder",
    "ConsistencyReport",
    "DatabaseURLBuilder",
    "Driver",
    "JWTSecretResolution",
    "PortConflict",
    "PortDiscovery",
    "Problem",
    "RedisURLBuilder",
    "SecretURL",
    "ServiceSpec",
    "SharedJWTSecretManager",
    "Transport",
    "ValidationResult",
    "parse_secret_url",
]
