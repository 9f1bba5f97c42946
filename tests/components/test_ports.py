"""PortDiscovery: service URLs per environment and port conflicts that mean something."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from confwarden.components.ports import PortDiscovery, ServiceSpec
from confwarden.environment.detection import Environment
from confwarden.errors import ComponentConfigError

# The project's services (the core knows none): what a platform passes as services=.
SERVICES = (
    ServiceSpec("backend", 8000, "backend"),
    ServiceSpec("auth", 8081, "auth"),
    ServiceSpec("frontend", 3000, "frontend"),
)


def discovery_of(env: dict[str, str], **kwargs: Any) -> PortDiscovery:
    return PortDiscovery(env, services=SERVICES, **kwargs)


DEPLOYED = {
    "BACKEND_SERVICE_URL": "https://api.example.com",
    "AUTH_SERVICE_URL": "https://auth.example.com/",
    "FRONTEND_SERVICE_URL": "https://app.example.com",
}


@pytest.mark.parametrize("environment", [Environment.DEVELOPMENT, Environment.TESTING])
@pytest.mark.parametrize(
    ("env", "in_docker", "expected"),
    [
        ({}, False, "http://localhost:8081"),
        ({"AUTH_PORT": "9001"}, False, "http://localhost:9001"),
        ({}, True, "http://auth:8081"),
        # An explicit host is never rewritten, in a container either (issue 9.5).
        ({"AUTH_PORT": "9001", "AUTH_HOST": "127.0.0.1"}, True, "http://127.0.0.1:9001"),
        ({"AUTH_DOCKER_SERVICE": "auth-svc"}, True, "http://auth-svc:8081"),
        ({"AUTH_HOST": "auth.dev.internal"}, True, "http://auth.dev.internal:8081"),
        ({"AUTH_SERVICE_URL": "https://auth.shared-dev.example.com"}, False,
         "https://auth.shared-dev.example.com"),
    ],
)  # fmt: skip
def test_discovery_local_urls(
    environment: Environment, env: dict[str, str], in_docker: bool, expected: str
) -> None:
    discovery = discovery_of(env, environment=environment, in_docker=in_docker)
    assert discovery.get_service_url("auth") == expected


@pytest.mark.parametrize("environment", [Environment.STAGING, Environment.PRODUCTION])
def test_discovery_deployed_uses_configured_https_urls(environment: Environment) -> None:
    discovery = discovery_of(DEPLOYED, environment=environment, in_docker=True)
    assert discovery.get_service_url("auth") == "https://auth.example.com"
    assert discovery.validate().ok


@pytest.mark.parametrize("environment", [Environment.STAGING, Environment.PRODUCTION])
@pytest.mark.parametrize(
    ("url", "message"),
    [
        (None, "is not set"),
        ("http://auth.example.com", "uses http://"),
        ("https://localhost:8443", "this machine"),
        ("https://127.0.0.1", "this machine"),
        ("https://user:CANARY-5f0e1d@auth.example.com", "credentials"),
        ("auth.example.com", "not an http"),
        ("https://auth.example.com:99999", "port"),
    ],
)
def test_discovery_deployed_refuses(
    environment: Environment, url: str | None, message: str
) -> None:
    env = {} if url is None else {"AUTH_SERVICE_URL": url}
    discovery = discovery_of(env, environment=environment)
    with pytest.raises(ComponentConfigError, match=message) as raised:
        discovery.get_service_url("auth")
    assert "CANARY-5f0e1d" not in str(raised.value)
    assert "AUTH_SERVICE_URL" in str(raised.value)


def test_discovery_environment_argument_overrides() -> None:
    discovery = discovery_of(DEPLOYED, in_docker=False)
    assert discovery.get_service_url("auth") == "https://auth.example.com"  # explicit URL wins
    assert discovery.get_service_url("backend", environment="production") == (
        "https://api.example.com"
    )
    with pytest.raises(ComponentConfigError):
        discovery_of({}, in_docker=False).get_service_url("auth", environment="prod")


def test_discovery_core_knows_no_service_but_resolves_any_by_convention() -> None:
    # The core names no service (issue 9): "billing" is resolved from BILLING_* variables.
    assert PortDiscovery({"BILLING_PORT": "7000"}, in_docker=False).get_service_url("billing") == (
        "http://localhost:7000"
    )
    with pytest.raises(ComponentConfigError, match=r"BILLING_PORT.*ServiceSpec\('billing'"):
        PortDiscovery({}, in_docker=False).get_service_url("billing")
    with pytest.raises(ValueError, match="not a service name"):
        PortDiscovery({}).get_service_url("../etc")


def test_discovery_preset_table_is_the_spec_platform() -> None:
    from confwarden.presets.agent_platform import SERVICE_PORTS

    assert SERVICE_PORTS == SERVICES


def test_discovery_custom_services() -> None:
    discovery = PortDiscovery(
        {"BILLING_API_PORT": "7000"},
        services=[ServiceSpec("billing-api", 7100, "billing")],
        in_docker=False,
    )
    assert discovery.get_service_url("billing-api") == "http://localhost:7000"


def test_discovery_bad_port_is_an_error() -> None:
    with pytest.raises(ComponentConfigError, match="AUTH_PORT"):
        discovery_of({"AUTH_PORT": "80a"}, in_docker=False).get_service_url("auth")


def test_conflicts_in_development_same_port_any_local_spelling() -> None:
    env = {"AUTH_PORT": "8000", "AUTH_HOST": "127.0.0.1"}
    discovery = discovery_of(env, environment="development", in_docker=False)
    conflicts = discovery.find_conflicts()
    assert [c.services for c in conflicts] == [("backend", "auth")]
    result = discovery.validate()
    assert [p.variable for p in result.errors] == ["BACKEND_PORT/AUTH_PORT"]


def test_conflicts_none_in_docker_where_hosts_differ() -> None:
    env = {"AUTH_PORT": "8000"}
    assert discovery_of(env, environment="development", in_docker=True).find_conflicts() == []


@pytest.mark.parametrize("environment", [Environment.STAGING, Environment.PRODUCTION])
def test_conflicts_deployed_many_services_behind_443_are_fine(environment: Environment) -> None:
    env = {
        "BACKEND_SERVICE_URL": "https://platform.example.com/api",
        "AUTH_SERVICE_URL": "https://platform.example.com/auth",
        "FRONTEND_SERVICE_URL": "https://app.example.com:443",
    }
    assert discovery_of(env, environment=environment).find_conflicts() == []


@pytest.mark.parametrize("environment", [Environment.STAGING, Environment.PRODUCTION])
def test_conflicts_deployed_identical_urls_conflict(environment: Environment) -> None:
    env = {**DEPLOYED, "AUTH_SERVICE_URL": "https://api.example.com:443/"}
    conflicts = discovery_of(env, environment=environment).find_conflicts()
    assert [str(c) for c in conflicts] == ["backend, auth all resolve to api.example.com:443"]


def test_discovery_docker_marker_is_injectable(tmp_path: Path) -> None:
    marker = tmp_path / ".dockerenv"
    marker.touch()
    assert discovery_of({}, dockerenv_path=marker).get_service_url("backend") == (
        "http://backend:8000"
    )


def test_discovery_class_level_call_uses_process_env() -> None:
    from confwarden.environment.process import get_env

    env = get_env()
    assert env.get("FRONTEND_SERVICE_URL") is None
    env.set("FRONTEND_SERVICE_URL", "https://app.example.com", source="test")
    try:
        url = PortDiscovery.get_service_url("frontend", environment=Environment.PRODUCTION)
    finally:
        env.delete("FRONTEND_SERVICE_URL")
    assert url == "https://app.example.com"
