"""SecretURL handed to a driver the wrong way fails at once, naming the right call (issue 9).

The drivers are the real ones of the ``db`` extra; each mistake is refused while the driver
reads its argument, before any connection, so no server is needed (the right calls are proven
against real servers in test_database_url_integration.py and examples/shop).
"""

from __future__ import annotations

import asyncio
import copy
import pickle
from collections.abc import Callable

import pytest

from confwarden.components.url import MASKED_PREFIX, SecretURL, parse_secret_url

CANARY = "zebraGiraffe77Q"
PG = SecretURL("postgresql", "app", CANARY, "127.0.0.1", 9, "app")
PG_ASYNC = PG.copy_with(scheme="postgresql+asyncpg")
REDIS = SecretURL("redis", None, CANARY, "127.0.0.1", 9, "0")

DRIVER_HINT = "url.get_secret_value()"
SQLALCHEMY_HINT = "url.to_sqlalchemy()"


def _create_engine(url: object) -> object:
    from sqlalchemy import create_engine

    return create_engine(url)  # type: ignore[call-overload]


def _create_async_engine(url: object) -> object:
    from sqlalchemy.ext.asyncio import create_async_engine

    return create_async_engine(url)  # type: ignore[arg-type]


def _asyncpg(url: object) -> object:
    import asyncpg

    return asyncio.run(asyncpg.connect(url, timeout=1))  # type: ignore[arg-type]


def _psycopg(url: object) -> object:
    import psycopg

    return psycopg.connect(url, connect_timeout=1)  # type: ignore[arg-type]


def _redis(url: object) -> object:
    import redis

    return redis.from_url(url)  # type: ignore[arg-type]


def _redis_asyncio(url: object) -> object:
    import redis.asyncio

    return redis.asyncio.from_url(url)  # type: ignore[arg-type]


# (the call, the URL a user would have, what its message must name)
OBJECT_MISUSE: dict[str, tuple[Callable[[object], object], SecretURL, str]] = {
    "create_engine": (_create_engine, PG, SQLALCHEMY_HINT),
    "create_async_engine": (_create_async_engine, PG_ASYNC, SQLALCHEMY_HINT),
    "asyncpg.connect": (_asyncpg, PG, DRIVER_HINT),
    "psycopg.connect": (_psycopg, PG, DRIVER_HINT),
    "redis.from_url": (_redis, REDIS, DRIVER_HINT),
    "redis.asyncio.from_url": (_redis_asyncio, REDIS, DRIVER_HINT),
}


@pytest.mark.parametrize("call", sorted(OBJECT_MISUSE))
def test_secret_url_object_given_to_a_driver_fails_naming_the_right_call(call: str) -> None:
    function, url, hint = OBJECT_MISUSE[call]
    with pytest.raises(Exception) as raised:  # noqa: PT011 - each driver has its own error
        function(url)
    message = str(raised.value)
    assert hint in message, message
    assert CANARY not in message


# The masked str(url) handed over: the drivers that quote what they could not parse quote
# the prefix, and the prefix says what to call instead.
STRING_MISUSE: dict[str, tuple[Callable[[object], object], SecretURL]] = {
    "create_engine": (_create_engine, PG),
    "create_async_engine": (_create_async_engine, PG_ASYNC),
    "psycopg.connect": (_psycopg, PG),
}


@pytest.mark.parametrize("call", sorted(STRING_MISUSE))
def test_secret_url_masked_str_given_to_a_driver_fails_naming_get_secret_value(
    call: str,
) -> None:
    function, url = STRING_MISUSE[call]
    with pytest.raises(Exception) as raised:  # noqa: PT011 - each driver has its own error
        function(str(url))
    message = str(raised.value)
    assert "get_secret_value" in message, message
    assert CANARY not in message


def test_secret_url_masked_str_is_one_token_that_keeps_the_password_masked() -> None:
    masked = str(PG)
    assert masked == f"{MASKED_PREFIX}postgresql://app:***@127.0.0.1:9/app"
    assert " " not in masked
    assert CANARY not in masked + repr(PG) + f"{PG}"


def test_secret_url_masked_str_is_refused_by_parse_secret_url() -> None:
    with pytest.raises(ValueError, match=r"get_secret_value\(\)"):
        parse_secret_url(str(PG))


def test_secret_url_missing_attribute_names_the_right_call() -> None:
    with pytest.raises(AttributeError, match=r"url\.get_secret_value\(\)") as raised:
        PG.startswith("postgresql")  # type: ignore[attr-defined]
    assert "url.to_sqlalchemy()" in str(raised.value)
    assert not hasattr(PG, "decode")


def test_secret_url_still_copies_pickles_and_compares() -> None:
    assert copy.deepcopy(PG) == PG
    assert pickle.loads(pickle.dumps(PG)) == PG
    with pytest.raises(AttributeError) as raised:
        PG.__no_such_dunder__  # type: ignore[attr-defined]  # noqa: B018
    assert "get_secret_value" not in str(raised.value)
