"""RedisURLBuilder: components, TLS, sockets, environment rules, masking; and a real Redis."""

from __future__ import annotations

import pytest
from tests.servers.redis import RedisServer

from confwarden.components.redis_url import RedisURLBuilder
from confwarden.environment.detection import Environment
from confwarden.errors import ComponentConfigError

CANARY = "CANARY-5f0e1d"
PASSWORD = f"r3d!s p@ss/w:rd%#? {CANARY}"


@pytest.mark.parametrize(
    ("env", "in_docker", "expected"),
    [
        ({}, False, "redis://localhost:6379/0"),
        ({}, True, "redis://localhost:6379/0"),
        ({"REDIS_DOCKER_SERVICE": "cache"}, True, "redis://cache:6379/0"),
        ({"REDIS_HOST": "127.0.0.1", "REDIS_DOCKER_SERVICE": "cache"}, True,
         "redis://127.0.0.1:6379/0"),
        ({"REDIS_PASSWORD": PASSWORD, "REDIS_DB": "3"}, False, "masked_use_get_secret_value__redis://:***@localhost:6379/3"),
        ({"REDIS_USERNAME": "app", "REDIS_PASSWORD": PASSWORD, "REDIS_HOST": "cache",
          "REDIS_PORT": "6380", "REDIS_TLS": "true"}, False, "masked_use_get_secret_value__rediss://app:***@cache:6380/0"),
        ({"REDIS_SOCKET": "/run/redis/redis.sock", "REDIS_DB": "2"}, False,
         "unix:///run/redis/redis.sock?db=2"),
        ({"REDIS_URL": "rediss://:pw%40x@cache.internal:6390/4"}, False,
         "masked_use_get_secret_value__rediss://:***@cache.internal:6390/4"),
        ({"REDIS_URL": "redis://cache:6379/4", "REDIS_DB": "5"}, False, "redis://cache:6379/5"),
    ],
)  # fmt: skip
def test_redis_url_development_forms(env: dict[str, str], in_docker: bool, expected: str) -> None:
    builder = RedisURLBuilder(env, environment="development", in_docker=in_docker)
    assert str(builder.get_url()) == expected


@pytest.mark.parametrize("environment", [Environment.STAGING, Environment.PRODUCTION])
def test_redis_url_deployed_forces_tls_and_requires_password(environment: Environment) -> None:
    env = {"REDIS_HOST": "cache.internal", "REDIS_PASSWORD": PASSWORD}
    url = RedisURLBuilder(env, environment=environment).get_url()
    assert str(url) == "masked_use_get_secret_value__rediss://:***@cache.internal:6379/0"
    assert url.password == PASSWORD


@pytest.mark.parametrize("environment", [Environment.STAGING, Environment.PRODUCTION])
def test_redis_url_deployed_reports_every_problem(environment: Environment) -> None:
    env = {"REDIS_HOST": "localhost", "REDIS_TLS": "false", "REDIS_DB": "x"}
    builder = RedisURLBuilder(env, environment=environment, in_docker=True)
    with pytest.raises(ComponentConfigError) as raised:
        builder.get_url()
    variables = {p.variable for p in builder.validate().errors}
    assert variables == {"REDIS_HOST", "REDIS_TLS", "REDIS_PASSWORD", "REDIS_DB"}
    assert all(v in str(raised.value) for v in variables)


@pytest.mark.parametrize(
    ("environment", "severity"),
    [("development", ["warning"]), ("testing", []), ("production", ["error"])],
)
def test_redis_url_weak_password_follows_policy(environment: str, severity: list[str]) -> None:
    env = {"REDIS_HOST": "cache.internal", "REDIS_PASSWORD": "redis"}
    result = RedisURLBuilder(env, environment=environment).validate()
    assert [p.severity.value for p in result.problems] == severity


def test_redis_url_outputs_never_show_the_password() -> None:
    env = {"REDIS_HOST": "cache.internal", "REDIS_PASSWORD": PASSWORD, "REDIS_URL": "redis://x"}
    for environment in Environment:
        builder = RedisURLBuilder(env, environment=environment)
        texts = [repr(builder), builder.get_safe_log_message(), str(builder.debug_info()),
                 str(builder.get_url()), repr(builder.get_url())]  # fmt: skip
        assert all(CANARY not in text for text in texts)


@pytest.mark.parametrize("value", ["ftp://x", "redis://h:port/0"])
def test_redis_url_bad_redis_url_is_an_error(value: str) -> None:
    builder = RedisURLBuilder({"REDIS_URL": value}, in_docker=False)
    assert [p.variable for p in builder.validate().errors] == ["REDIS_URL"]


@pytest.mark.integration
@pytest.mark.parametrize("transport", ["tcp", "tls", "socket"])
@pytest.mark.parametrize("environment", list(Environment))
def test_redis_url_connects_to_a_real_redis(
    redis_server: RedisServer, environment: Environment, transport: str
) -> None:
    import redis

    env = redis_server.component_vars(socket=transport == "socket", db=3)
    tcp_deployed = environment.is_deployed and transport != "socket"
    if transport == "tls":
        env["REDIS_TLS"] = "true"
    if tcp_deployed:
        env["REDIS_HOST"] = "cache.internal"
    if transport == "tls" or tcp_deployed:
        env["REDIS_PORT"] = str(redis_server.tls_port)
    url = RedisURLBuilder(env, environment=environment, in_docker=False).get_url()
    if tcp_deployed:
        assert url.scheme == "rediss"
        url = url.copy_with(host=redis_server.host)
    kwargs = {"ssl_ca_certs": redis_server.cert_file} if url.scheme == "rediss" else {}
    client = redis.Redis.from_url(url.get_secret_value(), **kwargs)
    try:
        assert client.ping() is True
        client.set("confwarden", environment.value)
        assert client.get("confwarden") == environment.value.encode()
        assert client.connection_pool.connection_kwargs.get("db", 0) == 3
    finally:
        client.close()


def test_redis_url_masked_string_refused_by_redis_py_at_once() -> None:
    import redis

    url = RedisURLBuilder({"REDIS_HOST": "cache", "REDIS_PASSWORD": PASSWORD}).get_url()
    with pytest.raises(ValueError, match="scheme"):
        redis.from_url(str(url))


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"REDIS_URL": "rediss://:redis@cache.internal:6379/0"}, "REDIS_URL"),
        ({"REDIS_URL": "rediss://:redis@cache.internal:6379/0", "REDIS_PASSWORD": "x"}, None),
        ({"REDIS_URL": f"rediss://:{PASSWORD}@localhost:6379/0"}, "REDIS_URL"),
        ({"REDIS_URL": "rediss://localhost:6379/0", "REDIS_PASSWORD": PASSWORD}, "REDIS_URL"),
    ],
)
def test_redis_url_problems_name_the_variable_the_value_came_from(
    env: dict[str, str], variable: str | None
) -> None:
    # A weak password or a local host read from REDIS_URL is REDIS_URL's problem: telling
    # the operator to fix REDIS_PASSWORD or REDIS_HOST, which they never set, misleads.
    errors = RedisURLBuilder(env, environment=Environment.PRODUCTION).validate().errors
    named = {p.variable for p in errors}
    if variable is None:  # REDIS_PASSWORD overrides the URL's password: its own problem
        assert named == {"REDIS_PASSWORD"}
    else:
        assert named == {variable}
        assert all(CANARY not in str(p) for p in errors)


def test_redis_host_unset_in_staging_reports_only_that_it_is_not_set() -> None:
    # Gap: "REDIS_HOST (not set): 'localhost' is this machine" beside "is not set".
    builder = RedisURLBuilder(
        {"REDIS_PASSWORD": "Xq9Lk2Pz8Mn4Vb6Rt1Wy3aBcD"}, environment="staging"
    )
    host_problems = [p for p in builder.validate().problems if p.variable == "REDIS_HOST"]
    assert [p.message for p in host_problems] == ["is not set; staging has no default for it"]
