"""Vault/OpenBao source against a real OpenBao dev server: KV v1/v2, token, AppRole, faults."""

from __future__ import annotations

import socket
import sys
import threading
from typing import Any

import pytest
from tests.clock import FakeClock
from tests.servers.openbao import OpenBaoServer, start_openbao, stop_openbao

from confwarden.environment.detection import Environment
from confwarden.errors import MissingDependencyError
from confwarden.secrets.base import SecretSourceError, SourceNotConfigured
from confwarden.secrets.mapping import SecretMappings
from confwarden.secrets.vault import AppRoleAuth, TokenAuth, VaultSource, VaultUnavailable

pytestmark = pytest.mark.integration

CANARY = "CANARY-9b3e-vault-0123456789abcdef0123456789abcdef"


@pytest.fixture
def bao(openbao_server: OpenBaoServer, request: pytest.FixtureRequest) -> Any:
    """The root client and a path prefix unique to this test."""
    client: Any = openbao_server.client()
    return client, request.node.name.replace("[", "-").rstrip("]")


def source(server: OpenBaoServer, templates: dict[str, str], **options: Any) -> VaultSource:
    options.setdefault("auth", TokenAuth(server.root_token))
    versions = options.pop("versions", {})
    return VaultSource(
        server.url,
        mappings=SecretMappings(templates, versions=versions),
        environment=options.pop("environment", Environment.STAGING),
        **options,
    )


def assert_no_canary(*things: object) -> None:
    for thing in things:
        assert CANARY not in str(thing)
        assert CANARY not in repr(thing)


def test_vault_kv2_reads_mapped_key_with_version(openbao_server: OpenBaoServer, bao: Any) -> None:
    client, prefix = bao
    client.secrets.kv.v2.create_or_update_secret(
        f"{prefix}/staging/db", secret={"password": "old"}, mount_point="secret"
    )
    client.secrets.kv.v2.create_or_update_secret(
        f"{prefix}/staging/db", secret={"password": CANARY}, mount_point="secret"
    )
    vault = source(openbao_server, {"POSTGRES_PASSWORD": f"{prefix}/{{environment}}/db#password"})
    hit = vault.lookup("POSTGRES_PASSWORD")
    assert hit is not None
    assert (hit.value, hit.source.version) == (CANARY, "2")
    assert hit.source.detail == f"secret/{prefix}/staging/db#password"
    assert vault.lookup("UNMAPPED") is None
    assert_no_canary(hit, vault, vault.status(), vault._cache)


def test_vault_kv2_default_key_and_pinned_version(openbao_server: OpenBaoServer, bao: Any) -> None:
    client, prefix = bao
    name = f"{prefix}-jwt-staging"
    for value in ("first", "second"):
        client.secrets.kv.v2.create_or_update_secret(
            name, secret={"value": value}, mount_point="secret"
        )
    latest = source(openbao_server, {"JWT_SECRET_KEY": f"{prefix}-jwt-{{environment}}"})
    pinned = source(
        openbao_server,
        {"JWT_SECRET_KEY": f"{prefix}-jwt-{{environment}}"},
        versions={name: "1"},
    )
    hit, old = latest.lookup("JWT_SECRET_KEY"), pinned.lookup("JWT_SECRET_KEY")
    assert hit is not None
    assert old is not None
    assert (hit.value, old.value, old.source.version) == ("second", "first", "1")
    assert latest.current_version("JWT_SECRET_KEY") == "2"


def test_vault_kv1_lease_shortens_the_cache(openbao_server: OpenBaoServer, bao: Any) -> None:
    client, prefix = bao
    client.secrets.kv.v1.create_or_update_secret(
        f"{prefix}/api", secret={"value": "one", "ttl": "30s"}, mount_point="kv1"
    )
    clock = FakeClock()
    vault = source(
        openbao_server, {"API_KEY": f"{prefix}/api"}, mount="kv1", kv_version=1, clock=clock
    )
    assert vault.lookup("API_KEY") is not None
    client.secrets.kv.v1.create_or_update_secret(
        f"{prefix}/api", secret={"value": "two", "ttl": "30s"}, mount_point="kv1"
    )
    clock.now += 19  # within two thirds of the 30 s lease: the cached value
    hit = vault.lookup("API_KEY")
    assert hit is not None
    assert hit.value == "one"
    clock.now += 2  # past it: re-read before the lease runs out
    hit = vault.lookup("API_KEY")
    assert hit is not None
    assert hit.value == "two"


def test_vault_approle_logs_in_renews_and_logs_in_again(
    openbao_server: OpenBaoServer, bao: Any
) -> None:
    client, prefix = bao
    client.secrets.kv.v2.create_or_update_secret(
        f"{prefix}/k", secret={"value": "v"}, mount_point="secret"
    )
    clock = FakeClock()
    auth = AppRoleAuth(openbao_server.role_id, openbao_server.secret_id)
    vault = source(openbao_server, {"K": f"{prefix}/k"}, auth=auth, clock=clock, ttl=1.0)
    assert vault.lookup("K") is not None
    first_token = vault._client.token
    assert vault._token_renew_at == pytest.approx(clock.now + 800)
    clock.now += 801
    assert vault.lookup("K") is not None  # renewed on the way
    assert vault._client.token == first_token
    assert vault._token_renew_at == pytest.approx(clock.now + 800)
    client.auth.token.revoke(first_token)
    clock.now += 801
    assert vault.lookup("K") is not None  # renewal refused: a new login
    assert vault._client.token != first_token
    assert repr(auth) == "AppRoleAuth(mount='approle')"


def test_vault_approle_wrong_secret_id_says_to_create_one(openbao_server: OpenBaoServer) -> None:
    auth = AppRoleAuth(openbao_server.role_id, CANARY)
    vault = source(openbao_server, {"K": "k"}, auth=auth)
    with pytest.raises(SourceNotConfigured) as info:
        vault.lookup("K")
    message = str(info.value)
    assert f"refused by {openbao_server.url}" in message
    assert "create a new secret_id" in message
    assert_no_canary(info.value)


def test_vault_permission_denied_names_the_path(openbao_server: OpenBaoServer, bao: Any) -> None:
    client, prefix = bao
    client.secrets.kv.v2.create_or_update_secret(
        f"{prefix}/db", secret={"value": CANARY}, mount_point="secret"
    )
    weak = client.auth.token.create(policies=["default"], ttl="10m")["auth"]["client_token"]
    vault = source(openbao_server, {"DB": f"{prefix}/db"}, auth=TokenAuth(weak))
    with pytest.raises(SecretSourceError, match=rf"{prefix}/db.*permission denied") as info:
        vault.lookup("DB")
    assert vault.status().up
    assert f"read on secret/data/{prefix}/db" in str(info.value)  # the policy path to grant
    assert "not a valid token" not in str(info.value)
    assert_no_canary(info.value)


def test_vault_deleted_secret_is_not_found(openbao_server: OpenBaoServer, bao: Any) -> None:
    client, prefix = bao
    client.secrets.kv.v2.create_or_update_secret(
        f"{prefix}/gone", secret={"value": CANARY}, mount_point="secret"
    )
    client.secrets.kv.v2.delete_latest_version_of_secret(f"{prefix}/gone", mount_point="secret")
    vault = source(openbao_server, {"GONE": f"{prefix}/gone", "NEVER": f"{prefix}/never"})
    for variable in ("GONE", "NEVER"):
        with pytest.raises(SecretSourceError, match="not found, or its latest version is deleted"):
            vault.lookup(variable)


def test_vault_malformed_values_are_refused_without_the_value(
    openbao_server: OpenBaoServer, bao: Any
) -> None:
    client, prefix = bao
    client.secrets.kv.v2.create_or_update_secret(
        f"{prefix}/odd",
        secret={"other": CANARY, "nested": {"deep": CANARY}, "huge": CANARY * 40_000},
        mount_point="secret",
    )
    vault = source(
        openbao_server,
        {
            "MISSING_KEY": f"{prefix}/odd",
            "NESTED": f"{prefix}/odd#nested",
            "HUGE": f"{prefix}/odd#huge",
        },
    )
    with pytest.raises(SecretSourceError, match="more than the 1 MiB") as huge:
        vault.lookup("HUGE")
    assert_no_canary(huge.value)
    with pytest.raises(SecretSourceError, match="has no key 'value'") as missing:
        vault.lookup("MISSING_KEY")
    with pytest.raises(SecretSourceError, match="is a dict, not text") as nested:
        vault.lookup("NESTED")
    assert_no_canary(missing.value, nested.value)


@pytest.mark.parametrize("token", ["wrong", "revoked"])
def test_vault_invalid_token_is_refused(
    openbao_server: OpenBaoServer, bao: Any, token: str
) -> None:
    client, _ = bao
    value = CANARY
    if token == "revoked":
        value = client.auth.token.create(policies=["default"], ttl="10m")["auth"]["client_token"]
        client.auth.token.revoke(value)
    vault = source(openbao_server, {"X": "x"}, auth=TokenAuth(value))
    with pytest.raises(SourceNotConfigured) as info:
        vault.lookup("X")
    message = str(info.value)
    assert f"VAULT_TOKEN is not a valid token for {openbao_server.url}" in message
    assert "(permission denied on token lookup)" in message
    assert "wrong, expired or revoked" in message
    assert "Grant the token's policy" not in message  # no policy change fixes a bad token
    assert not vault.status().up
    assert "not a valid token" in vault.status().detail
    assert_no_canary(info.value)
    assert value not in message


def test_vault_slow_server_times_out_and_marks_down() -> None:
    # A listener that never answers: the connection is accepted by the kernel, then silence.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        vault = VaultSource(
            f"http://127.0.0.1:{port}",
            auth=TokenAuth("t"),
            mappings=SecretMappings({"X": "x"}),
            environment=Environment.PRODUCTION,
            timeout=0.2,
        )
        with pytest.raises(VaultUnavailable, match=r"no answer within 0.2 s"):
            vault.lookup("X")
    assert not vault.status().up


def test_vault_server_killed_then_recovers() -> None:
    server = start_openbao()
    port = server.port
    clock = FakeClock()
    try:
        client: Any = server.client()
        client.secrets.kv.v2.create_or_update_secret(
            "k", secret={"value": "v"}, mount_point="secret"
        )
        vault = source(server, {"K": "k"}, clock=clock, ttl=1.0)
        assert vault.lookup("K") is not None
    finally:
        stop_openbao(server)
    clock.now += 5
    with pytest.raises(VaultUnavailable, match="cannot reach the server"):
        vault.lookup("K")
    assert not vault.status().up
    server = start_openbao(port)
    try:
        client = server.client()
        client.secrets.kv.v2.create_or_update_secret(
            "k", secret={"value": "v"}, mount_point="secret"
        )
        clock.now += 5
        hit = vault.lookup("K")
        assert hit is not None
        assert hit.value == "v"
        assert vault.status().up
    finally:
        stop_openbao(server)


@pytest.mark.parametrize("kv_version", [1, 2])
def test_vault_watch_reports_changes(
    openbao_server: OpenBaoServer, bao: Any, kv_version: int
) -> None:
    client, prefix = bao
    kv = client.secrets.kv.v2 if kv_version == 2 else client.secrets.kv.v1
    mount = "secret" if kv_version == 2 else "kv1"
    kv.create_or_update_secret(f"{prefix}/w", secret={"value": "one"}, mount_point=mount)
    vault = source(
        openbao_server,
        {"W": f"{prefix}/w", "OTHER": f"{prefix}/other"},
        mount=mount,
        kv_version=kv_version,
        poll_interval=0.02,
    )
    assert vault.lookup("W") is not None
    changed: list[frozenset[str]] = []
    seen = threading.Event()

    def on_change(variables: frozenset[str]) -> None:
        changed.append(variables)
        seen.set()

    subscription = vault.watch(on_change)
    assert subscription is not None
    try:
        kv.create_or_update_secret(f"{prefix}/w", secret={"value": "two"}, mount_point=mount)
        assert seen.wait(timeout=10)
    finally:
        subscription.close()
    assert changed[0] == {"W"}
    hit = vault.lookup("W")
    assert hit is not None
    assert hit.value == "two"


def test_vault_watch_is_none_when_every_version_is_pinned(openbao_server: OpenBaoServer) -> None:
    vault = source(openbao_server, {"A": "a"}, versions={"a": "2"})
    assert vault.watch(lambda _v: None) is None


def test_vault_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "hvac", None)
    vault = VaultSource(
        "http://127.0.0.1:1",
        auth=TokenAuth("t"),
        mappings=SecretMappings({"X": "x"}),
        environment=Environment.STAGING,
    )
    with pytest.raises(MissingDependencyError, match=r"pip install 'confwarden\[vault\]'"):
        vault.lookup("X")


def test_vault_watch_reports_a_secret_written_after_the_load(
    openbao_server: OpenBaoServer, bao: Any
) -> None:
    client, prefix = bao
    vault = source(openbao_server, {"LATE": f"{prefix}/late"}, poll_interval=0.02)
    with pytest.raises(SecretSourceError, match="not found"):
        vault.lookup("LATE")
    seen = threading.Event()
    subscription = vault.watch(lambda variables: seen.set())
    assert subscription is not None
    try:
        client.secrets.kv.v2.create_or_update_secret(
            f"{prefix}/late", secret={"value": "now"}, mount_point="secret"
        )
        assert seen.wait(timeout=10)
    finally:
        subscription.close()
    hit = vault.lookup("LATE")
    assert hit is not None
    assert hit.value == "now"


def test_vault_url_credentials_never_reach_name_repr_status_or_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The source name goes into alerts, the health report and CRITICAL logs.
    url = f"http://admin:{CANARY}@127.0.0.1:1"
    for auth in (TokenAuth("t"), AppRoleAuth("r", "s")):
        vault = VaultSource(
            url,
            auth=auth,
            mappings=SecretMappings({"X": "x", "Y": "y"}),
            environment=Environment.PRODUCTION,
            timeout=0.5,
        )
        assert vault.name.startswith("Vault http://admin:***@127.0.0.1:1")
        vault.prefetch(["X", "Y"])
        with pytest.raises(VaultUnavailable) as info:
            vault.lookup("X")
        assert_no_canary(vault, vault.name, vault.status(), info.value)
    assert CANARY not in caplog.text
