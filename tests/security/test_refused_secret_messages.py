"""A refused secret's message says what is wrong without its length (issue 10 item 7).

A length narrows a brute-force search: "is 10 characters" tells an attacker which words of a
list to try. Every producer of a "too short" message is checked here with one table.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from confwarden.components.clickhouse_url import ClickHouseURLBuilder
from confwarden.components.database_url import DatabaseURLBuilder
from confwarden.components.redis_url import RedisURLBuilder
from confwarden.components.weak_secrets import weakness
from confwarden.config.validation import ValidationContext
from confwarden.config.validation.secrets import SecretStrengthRule
from confwarden.environment.detection import Environment

_LENGTH = re.compile(r"\bis \d+ characters|\b\d+ characters long")


def _rule(variables: dict[str, str]) -> list[str]:
    ctx = ValidationContext.from_variables(Environment.STAGING, variables)
    return [str(p) for p in SecretStrengthRule().check(ctx)]


PRODUCERS: dict[str, Callable[[], list[str]]] = {
    "secrets.length": lambda: _rule({"SECRET_KEY": "Kq7xZ2Lp9R"}),
    "DatabaseURLBuilder": lambda: [
        str(p)
        for p in DatabaseURLBuilder(
            {
                "POSTGRES_HOST": "db.internal.example.com",
                "POSTGRES_USER": "app",
                "POSTGRES_PASSWORD": "Kq7xZ2",
                "POSTGRES_DB": "app",
                "POSTGRES_SSLMODE": "require",
            },
            environment="staging",
        ).validate()
    ],
    "RedisURLBuilder": lambda: [
        str(p)
        for p in RedisURLBuilder(
            {"REDIS_URL": "rediss://:Kq@cache.example.com:6380/0"}, environment="staging"
        ).validate()
    ],
    "ClickHouseURLBuilder": lambda: [
        str(p)
        for p in ClickHouseURLBuilder(
            {"CLICKHOUSE_URL": "https://app:Kq@ch.example.com:8443/db"},
            environment="staging",
        ).validate()
    ],
}


@pytest.mark.parametrize("producer", sorted(PRODUCERS))
def test_refused_secret_message_has_no_length(producer: str) -> None:
    messages = PRODUCERS[producer]()
    short = [m for m in messages if "shorter than" in m]
    assert short, messages
    for message in short:
        assert not _LENGTH.search(message), message
        assert re.search(r"shorter than the \d+ characters required", message), message


def test_weakness_says_what_is_wrong_without_the_length() -> None:
    assert weakness("Kq7xZ2", min_length=12) == "is shorter than the 12 characters required"
