"""Google Secret Manager source: the real client (REST) against the local protocol server."""

from __future__ import annotations

import sys
import threading
from typing import Annotated

import pytest
from pydantic import SecretStr
from tests.clock import FakeClock
from tests.servers.gcp_secret_manager import FakeSecretManager, crc32c_bitwise

from confwarden.config.schema import ConfigSchema, Env
from confwarden.config.spec import DEPLOYED
from confwarden.environment.detection import Environment
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.environment.provenance import SourceKind
from confwarden.errors import ConfigurationError, MissingDependencyError
from confwarden.secrets._crc32c import crc32c, crc32c_python
from confwarden.secrets.base import SecretSourceError, SourceNotConfigured
from confwarden.secrets.gcp import GoogleSecretManagerSource, SecretManagerUnavailable, make_client
from confwarden.secrets.mapping import SecretMappings
from confwarden.startup import bootstrap

pytestmark = pytest.mark.integration

CANARY = "CANARY-7c41-gcp-0123456789abcdef0123456789abcdef"
MAPPINGS = SecretMappings(
    {
        "JWT_SECRET_KEY": "jwt-secret-key-{environment}",
        "GOOGLE_CLIENT_ID": "google-oauth-client-id-{environment}",
        "GOOGLE_OAUTH_CLIENT_ID_{ENVIRONMENT}": "google-oauth-client-id-{environment}",
        "POSTGRES_PASSWORD": "postgres-password-{environment}",
    },
    versions={"postgres-password-production": "1"},
)


def source_for(
    gcp_secret_manager: FakeSecretManager,
    environment: Environment = Environment.PRODUCTION,
    **options: object,
) -> GoogleSecretManagerSource:
    options.setdefault("sleep", lambda _seconds: None)
    return GoogleSecretManagerSource(
        gcp_secret_manager.project,
        mappings=MAPPINGS,
        environment=environment,
        client=make_client(gcp_secret_manager.endpoint, anonymous=True),
        **options,  # type: ignore[arg-type]
    )


def assert_no_canary(*texts: object) -> None:
    for text in texts:
        assert CANARY not in str(text)
        assert CANARY not in repr(text)


def test_crc32c_table_matches_bitwise_and_known_vector() -> None:
    assert crc32c_python(b"123456789") == 0xE3069283
    for data in (b"", b"a", CANARY.encode(), bytes(range(256)) * 3):
        assert crc32c_python(data) == crc32c_bitwise(data) == crc32c(data)


def test_gcp_source_reads_mapped_secret_with_version_provenance(
    gcp_secret_manager: FakeSecretManager,
) -> None:
    gcp_secret_manager.add_version("jwt-secret-key-production", "old")
    gcp_secret_manager.add_version("jwt-secret-key-production", CANARY)
    source = source_for(gcp_secret_manager)
    hit = source.lookup("JWT_SECRET_KEY")
    assert hit is not None
    assert hit.value == CANARY
    assert (hit.source.kind, hit.source.detail, hit.source.version) == (
        SourceKind.SECRET,
        "jwt-secret-key-production",
        "2",
    )
    assert str(hit.source) == "secret jwt-secret-key-production version 2"
    assert_no_canary(hit, source, source.status(), source._cache)


def test_gcp_source_reads_pinned_version(gcp_secret_manager: FakeSecretManager) -> None:
    gcp_secret_manager.add_version("postgres-password-production", "pinned-one")
    gcp_secret_manager.add_version("postgres-password-production", "newer")
    hit = source_for(gcp_secret_manager).lookup("POSTGRES_PASSWORD")
    assert hit is not None
    assert (hit.value, hit.source.version) == ("pinned-one", "1")


def test_gcp_source_skips_unmapped_variables_without_a_request(
    gcp_secret_manager: FakeSecretManager,
) -> None:
    source = source_for(gcp_secret_manager)
    assert source.lookup("LOG_LEVEL") is None
    source.prefetch(["LOG_LEVEL", "PORT"])
    assert gcp_secret_manager.requests == []


def test_gcp_source_maps_both_oauth_conventions_to_one_fetch(
    gcp_secret_manager: FakeSecretManager,
) -> None:
    gcp_secret_manager.add_version("google-oauth-client-id-staging", "client-id")
    source = source_for(gcp_secret_manager, Environment.STAGING)
    source.prefetch(["GOOGLE_CLIENT_ID", "GOOGLE_OAUTH_CLIENT_ID_STAGING", "LOG_LEVEL"])
    first = source.lookup("GOOGLE_CLIENT_ID")
    second = source.lookup("GOOGLE_OAUTH_CLIENT_ID_STAGING")
    assert first is not None
    assert second is not None
    assert first.value == second.value == "client-id"
    assert gcp_secret_manager.access_count("google-oauth-client-id-staging") == 1


def test_gcp_prefetch_fetches_in_parallel(gcp_secret_manager: FakeSecretManager) -> None:
    names = {f"VAR_{i}": f"secret-{i}" for i in range(12)}
    for secret in names.values():
        gcp_secret_manager.add_version(secret, f"value of {secret}")
    gcp_secret_manager.delay = 0.1
    source = GoogleSecretManagerSource(
        gcp_secret_manager.project,
        mappings=SecretMappings(names),
        environment=Environment.STAGING,
        client=make_client(gcp_secret_manager.endpoint, anonymous=True),
    )
    source.prefetch(names)
    assert gcp_secret_manager.max_in_flight > 1
    assert len(gcp_secret_manager.requests) == 12
    hit = source.lookup("VAR_3")
    assert hit is not None
    assert hit.value == "value of secret-3"
    assert len(gcp_secret_manager.requests) == 12  # answered from the prefetched cache


def test_gcp_cache_keeps_latest_for_ttl_then_refetches(
    gcp_secret_manager: FakeSecretManager,
) -> None:
    gcp_secret_manager.add_version("jwt-secret-key-production", "first")
    clock = FakeClock()
    source = source_for(gcp_secret_manager, ttl=60.0, clock=clock)
    assert source.lookup("JWT_SECRET_KEY") is not None
    gcp_secret_manager.add_version("jwt-secret-key-production", "second")
    clock.now += 59
    hit = source.lookup("JWT_SECRET_KEY")
    assert hit is not None
    assert hit.value == "first"
    clock.now += 2
    hit = source.lookup("JWT_SECRET_KEY")
    assert hit is not None
    assert hit.value == "second"
    assert gcp_secret_manager.access_count("jwt-secret-key-production") == 2


def test_gcp_wrong_crc_is_refused_naming_the_secret(gcp_secret_manager: FakeSecretManager) -> None:
    gcp_secret_manager.add_version("jwt-secret-key-production", CANARY)
    gcp_secret_manager.wrong_crc.add("jwt-secret-key-production")
    with pytest.raises(SecretSourceError, match=r"jwt-secret-key-production.*CRC32C") as info:
        source_for(gcp_secret_manager).lookup("JWT_SECRET_KEY")
    assert_no_canary(info.value)


def test_gcp_permission_denied_names_the_secret(gcp_secret_manager: FakeSecretManager) -> None:
    gcp_secret_manager.add_version("jwt-secret-key-production", CANARY)
    gcp_secret_manager.permission_denied.add("jwt-secret-key-production")
    source = source_for(gcp_secret_manager)
    with pytest.raises(SecretSourceError, match=r"jwt-secret-key-production.*permission denied"):
        source.lookup("JWT_SECRET_KEY")
    assert source.status().up  # the store answered: it is the secret that is refused


def test_gcp_deleted_secret_is_not_found(gcp_secret_manager: FakeSecretManager) -> None:
    gcp_secret_manager.add_version("jwt-secret-key-production", CANARY)
    gcp_secret_manager.delete_secret("jwt-secret-key-production")
    with pytest.raises(SecretSourceError, match=r"jwt-secret-key-production.*not found") as info:
        source_for(gcp_secret_manager).lookup("JWT_SECRET_KEY")
    assert_no_canary(info.value)


def test_gcp_disabled_pinned_version_is_refused(gcp_secret_manager: FakeSecretManager) -> None:
    gcp_secret_manager.add_version("postgres-password-production", CANARY)
    gcp_secret_manager.disable_version("postgres-password-production", 1)
    with pytest.raises(SecretSourceError, match="disabled or destroyed"):
        source_for(gcp_secret_manager).lookup("POSTGRES_PASSWORD")


def test_gcp_malformed_payloads_are_refused_without_the_value(
    gcp_secret_manager: FakeSecretManager,
) -> None:
    gcp_secret_manager.add_version("jwt-secret-key-production", b"\xff\xfe" + CANARY.encode())
    gcp_secret_manager.add_version("google-oauth-client-id-production", CANARY)
    gcp_secret_manager.bad_base64.add("google-oauth-client-id-production")
    source = source_for(gcp_secret_manager)
    with pytest.raises(SecretSourceError, match="not UTF-8") as bad_text:
        source.lookup("JWT_SECRET_KEY")
    with pytest.raises(SecretSourceError, match="malformed answer") as bad_answer:
        source.lookup("GOOGLE_CLIENT_ID")
    assert_no_canary(bad_text.value, bad_answer.value)


def test_gcp_retries_429_and_503_with_backoff(gcp_secret_manager: FakeSecretManager) -> None:
    gcp_secret_manager.add_version("jwt-secret-key-production", "value")
    gcp_secret_manager.queued["jwt-secret-key-production"] = [429, 503]
    waits: list[float] = []
    hit = source_for(gcp_secret_manager, sleep=waits.append, backoff=0.5).lookup("JWT_SECRET_KEY")
    assert hit is not None
    assert hit.value == "value"
    assert waits == [0.5, 1.0]


def test_gcp_retries_are_bounded_and_mark_the_source_down(
    gcp_secret_manager: FakeSecretManager,
) -> None:
    gcp_secret_manager.add_version("jwt-secret-key-production", "value")
    gcp_secret_manager.queued["jwt-secret-key-production"] = [503] * 10
    waits: list[float] = []
    source = source_for(gcp_secret_manager, sleep=waits.append, attempts=3)
    with pytest.raises(SecretManagerUnavailable, match=r"answered 503.*3 time"):
        source.lookup("JWT_SECRET_KEY")
    assert len(waits) == 2
    assert gcp_secret_manager.access_count("jwt-secret-key-production") == 3
    assert not source.status().up


def test_gcp_slow_answer_times_out_and_names_the_secret(
    gcp_secret_manager: FakeSecretManager,
) -> None:
    gcp_secret_manager.add_version("jwt-secret-key-production", "value")
    gcp_secret_manager.delay = 2.0
    source = source_for(gcp_secret_manager, timeout=0.2)
    with pytest.raises(SecretManagerUnavailable, match=r"jwt-secret-key-production.*0.2 s"):
        source.lookup("JWT_SECRET_KEY")
    status = source.status()
    assert not status.up
    assert "jwt-secret-key-production" in status.detail


def test_gcp_server_killed_then_status_recovers(gcp_secret_manager: FakeSecretManager) -> None:
    gcp_secret_manager.add_version("jwt-secret-key-production", "value")
    clock = FakeClock()
    source = source_for(gcp_secret_manager, ttl=1.0, clock=clock)
    assert source.lookup("JWT_SECRET_KEY") is not None
    assert source.status().last_ok is not None
    gcp_secret_manager.stop()
    clock.now += 5
    with pytest.raises(SecretManagerUnavailable, match="cannot reach"):
        source.lookup("JWT_SECRET_KEY")
    assert not source.status().up
    gcp_secret_manager.start()
    clock.now += 5
    assert source.lookup("JWT_SECRET_KEY") is not None
    assert source.status().up


def test_gcp_watch_reports_a_new_latest_version(gcp_secret_manager: FakeSecretManager) -> None:
    gcp_secret_manager.add_version("jwt-secret-key-production", "first")
    source = source_for(gcp_secret_manager, poll_interval=0.02)
    assert source.lookup("JWT_SECRET_KEY") is not None
    changed: list[frozenset[str]] = []
    seen = threading.Event()

    def on_change(variables: frozenset[str]) -> None:
        changed.append(variables)
        seen.set()

    subscription = source.watch(on_change)
    assert subscription is not None
    try:
        gcp_secret_manager.add_version("jwt-secret-key-production", "second")
        assert seen.wait(timeout=10)
    finally:
        subscription.close()
    assert changed[0] == {"JWT_SECRET_KEY"}
    hit = source.lookup("JWT_SECRET_KEY")
    assert hit is not None
    assert (hit.value, hit.source.version) == ("second", "2")


def test_gcp_watch_is_none_when_every_secret_is_pinned(
    gcp_secret_manager: FakeSecretManager,
) -> None:
    pinned = SecretMappings({"A": "a"}, versions={"a": "3"})
    source = GoogleSecretManagerSource(
        gcp_secret_manager.project,
        mappings=pinned,
        environment=Environment.STAGING,
        client=object(),
    )
    assert source.watch(lambda _v: None) is None


def test_gcp_current_version_resolves_latest_from_metadata(
    gcp_secret_manager: FakeSecretManager,
) -> None:
    gcp_secret_manager.add_version("jwt-secret-key-production", CANARY)
    gcp_secret_manager.add_version("jwt-secret-key-production", CANARY)
    source = source_for(gcp_secret_manager)
    assert source.current_version("JWT_SECRET_KEY") == "2"
    assert gcp_secret_manager.access_count("jwt-secret-key-production") == 0


def test_gcp_source_needs_a_project() -> None:
    with pytest.raises(SecretSourceError, match="GOOGLE_CLOUD_PROJECT"):
        GoogleSecretManagerSource("", mappings=MAPPINGS, environment=Environment.STAGING)


def test_gcp_source_without_credentials_says_how_to_get_them(
    no_google_credentials: list[str],
) -> None:
    source = GoogleSecretManagerSource(
        "acme-staging", mappings=MAPPINGS, environment=Environment.STAGING
    )
    source.prefetch(["JWT_SECRET_KEY", "GOOGLE_CLIENT_ID"])  # failures are kept, not raised
    with pytest.raises(SourceNotConfigured) as raised:
        source.lookup("JWT_SECRET_KEY")
    message = str(raised.value)
    assert "no Google credentials" in message
    assert "gcloud auth application-default login" in message
    assert "GOOGLE_APPLICATION_CREDENTIALS" in message
    assert "malformed" not in message
    status = source.status()
    assert not status.up
    assert "no Google credentials" in status.detail
    assert no_google_credentials == []  # the metadata server was never tried


def test_gcp_endpoint_credentials_never_reach_name_status_or_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    endpoint = f"http://user:{CANARY}@127.0.0.1:1"
    source = GoogleSecretManagerSource(
        "acme",
        mappings=MAPPINGS,
        environment=Environment.PRODUCTION,
        client=make_client(endpoint, anonymous=True),
        attempts=1,
        timeout=0.5,
    )
    with pytest.raises(SecretSourceError) as info:
        source.lookup("JWT_SECRET_KEY")
    assert_no_canary(source, source.name, source.status(), info.value)
    assert CANARY not in caplog.text


def test_gcp_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "google.cloud.secretmanager", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'confwarden\[gcp\]'"):
        make_client()


class DeployedConfig(ConfigSchema):
    jwt_secret_key: Annotated[
        SecretStr | None,
        Env("JWT_SECRET_KEY", sensitive=True, critical=True, required_in=DEPLOYED),
    ] = None
    postgres_password: Annotated[
        SecretStr | None,
        Env("POSTGRES_PASSWORD", sensitive=True, critical=True, required_in=DEPLOYED),
    ] = None


def start(source: GoogleSecretManagerSource, environment: str = "production") -> ConfigSchema:
    env = IsolatedEnvironment(environ={"ENVIRONMENT": environment}, isolated=True)
    return bootstrap(DeployedConfig, env=env, env_files=[], install=False, secret_sources=[source])


def test_gcp_bootstrap_reads_secrets_with_provenance(gcp_secret_manager: FakeSecretManager) -> None:
    gcp_secret_manager.add_version("jwt-secret-key-production", CANARY)
    gcp_secret_manager.add_version("postgres-password-production", CANARY + "-pg")
    config = start(source_for(gcp_secret_manager))
    assert isinstance(config, DeployedConfig)
    assert config.jwt_secret_key is not None
    assert config.jwt_secret_key.get_secret_value() == CANARY
    assert CANARY not in repr(config)


def test_gcp_source_down_at_startup_fails_fast_naming_source_and_secrets(
    gcp_secret_manager: FakeSecretManager,
) -> None:
    gcp_secret_manager.stop()
    with pytest.raises(ConfigurationError) as info:
        start(source_for(gcp_secret_manager))
    message = str(info.value)
    assert "Google Secret Manager (project test-project)" in message
    assert "jwt-secret-key-production" in message
    assert "postgres-password-production" in message
    assert "cannot reach" in message


def test_gcp_load_fetches_only_what_the_environment_does_not_set(
    gcp_secret_manager: FakeSecretManager,
) -> None:
    gcp_secret_manager.add_version("jwt-secret-key-production", CANARY)
    gcp_secret_manager.add_version("postgres-password-production", CANARY + "-pg")
    env = IsolatedEnvironment(
        environ={"ENVIRONMENT": "production", "JWT_SECRET_KEY": CANARY + "-env"}, isolated=True
    )
    config = bootstrap(
        DeployedConfig,
        env=env,
        env_files=[],
        install=False,
        secret_sources=[source_for(gcp_secret_manager)],
    )
    assert isinstance(config, DeployedConfig)
    assert config.jwt_secret_key is not None
    assert config.jwt_secret_key.get_secret_value() == CANARY + "-env"
    assert gcp_secret_manager.access_count("jwt-secret-key-production") == 0
    assert gcp_secret_manager.access_count("postgres-password-production") == 1


@pytest.mark.parametrize(
    ("endpoint", "loopback"),
    [
        ("http://127.0.0.1:8085", True),
        ("localhost:443", True),
        ("http://[::1]:80", True),
        ("https://secretmanager.example.com", False),
        ("10.0.0.1:443", False),
    ],
)
def test_gcp_client_skips_proxies_only_for_loopback_endpoints(
    endpoint: str, loopback: bool
) -> None:
    session = make_client(endpoint, anonymous=True)._transport._session
    assert session.trust_env is not loopback


def test_gcp_watch_reports_a_secret_created_after_the_load(
    gcp_secret_manager: FakeSecretManager,
) -> None:
    source = source_for(gcp_secret_manager, poll_interval=0.02)
    with pytest.raises(SecretSourceError, match="not found"):
        source.lookup("JWT_SECRET_KEY")
    seen = threading.Event()
    subscription = source.watch(lambda variables: seen.set())
    assert subscription is not None
    try:
        gcp_secret_manager.add_version("jwt-secret-key-production", "created later")
        assert seen.wait(timeout=10)
    finally:
        subscription.close()
    hit = source.lookup("JWT_SECRET_KEY")
    assert hit is not None
    assert hit.value == "created later"
