"""DatabaseURLBuilder without a server: every environment x driver x transport, and every rule."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from confwarden.components.database_url import DatabaseURLBuilder, Driver, Transport
from confwarden.components.jwt_secret import SharedJWTSecretManager
from confwarden.components.ports import PortDiscovery
from confwarden.components.redis_url import RedisURLBuilder
from confwarden.components.url import SecretURL, parse_secret_url
from confwarden.environment.detection import Environment
from confwarden.errors import ComponentConfigError, ConfigurationError, ConfwardenError

CANARY = "CANARY-5f0e1d"
STRONG = f"Zx9-{CANARY}-q7"
SOCKET = "/cloudsql/project:region:instance"

ENVIRONMENTS = list(Environment)
# (sync, driver or None for the default, the scheme expected)
MODES = [
    (False, None, "postgresql+asyncpg"),
    (False, Driver.PSYCOPG, "postgresql+psycopg"),
    (True, None, "postgresql+psycopg"),
    (True, Driver.PSYCOPG, "postgresql+psycopg"),
    (True, Driver.PSYCOPG2, "postgresql+psycopg2"),
]
TRANSPORTS = ["tcp", "tcp-port", "socket", "socket-port"]


def components(transport: str, **extra: str) -> dict[str, str]:
    env = {"POSTGRES_USER": "app", "POSTGRES_PASSWORD": STRONG, "POSTGRES_DB": "appdb"}
    env["POSTGRES_HOST"] = SOCKET if transport.startswith("socket") else "db.internal"
    if transport.endswith("-port"):
        env["POSTGRES_PORT"] = "6543"
    return {**env, **extra}


def expected_url(environment: Environment, scheme: str, transport: str) -> str:
    port = ":6543" if transport.endswith("-port") else ""
    if transport.startswith("socket"):
        return f"masked_use_get_secret_value__{scheme}://app:***@/appdb?host={SOCKET}" + (
            "&port=6543" if port else ""
        )
    tls = ""
    if environment.is_deployed:
        tls = "?ssl=require" if scheme.endswith("asyncpg") else "?sslmode=require"
    return (
        f"masked_use_get_secret_value__{scheme}://app:***@db.internal{port or ':5432'}/appdb{tls}"
    )


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize(("sync", "driver", "scheme"), MODES)
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_builder_url_every_environment_driver_transport(
    environment: Environment, sync: bool, driver: Driver | None, scheme: str, transport: str
) -> None:
    builder = DatabaseURLBuilder(components(transport), environment=environment, in_docker=False)
    url = builder.get_url_for_environment(sync=sync, driver=driver)
    assert str(url) == expected_url(environment, scheme, transport)
    parsed = make_url(url.render(hide_password=False))
    assert parsed.password == STRONG
    assert parsed.database == "appdb"
    assert builder.validate().ok
    assert CANARY not in repr(url) + str(url) + repr(builder) + builder.get_safe_log_message()


@pytest.mark.parametrize(
    "password",
    ["p@ss/w:rd%#?", "with spaces and ünïcødé ✓", "a+b=c&d;e'f\"g\\h[i]j", "%41%2F", "::@@//"],
)
@pytest.mark.parametrize("sync", [False, True])
def test_builder_password_round_trips_through_sqlalchemy(password: str, sync: bool) -> None:
    env = {"POSTGRES_HOST": "db", "POSTGRES_USER": "us er@x", "POSTGRES_PASSWORD": password,
           "POSTGRES_DB": "my db/1"}  # fmt: skip
    url = DatabaseURLBuilder(env, in_docker=False).get_url_for_environment(sync=sync)
    parsed = make_url(url.render(hide_password=False))
    assert (parsed.username, parsed.password, parsed.database) == ("us er@x", password, "my db/1")
    assert url.to_sqlalchemy().password == password


def test_builder_environment_comes_from_variables_with_aliases() -> None:
    builder = DatabaseURLBuilder({**components("tcp"), "ENVIRONMENT": "prod"})
    assert builder.environment is Environment.PRODUCTION
    explicit = DatabaseURLBuilder({"ENVIRONMENT": "prod"}, environment="testing")
    assert explicit.environment is Environment.TESTING
    assert DatabaseURLBuilder({}).environment is Environment.DEVELOPMENT


@pytest.mark.parametrize("environment", [Environment.STAGING, Environment.PRODUCTION])
def test_builder_deployed_reports_every_problem_at_once(environment: Environment) -> None:
    env = {"POSTGRES_HOST": "localhost", "POSTGRES_PORT": "99999", "POSTGRES_PASSWORD": "postgres",
           "POSTGRES_SSLMODE": "disable", "USE_MEMORY_DB": "true"}  # fmt: skip
    builder = DatabaseURLBuilder(env, environment=environment, in_docker=True)
    errors = {p.variable for p in builder.validate().errors}
    assert errors == {"POSTGRES_HOST", "POSTGRES_PORT", "POSTGRES_USER", "POSTGRES_PASSWORD",
                      "POSTGRES_DB", "POSTGRES_SSLMODE", "USE_MEMORY_DB"}  # fmt: skip
    with pytest.raises(ComponentConfigError) as raised:
        builder.get_url_for_environment()
    message = str(raised.value)
    assert all(name in message for name in errors)
    assert isinstance(raised.value, ConfigurationError)
    assert isinstance(raised.value, ConfwardenError)
    assert "postgres'" not in message.replace("'postgres' is", "")


@pytest.mark.parametrize("environment", [Environment.STAGING, Environment.PRODUCTION])
@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.0.0.2", "::1", "0.0.0.0"])
def test_builder_deployed_refuses_localhost_even_in_docker(
    environment: Environment, host: str
) -> None:
    builder = DatabaseURLBuilder(
        components("tcp", POSTGRES_HOST=host), environment=environment, in_docker=True
    )
    assert [p.variable for p in builder.validate().errors] == ["POSTGRES_HOST"]
    assert builder.debug_info()["docker_resolved"] is False


@pytest.mark.parametrize("environment", [Environment.DEVELOPMENT, Environment.TESTING])
@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_builder_explicit_host_never_rewritten_in_a_container(
    environment: Environment, host: str
) -> None:
    # Issue 9.5: POSTGRES_HOST=127.0.0.1 inside a container became @postgres (gaierror).
    env = components("tcp", POSTGRES_HOST=host, POSTGRES_DOCKER_SERVICE="db")
    builder = DatabaseURLBuilder(env, environment=environment, in_docker=True)
    assert builder.get_url_for_environment().host == host
    assert builder.debug_info()["docker_resolved"] is False


def test_builder_container_alias_only_when_configured_and_host_unset() -> None:
    env = components("tcp")
    del env["POSTGRES_HOST"]
    plain = DatabaseURLBuilder(env, environment="development", in_docker=True)
    assert plain.get_url_for_environment().host == "localhost"
    aliased = DatabaseURLBuilder(
        {**env, "POSTGRES_DOCKER_SERVICE": "db"}, environment="development", in_docker=True
    )
    assert aliased.get_url_for_environment().host == "db"
    assert aliased.debug_info()["docker_resolved"] is True
    (warning,) = [p for p in aliased.validate().warnings if "DOCKER" in p.message]
    assert "'db'" in warning.message
    assert "'localhost'" in warning.message
    outside = DatabaseURLBuilder(
        {**env, "POSTGRES_DOCKER_SERVICE": "db"}, environment="development", in_docker=False
    )
    assert outside.get_url_for_environment().host == "localhost"


def test_builder_docker_detected_from_injectable_marker(tmp_path: Path) -> None:
    marker = tmp_path / ".dockerenv"
    env = {**components("tcp"), "POSTGRES_DOCKER_SERVICE": "db"}
    del env["POSTGRES_HOST"]
    assert DatabaseURLBuilder(env, dockerenv_path=marker).get_url_for_environment().host == (
        "localhost"
    )
    marker.touch()
    builder = DatabaseURLBuilder(env, dockerenv_path=marker)
    assert builder.get_url_for_environment().host == "db"
    assert builder.debug_info()["in_docker"] is True


def test_builder_unconfigured_testing_is_postgres_not_memory() -> None:
    # issue 9.3: a PostgreSQL app must not switch to SQLite (and need aiosqlite) under test.
    builder = DatabaseURLBuilder({}, environment=Environment.TESTING, in_docker=False)
    assert builder.transport is Transport.TCP
    assert builder.get_url_for_environment().scheme.startswith("postgresql")


@pytest.mark.parametrize(
    ("env", "environment"),
    [
        ({"USE_MEMORY_DB": "1", **components("tcp")}, Environment.DEVELOPMENT),
        ({"USE_MEMORY_DB": "yes", **components("tcp")}, Environment.TESTING),
    ],
)
def test_builder_memory_database_only_when_asked(
    env: dict[str, str], environment: Environment
) -> None:
    builder = DatabaseURLBuilder(env, environment=environment)
    assert builder.transport is Transport.MEMORY
    assert str(builder.get_url_for_environment()) == "sqlite+aiosqlite:///:memory:"
    assert str(builder.get_url_for_environment(sync=True)) == "sqlite:///:memory:"
    assert make_url(str(builder.get_url_for_environment(sync=True))).database == ":memory:"
    with pytest.raises(ComponentConfigError, match="in-memory"):
        builder.get_dsn()


def test_builder_development_defaults_warn(caplog: pytest.LogCaptureFixture) -> None:
    builder = DatabaseURLBuilder({}, environment=Environment.DEVELOPMENT, in_docker=False)
    with caplog.at_level(logging.WARNING, logger="confwarden.components"):
        url = builder.get_url_for_environment(sync=True)
    assert str(url) == "postgresql+psycopg://postgres@localhost:5432/postgres"
    assert {p.variable for p in builder.validate().warnings} == {
        "POSTGRES_HOST", "POSTGRES_USER", "POSTGRES_DB"}  # fmt: skip
    assert "POSTGRES_HOST" in caplog.text


@pytest.mark.parametrize(
    ("environment", "severity"),
    [
        (Environment.DEVELOPMENT, "warning"),
        (Environment.TESTING, None),
        (Environment.STAGING, "error"),
        (Environment.PRODUCTION, "error"),
    ],
)
@pytest.mark.parametrize(
    "password", ["changeme", "Change-Me", "t1ny", "${DB_PASSWORD}", "aaaaaaaaaaaaaa"]
)
def test_builder_weak_password_severity_follows_policy(
    environment: Environment, severity: str | None, password: str
) -> None:
    env = components("socket", POSTGRES_PASSWORD=password)
    problems = DatabaseURLBuilder(env, environment=environment).validate().problems
    assert [p.severity.value for p in problems] == ([severity] if severity else [])
    assert all(password not in str(p) for p in problems)


@pytest.mark.parametrize("mode", ["disable", "allow", "prefer"])
def test_builder_deployed_refuses_insecure_sslmode(mode: str) -> None:
    builder = DatabaseURLBuilder(
        components("tcp", POSTGRES_SSLMODE=mode), environment=Environment.PRODUCTION
    )
    assert [p.variable for p in builder.validate().errors] == ["POSTGRES_SSLMODE"]


def test_builder_sslmode_kept_in_each_driver_form() -> None:
    env = components("tcp", POSTGRES_SSLMODE="verify-full")
    builder = DatabaseURLBuilder(env, environment=Environment.PRODUCTION)
    assert builder.get_url_for_environment().query_params == {"ssl": "verify-full"}
    assert builder.get_url_for_environment(sync=True).query_params == {"sslmode": "verify-full"}
    assert builder.get_dsn().query_params == {"sslmode": "verify-full"}
    dev = DatabaseURLBuilder(env, environment=Environment.DEVELOPMENT, in_docker=False)
    assert dev.get_url_for_environment().query_params == {"ssl": "verify-full"}
    bad = DatabaseURLBuilder(components("tcp", POSTGRES_SSLMODE="sometimes"))
    assert [p.variable for p in bad.validate().errors] == ["POSTGRES_SSLMODE"]


def test_builder_legacy_database_url_reported_never_read() -> None:
    env = {"DATABASE_URL": f"postgresql://legacy:{CANARY}@legacy-db/legacy", "ENVIRONMENT": "dev"}
    builder = DatabaseURLBuilder(env, in_docker=False)
    url = builder.get_url_for_environment()
    assert url.host == "localhost"
    assert url.password is None
    warnings = builder.validate().warnings
    assert warnings[0].variable == "DATABASE_URL"
    assert CANARY not in str(builder.debug_info())


def test_builder_legacy_database_url_parsed_on_opt_in_and_validated() -> None:
    env = {
        "DATABASE_URL": "postgres://legacy:p%40ss@localhost:6000/legacy?sslmode=disable",
        "POSTGRES_DB": "modern",
    }
    builder = DatabaseURLBuilder(env, environment=Environment.PRODUCTION, parse_legacy_url=True)
    result = builder.validate()
    assert {p.variable for p in result.errors} == {
        "POSTGRES_HOST", "POSTGRES_PASSWORD", "POSTGRES_SSLMODE"}  # fmt: skip
    assert "DATABASE_URL/POSTGRES_DB" in {p.variable for p in result.warnings}
    info = builder.debug_info()
    assert info["database"] == "modern"
    assert info["sources"] == {  # type: ignore[comparison-overlap]
        "POSTGRES_DB": "variable",
        "POSTGRES_HOST": "DATABASE_URL (parse_legacy_url=True)",
        "POSTGRES_PORT": "DATABASE_URL (parse_legacy_url=True)",
        "POSTGRES_USER": "DATABASE_URL (parse_legacy_url=True)",
        "POSTGRES_PASSWORD": "DATABASE_URL (parse_legacy_url=True)",
        "POSTGRES_SSLMODE": "DATABASE_URL (parse_legacy_url=True)",
    }


def test_builder_legacy_database_url_socket_form_parsed() -> None:
    env = {"DATABASE_URL": f"postgresql://app:{STRONG}@/appdb?host={SOCKET}"}
    builder = DatabaseURLBuilder(env, environment=Environment.STAGING, parse_legacy_url=True)
    assert str(builder.get_url_for_environment()) == (
        f"masked_use_get_secret_value__postgresql+asyncpg://app:***@/appdb?host={SOCKET}"
    )


@pytest.mark.parametrize("legacy", ["mysql://u:p@h/d", "not a url", "postgresql://h:port/d"])
def test_builder_legacy_database_url_unusable_is_an_error(legacy: str) -> None:
    builder = DatabaseURLBuilder({"DATABASE_URL": legacy}, parse_legacy_url=True, in_docker=False)
    assert [p.variable for p in builder.validate().errors] == ["DATABASE_URL"]


@pytest.mark.parametrize("port", ["0", "65536", "abc", "-1", "54 32"])
def test_builder_invalid_port_is_an_error_everywhere(port: str) -> None:
    builder = DatabaseURLBuilder(components("tcp", POSTGRES_PORT=port), in_docker=False)
    with pytest.raises(ComponentConfigError, match="POSTGRES_PORT"):
        builder.get_url_for_environment()


@pytest.mark.parametrize(("sync", "driver"), [(True, Driver.ASYNCPG), (False, Driver.PSYCOPG2)])
def test_builder_driver_mode_mismatch_is_refused(sync: bool, driver: Driver) -> None:
    builder = DatabaseURLBuilder(components("tcp"), in_docker=False)
    with pytest.raises(ValueError, match=driver.value):
        builder.get_url_for_environment(sync=sync, driver=driver)


def test_builder_outputs_never_show_the_password(caplog: pytest.LogCaptureFixture) -> None:
    env = {
        **components("tcp", POSTGRES_HOST="localhost"),
        "DATABASE_URL": f"postgresql://x:{CANARY}@h/d",
    }
    for environment in Environment:
        builder = DatabaseURLBuilder(env, environment=environment, in_docker=False)
        outputs = [repr(builder), str(builder), str(builder.debug_info()),
                   builder.get_safe_log_message(), str(builder.validate().to_dict())]  # fmt: skip
        try:
            url = builder.get_url_for_environment()
            outputs += [str(url), repr(url), url.render(), f"{url}", str(builder.get_dsn())]
        except ComponentConfigError as exc:
            outputs.append(str(exc))
        assert all(CANARY not in text for text in outputs), environment
    assert CANARY not in caplog.text


def test_builder_debug_info_describes_socket_transport() -> None:
    info = DatabaseURLBuilder(components("socket"), environment="production").debug_info()
    assert info["transport"] == "unix_socket"
    assert info["host"] == SOCKET
    assert info["has_password"] is True
    assert (
        info["url"]
        == f"masked_use_get_secret_value__postgresql+asyncpg://app:***@/appdb?host={SOCKET}"
    )


def test_secret_url_masks_secret_query_parameters_too() -> None:
    from confwarden.components.url import SecretURL

    url = SecretURL("postgresql", "app", None, "db", 5432, "app", (("sslpassword", CANARY),))
    assert CANARY not in str(url) + repr(url)
    assert CANARY in url.render(hide_password=False)


def test_builder_problems_quote_where_the_value_came_from() -> None:
    env = {"POSTGRES_HOST": "localhost", "DATABASE_URL": "postgresql://h/d"}
    origins = {"POSTGRES_HOST": ".env.staging:4", "DATABASE_URL": "os environment"}
    result = DatabaseURLBuilder(env, environment="staging", origins=origins).validate()
    by_variable = {p.variable: p for p in result.problems}
    assert by_variable["POSTGRES_HOST"].origin == ".env.staging:4"
    assert str(by_variable["POSTGRES_HOST"]).startswith("POSTGRES_HOST (from .env.staging:4): ")
    assert by_variable["DATABASE_URL"].to_dict()["origin"] == "os environment"
    assert by_variable["POSTGRES_USER"].origin is None


def test_builder_validate_truthy_only_when_ok() -> None:
    good = DatabaseURLBuilder(
        {"POSTGRES_HOST": "db", "POSTGRES_USER": "app", "POSTGRES_PASSWORD": "x" * 20},
        environment="development",
        in_docker=False,
    )
    bad = DatabaseURLBuilder({"POSTGRES_PORT": "x"}, environment="production")
    assert good.validate()
    assert not bad.validate()
    assert len(bad.validate()) > 0


def test_secret_url_masked_string_cannot_be_parsed_back() -> None:
    url = SecretURL("postgresql", "app", "pw", "db", 5432, "app")
    with pytest.raises(ValueError, match="get_secret_value"):
        parse_secret_url(str(url))
    assert parse_secret_url(url.get_secret_value()) == url
    assert f"{url:>60}".strip() == str(url)


def test_builder_non_string_scalars_converted() -> None:
    # Issue 10.12: {"POSTGRES_PORT": 5432} crashed with "'int' object has no attribute 'isspace'".
    env: dict[str, object] = {
        "POSTGRES_HOST": "db",
        "POSTGRES_PORT": 5433,
        "POSTGRES_USER": "app",
        "POSTGRES_PASSWORD": STRONG,
        "POSTGRES_DB": Path("appdb"),
        "USE_MEMORY_DB": False,
    }
    url = DatabaseURLBuilder(env, environment="development", in_docker=False).get_dsn()
    assert (url.port, url.path) == (5433, "appdb")


@pytest.mark.parametrize(
    "make",
    [DatabaseURLBuilder, RedisURLBuilder, SharedJWTSecretManager, PortDiscovery],
    ids=["database", "redis", "jwt", "ports"],
)
def test_component_unsupported_value_type_names_the_variable(make: Any) -> None:
    with pytest.raises(TypeError, match=r"POSTGRES_PORT is a list.*str\(value\)"):
        make({"POSTGRES_PORT": [5432]})


@pytest.mark.parametrize(
    "host", ["/cloudsql/wrong-format", "/cloudsql/proj:inst", "/cloudsql/", "/cloudsql/a:b:c:d:e"]
)
@pytest.mark.parametrize("environment", list(Environment))
def test_builder_malformed_cloudsql_socket_refused(environment: Environment, host: str) -> None:
    # Issue 10.10: /cloudsql/wrong-format passed staging validation and failed at connect.
    builder = DatabaseURLBuilder(components("tcp", POSTGRES_HOST=host), environment=environment)
    (problem,) = builder.validate().errors
    assert problem.variable == "POSTGRES_HOST"
    assert "PROJECT:REGION:INSTANCE" in problem.action


@pytest.mark.parametrize(
    "host", ["/cloudsql/my-proj:us-central1:db", "/cloudsql/example.com:proj:europe-west1:main"]
)
def test_builder_cloudsql_socket_accepted(host: str) -> None:
    builder = DatabaseURLBuilder(components("tcp", POSTGRES_HOST=host), environment="production")
    assert builder.validate().ok
    assert builder.transport is Transport.UNIX_SOCKET


@pytest.mark.parametrize(
    "variables",
    [{"KUBERNETES_SERVICE_HOST": "10.0.0.1"}, {"K_SERVICE": "backend-prod", "TESTING": "true"}],
)
def test_builder_with_a_deployment_marker_and_no_environment_refuses(
    variables: dict[str, str],
) -> None:
    # Gap: the builder defaulted to development and built a localhost URL in a pod.
    from confwarden.errors import EnvironmentDetectionError

    with pytest.raises(EnvironmentDetectionError, match=next(iter(variables))):
        DatabaseURLBuilder(variables)
