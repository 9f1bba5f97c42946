"""Deploy checks of secret mappings: unmapped critical secrets, split credentials, cross
environment secrets, the plan, and reading every secret from a store without showing it."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import SecretStr
from tests.servers.gcp_secret_manager import FakeSecretManager

from confwarden.config.schema import ConfigSchema, Env
from confwarden.config.secret_checks import (
    check_secrets,
    mapping_problems,
    project_mappings,
    secret_plan,
    set_secrets_argument,
)
from confwarden.config.spec import DEPLOYED
from confwarden.environment.detection import Environment
from confwarden.secrets.gcp import GoogleSecretManagerSource, make_client
from confwarden.secrets.mapping import SecretMappings

CANARY = "CANARY-2e8f-check-0123456789abcdef0123456789abcdef"


class ApiConfig(ConfigSchema):
    jwt_secret_key: Annotated[
        SecretStr | None,
        Env(
            "JWT_SECRET_KEY",
            sensitive=True,
            critical=True,
            required_in=DEPLOYED,
            secret="jwt-secret-key-{environment}",
        ),
    ] = None
    client_id: Annotated[
        str | None,
        Env("GOOGLE_CLIENT_ID", "GOOGLE_OAUTH_CLIENT_ID_{ENVIRONMENT}", required_in=DEPLOYED),
    ] = None
    client_secret: Annotated[
        SecretStr | None,
        Env(
            "GOOGLE_CLIENT_SECRET",
            "GOOGLE_OAUTH_CLIENT_SECRET_{ENVIRONMENT}",
            sensitive=True,
            required_in=DEPLOYED,
            secret="google-oauth-client-secret-{environment}",
        ),
    ] = None
    service_secret: Annotated[
        SecretStr | None,
        Env("SERVICE_SECRET", sensitive=True, critical=True, required_in=DEPLOYED),
    ] = None
    log_level: Annotated[str, Env("LOG_LEVEL")] = "INFO"


class AuthConfig(ConfigSchema):
    client_id: Annotated[
        str | None,
        Env("GOOGLE_OAUTH_CLIENT_ID_{ENVIRONMENT}", "GOOGLE_CLIENT_ID", required_in=DEPLOYED),
    ] = None
    client_secret: Annotated[
        SecretStr | None,
        Env(
            "GOOGLE_OAUTH_CLIENT_SECRET_{ENVIRONMENT}",
            "GOOGLE_CLIENT_SECRET",
            sensitive=True,
            required_in=DEPLOYED,
            secret="google-oauth-client-secret-{environment}",
        ),
    ] = None


SERVICES = {"api": ApiConfig, "auth": AuthConfig}
GOOD = SecretMappings(
    {
        "GOOGLE_CLIENT_ID": "google-oauth-client-id-{environment}",
        "GOOGLE_OAUTH_CLIENT_ID_{ENVIRONMENT}": "google-oauth-client-id-{environment}",
        "SERVICE_SECRET": "service-secret-{environment}",
    },
    versions={"service-secret-production": "4"},
)


def rules(problems: list[object]) -> list[tuple[str, str]]:
    return [(p.rule, p.variable) for p in problems]  # type: ignore[attr-defined]


def test_mapping_problems_none_for_a_complete_mapping() -> None:
    assert mapping_problems(SERVICES, project_mappings(SERVICES, GOOD)) == []


def test_mapping_problems_report_an_unmapped_critical_secret_per_environment() -> None:
    partial = SecretMappings({"GOOGLE_CLIENT_ID": "google-oauth-client-id-{environment}"})
    problems = mapping_problems(SERVICES, project_mappings(SERVICES, partial))
    assert ("secrets.unmapped", "SERVICE_SECRET") in rules(problems)
    assert {p.origin for p in problems if p.variable == "SERVICE_SECRET"} == {
        "service api, staging",
        "service api, production",
    }


def test_mapping_problems_report_two_conventions_mapped_to_different_secrets() -> None:
    split = GOOD.merged(
        SecretMappings({"GOOGLE_OAUTH_CLIENT_ID_{ENVIRONMENT}": "auth-client-id-{environment}"})
    )
    problems = mapping_problems(SERVICES, project_mappings(SERVICES, split))
    split = [p for p in problems if p.rule == "secrets.split_credential"]
    staging = [p for p in split if p.origin.endswith("staging")]
    assert {p.origin for p in split} == {
        f"service {s}, {e}" for s in ("api", "auth") for e in ("staging", "production")
    }
    assert "auth-client-id-staging" in staging[0].message
    assert "google-oauth-client-id-staging" in staging[0].message


def test_mapping_problems_report_a_staging_secret_in_production() -> None:
    leaked = GOOD.merged(SecretMappings({"SERVICE_SECRET": "service-secret-staging"}))
    problems = mapping_problems(SERVICES, project_mappings(SERVICES, leaked))
    cross = [p for p in problems if p.rule == "secrets.cross_environment"]
    assert [(p.variable, p.origin) for p in cross] == [
        ("SERVICE_SECRET", "secret mapping, production")
    ]


def test_secret_plan_lists_each_service_and_the_cloud_run_argument() -> None:
    mappings = project_mappings(SERVICES, GOOD)
    rows = secret_plan(SERVICES, mappings, Environment.PRODUCTION)
    api = [row for row in rows if row.service == "api"]
    auth = [row for row in rows if row.service == "auth"]
    assert set_secrets_argument(api) == (
        "--set-secrets=JWT_SECRET_KEY=jwt-secret-key-production:latest,"
        "GOOGLE_CLIENT_ID=google-oauth-client-id-production:latest,"
        "GOOGLE_CLIENT_SECRET=google-oauth-client-secret-production:latest,"
        "SERVICE_SECRET=service-secret-production:4"
    )
    assert set_secrets_argument(auth) == (
        "--set-secrets=GOOGLE_OAUTH_CLIENT_ID_PRODUCTION=google-oauth-client-id-production:latest,"
        "GOOGLE_OAUTH_CLIENT_SECRET_PRODUCTION=google-oauth-client-secret-production:latest"
    )
    pinned = secret_plan(SERVICES, mappings, Environment.PRODUCTION, resolve_version=lambda _v: "9")
    assert {row.secret.version for row in pinned} == {"9", "4"}


@pytest.mark.integration
def test_check_secrets_reports_missing_empty_and_invalid_without_values(
    gcp_secret_manager: FakeSecretManager,
) -> None:
    gcp_secret_manager.add_version("jwt-secret-key-staging", CANARY[:20])  # too short for staging
    gcp_secret_manager.add_version("google-oauth-client-id-staging", "   ")  # empty
    # service-secret-staging does not exist
    mappings = project_mappings(SERVICES, GOOD)
    source = GoogleSecretManagerSource(
        gcp_secret_manager.project,
        mappings=mappings,
        environment=Environment.STAGING,
        client=make_client(gcp_secret_manager.endpoint, anonymous=True),
    )
    rows, problems = check_secrets(SERVICES, mappings, Environment.STAGING, source)
    assert len(rows) == 6
    found = rules(problems)
    assert any(
        v == "JWT_SECRET_KEY" and "32" in p.message
        for (_, v), p in zip(found, problems, strict=True)
    )
    assert ("secrets.empty", "GOOGLE_CLIENT_ID") in found
    assert ("secrets.empty", "GOOGLE_OAUTH_CLIENT_ID_STAGING") in found
    assert ("secrets.unreadable", "SERVICE_SECRET") in found
    for problem in problems:
        assert CANARY[:20] not in str(problem)


@pytest.mark.integration
def test_check_secrets_passes_for_good_secrets(gcp_secret_manager: FakeSecretManager) -> None:
    gcp_secret_manager.add_version("jwt-secret-key-staging", CANARY)
    gcp_secret_manager.add_version(
        "google-oauth-client-id-staging", "1234-abc.apps.googleusercontent.com"
    )
    gcp_secret_manager.add_version("service-secret-staging", CANARY + "-service")
    gcp_secret_manager.add_version("google-oauth-client-secret-staging", "GOCSPX-" + CANARY)
    mappings = project_mappings(SERVICES, GOOD)
    source = GoogleSecretManagerSource(
        gcp_secret_manager.project,
        mappings=mappings,
        environment=Environment.STAGING,
        client=make_client(gcp_secret_manager.endpoint, anonymous=True),
    )
    rows, problems = check_secrets(SERVICES, mappings, Environment.STAGING, source)
    assert problems == []
    assert len(rows) == 6


class NoDefaultConfig(ConfigSchema):
    jwt_secret_key: Annotated[
        SecretStr, Env("JWT_SECRET_KEY", sensitive=True, secret="jwt-secret-key-{environment}")
    ]


def test_secret_plan_counts_a_field_without_default_as_required() -> None:
    # It was printed "(optional)" while startup refuses it: "not set, and no default".
    services = {"api": NoDefaultConfig}
    [row] = secret_plan(services, project_mappings(services), Environment.PRODUCTION)
    assert row.required
