"""ClickHouseURLBuilder: remote https with credentials when deployed, local http otherwise."""

from __future__ import annotations

import pytest

from confwarden.components.clickhouse_url import ClickHouseURLBuilder
from confwarden.environment.detection import Environment
from confwarden.errors import ComponentConfigError

CANARY = "CANARY-5f0e1d"
CLOUD = f"https://app:{CANARY}%40xyz-Q9@abc123.us-central1.gcp.clickhouse.cloud:8443/analytics"
DEPLOYED = [Environment.STAGING, Environment.PRODUCTION]


@pytest.mark.parametrize("environment", DEPLOYED)
def test_clickhouse_deployed_remote_url_accepted_and_masked(environment: Environment) -> None:
    builder = ClickHouseURLBuilder({"CLICKHOUSE_URL": CLOUD}, environment=environment)
    url = builder.get_url()
    assert (
        str(url)
        == "masked_use_get_secret_value__https://app:***@abc123.us-central1.gcp.clickhouse.cloud:8443/analytics"
    )
    assert url.password == f"{CANARY}@xyz-Q9"
    assert url.render(hide_password=False) == CLOUD
    assert builder.debug_info()["remote"] is True
    assert CANARY not in repr(builder) + str(builder.debug_info())


@pytest.mark.parametrize("environment", DEPLOYED)
@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "remote service"),
        ({"CLICKHOUSE_URL": "http://app:Zq8vT2mZp4xR7wN1@abc.clickhouse.cloud:8123/db"}, "http://"),
        ({"CLICKHOUSE_URL": "https://app:Zq8vT2mZp4xR7wN1@localhost:8443/db"}, "this machine"),
        ({"CLICKHOUSE_URL": "https://abc.clickhouse.cloud:8443/db"}, "no credentials"),
        ({"CLICKHOUSE_URL": "https://app:changeme@abc.clickhouse.cloud:8443/db"}, "placeholder"),
        ({"CLICKHOUSE_URL": "clickhouse://abc/db"}, "scheme"),
        ({"CLICKHOUSE_HOST": "localhost"}, "this machine"),
    ],
)
def test_clickhouse_deployed_refuses(
    environment: Environment, env: dict[str, str], message: str
) -> None:
    builder = ClickHouseURLBuilder(env, environment=environment, in_docker=True)
    with pytest.raises(ComponentConfigError, match=message) as raised:
        builder.get_url()
    assert "changeme" not in str(raised.value)


@pytest.mark.parametrize(
    ("env", "in_docker", "expected"),
    [
        ({}, False, "http://default@localhost:8123/default"),
        ({}, True, "http://default@localhost:8123/default"),
        ({"CLICKHOUSE_DOCKER_SERVICE": "ch"}, True, "http://default@ch:8123/default"),
        ({"CLICKHOUSE_HOST": "127.0.0.1", "CLICKHOUSE_DOCKER_SERVICE": "ch"}, True,
         "http://default@127.0.0.1:8123/default"),
        ({"CLICKHOUSE_PASSWORD": CANARY + "-pw", "CLICKHOUSE_DB": "events"}, False,
         "masked_use_get_secret_value__http://default:***@localhost:8123/events"),
        ({"CLICKHOUSE_SECURE": "1", "CLICKHOUSE_HOST": "ch.dev.internal"}, False,
         "https://default@ch.dev.internal:8443/default"),
        ({"CLICKHOUSE_URL": CLOUD}, False,
         "masked_use_get_secret_value__https://app:***@abc123.us-central1.gcp.clickhouse.cloud:8443/analytics"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("environment", [Environment.DEVELOPMENT, Environment.TESTING])
def test_clickhouse_local_forms(
    environment: Environment, env: dict[str, str], in_docker: bool, expected: str
) -> None:
    builder = ClickHouseURLBuilder(env, environment=environment, in_docker=in_docker)
    assert str(builder.get_url()) == expected


def test_clickhouse_bad_port_is_an_error() -> None:
    builder = ClickHouseURLBuilder({"CLICKHOUSE_PORT": "http"}, in_docker=False)
    assert [p.variable for p in builder.validate().errors] == ["CLICKHOUSE_PORT"]
