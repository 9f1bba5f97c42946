"""Every URL DatabaseURLBuilder emits, used by every driver against a real PostgreSQL.

The server (tests/servers/postgres.py) listens on 127.0.0.1 with TLS and on a unix socket in a
directory named like a Cloud SQL instance; its users have passwords full of URL delimiters,
spaces and unicode. Staging and production refuse a local host, so their TCP URLs are built
for ``db.internal`` and then pointed at 127.0.0.1 with ``copy_with``: what is proven is that
each driver accepts the TLS parameter in the form the builder emits, over a real TLS session.

Each client is given the URL in the one call docs/components.md documents for it:
``url.to_sqlalchemy()`` for ``create_engine``/``create_async_engine`` and
``url.get_secret_value()`` for a driver's own ``connect()``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

import pytest
from tests.servers.postgres import PostgresServer

from confwarden.components.database_url import DatabaseURLBuilder, Driver
from confwarden.components.url import SecretURL
from confwarden.environment.detection import Environment

pytestmark = pytest.mark.integration

QUERY = (
    "select current_user, coalesce((select ssl from pg_stat_ssl where pid = pg_backend_pid()),"
    " false)"
)


def sqlalchemy_sync(url: SecretURL) -> tuple[str, bool]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(url.to_sqlalchemy(), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            user, ssl = conn.execute(text(QUERY)).one()
    finally:
        engine.dispose()
    return user, ssl


def sqlalchemy_async(url: SecretURL) -> tuple[str, bool]:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    async def run() -> tuple[str, bool]:
        engine = create_async_engine(url.to_sqlalchemy(), poolclass=NullPool)
        try:
            async with engine.connect() as conn:
                user, ssl = (await conn.execute(text(QUERY))).one()
        finally:
            await engine.dispose()
        return user, ssl

    return asyncio.run(run())


def raw_asyncpg(dsn: SecretURL) -> tuple[str, bool]:
    import asyncpg

    async def run() -> tuple[str, bool]:
        conn = await asyncpg.connect(dsn.get_secret_value())
        try:
            row = await conn.fetchrow(QUERY)
        finally:
            await conn.close()
        assert row is not None
        return row[0], row[1]

    return asyncio.run(run())


def raw_psycopg(dsn: SecretURL) -> tuple[str, bool]:
    import psycopg

    with psycopg.connect(dsn.get_secret_value()) as conn:
        row = conn.execute(QUERY).fetchone()
    assert row is not None
    return row[0], row[1]


def raw_psycopg2(dsn: SecretURL) -> tuple[str, bool]:
    import psycopg2

    conn = psycopg2.connect(dsn.get_secret_value())
    try:
        with conn.cursor() as cur:
            cur.execute(QUERY)
            row = cur.fetchone()
    finally:
        conn.close()
    assert row is not None
    return row[0], row[1]


# name -> (how to get the URL from the builder, how to connect with it)
CLIENTS: dict[
    str, tuple[Callable[[DatabaseURLBuilder], SecretURL], Callable[[SecretURL], object]]
] = {
    "sqlalchemy-asyncpg": (lambda b: b.get_url_for_environment(), sqlalchemy_async),
    "sqlalchemy-psycopg-async": (
        lambda b: b.get_url_for_environment(driver=Driver.PSYCOPG),
        sqlalchemy_async,
    ),
    "sqlalchemy-psycopg": (lambda b: b.get_url_for_environment(sync=True), sqlalchemy_sync),
    "sqlalchemy-psycopg2": (
        lambda b: b.get_url_for_environment(sync=True, driver=Driver.PSYCOPG2),
        sqlalchemy_sync,
    ),
    "asyncpg": (lambda b: b.get_dsn(), raw_asyncpg),
    "psycopg": (lambda b: b.get_dsn(), raw_psycopg),
    "psycopg2": (lambda b: b.get_dsn(), raw_psycopg2),
}


@pytest.mark.parametrize("unicode", [False, True], ids=["delimiters", "unicode"])
@pytest.mark.parametrize("transport", ["tcp", "cloudsql-socket"])
@pytest.mark.parametrize("client", sorted(CLIENTS))
@pytest.mark.parametrize("environment", list(Environment))
def test_builder_url_connects_with_every_driver(
    postgres_server: PostgresServer,
    environment: Environment,
    client: str,
    transport: str,
    unicode: bool,
) -> None:
    socket = transport == "cloudsql-socket"
    env = postgres_server.component_vars(socket=socket, unicode=unicode)
    deployed_tcp = environment.is_deployed and not socket
    if deployed_tcp:
        env["POSTGRES_HOST"] = "db.internal"
    builder = DatabaseURLBuilder(env, environment=environment, in_docker=False)
    assert builder.validate().ok, builder.validate().to_dict()
    get_url, connect = CLIENTS[client]
    url = get_url(builder)
    if deployed_tcp:
        url = url.copy_with(host=postgres_server.host)
    user, ssl = connect(url)  # type: ignore[misc]
    expected_user = postgres_server.unicode_user if unicode else postgres_server.user
    assert user == expected_user
    if deployed_tcp:
        assert ssl is True, "staging/production TCP must run over TLS"
    if socket:
        assert ssl is False
        assert "host=" in str(url)


@pytest.mark.parametrize("client", ["sqlalchemy-psycopg", "psycopg"])
def test_builder_socket_url_without_port_uses_the_default_port(
    postgres_server: PostgresServer, client: str
) -> None:
    env = postgres_server.component_vars(socket=True)
    del env["POSTGRES_PORT"]
    url = CLIENTS[client][0](DatabaseURLBuilder(env, environment=Environment.PRODUCTION))
    assert "port" not in url.query_params
    # The test server is not on 5432: the driver must look for .s.PGSQL.5432 and fail there,
    # which proves the URL without a port is accepted and means "the default port".
    with pytest.raises(Exception, match=r"5432"):
        CLIENTS[client][1](url)


def test_builder_wrong_password_error_never_shows_the_password(
    postgres_server: PostgresServer,
) -> None:
    import psycopg

    env = postgres_server.component_vars()
    env["POSTGRES_PASSWORD"] = "wrong-" + postgres_server.password
    builder = DatabaseURLBuilder(env, environment=Environment.TESTING, in_docker=False)
    dsn = builder.get_dsn()
    with pytest.raises(psycopg.OperationalError) as raised:
        raw_psycopg(dsn)
    assert "password authentication failed" in str(raised.value)
    assert "CANARY-5f0e1d" not in str(raised.value)


# What a user would do by mistake: hand the masked ``str(url)`` to a driver. Every one must
# refuse it when it parses the string, before any connection, instead of sending ``***`` as
# the password to the server.
MASKED_MISUSE: dict[str, Callable[[str], object]] = {
    "create_engine": lambda s: __import__("sqlalchemy").create_engine(s),
    "create_async_engine": lambda s: __import__(
        "sqlalchemy.ext.asyncio", fromlist=["create_async_engine"]
    ).create_async_engine(s),
    "asyncpg.connect": lambda s: asyncio.run(__import__("asyncpg").connect(s)),
    "psycopg.connect": lambda s: __import__("psycopg").connect(s),
    "psycopg2.connect": lambda s: __import__("psycopg2").connect(s),
}


@pytest.mark.parametrize("call", sorted(MASKED_MISUSE))
def test_builder_masked_url_refused_by_driver_before_connecting(
    postgres_server: PostgresServer, call: str
) -> None:
    env = postgres_server.component_vars()
    builder = DatabaseURLBuilder(env, environment=Environment.TESTING, in_docker=False)
    url = builder.get_dsn() if "connect" in call else builder.get_url_for_environment()
    masked = str(url)
    assert masked.startswith("masked_use_get_secret_value__")
    with pytest.raises(Exception) as raised:  # noqa: PT011 - each driver has its own error
        MASKED_MISUSE[call](masked)
    # Refused while parsing (each driver's parse error), not by the server at login.
    assert re.search(r"parse|scheme|missing \"=\"|load plugin", str(raised.value)), raised.value
    assert postgres_server.password not in str(raised.value)
