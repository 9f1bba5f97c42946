"""`confwarden secrets plan|check`: mappings, Cloud Run arguments, checks against real stores."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.servers.gcp_secret_manager import FakeSecretManager, no_google_credentials
from tests.servers.openbao import OpenBaoServer, openbao_server

from confwarden.cli.main import cli

__all__ = ["no_google_credentials", "openbao_server"]

CANARY = "CANARY-61aa-cli-0123456789abcdef0123456789abcdef"

SCHEMA = """
from typing import Annotated
from pydantic import SecretStr
from confwarden.config.schema import ConfigSchema, Env
from confwarden.config.spec import DEPLOYED


class ApiConfig(ConfigSchema):
    jwt_secret_key: Annotated[
        SecretStr | None,
        Env("JWT_SECRET_KEY", sensitive=True, critical=True, required_in=DEPLOYED,
            secret="jwt-secret-key-{environment}"),
    ] = None
    log_level: Annotated[str, Env("LOG_LEVEL")] = "INFO"


class WorkerConfig(ConfigSchema):
    jwt_secret_key: Annotated[
        SecretStr | None,
        Env("JWT_SECRET_KEY", "JWT_SECRET_{ENVIRONMENT}", sensitive=True, critical=True,
            required_in=DEPLOYED, secret="jwt-secret-key-{environment}"),
    ] = None
    redis_password: Annotated[
        SecretStr | None,
        Env("REDIS_PASSWORD", sensitive=True, critical=True, required_in=DEPLOYED),
    ] = None
"""


def project(root: Path, extra: str = "", gcp: FakeSecretManager | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "secretsproj_cfg.py").write_text(SCHEMA)
    gcp_table = ""
    if gcp is not None:
        gcp_table = (
            "[tool.confwarden.secret_sources.gcp]\n"
            f'project = "{gcp.project}"\nendpoint = "{gcp.endpoint}"\n'
            'credentials = "anonymous"\ntimeout = 2\n'
        )
    (root / "pyproject.toml").write_text(
        "[tool.confwarden.configs]\n"
        'api = "secretsproj_cfg:ApiConfig"\n'
        'worker = "secretsproj_cfg:WorkerConfig"\n'
        "[tool.confwarden.secret_mappings]\n"
        'REDIS_PASSWORD = "redis-password-{environment}"\n'
        f"{extra}\n{gcp_table}"
    )
    return root


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_secrets_plan_prints_mappings_and_set_secrets(tmp_path: Path) -> None:
    root = project(
        tmp_path, '[tool.confwarden.secret_versions]\n"redis-password-production" = "5"\n'
    )
    code, output = invoke("secrets", "plan", "--env", "production", "--root", str(root))
    assert code == 0, output
    assert "JWT_SECRET_KEY  <- jwt-secret-key-production:latest" in output
    assert (
        "gcloud run deploy worker --set-secrets=JWT_SECRET_KEY=jwt-secret-key-production:latest,"
        "REDIS_PASSWORD=redis-password-production:5"
    ) in output
    assert "1 secret(s) read 'latest'" in output


def test_secrets_plan_json_and_problems_exit_1(tmp_path: Path) -> None:
    root = project(tmp_path)
    text = (root / "pyproject.toml").read_text()
    # A production variable mapped to the staging secret.
    (root / "pyproject.toml").write_text(
        text.replace('"redis-password-{environment}"', '"redis-password-staging"')
    )
    code, output = invoke("secrets", "plan", "--env", "production", "--root", str(root), "--json")
    assert code == 1
    data = json.loads(output)
    assert data["ok"] is False
    assert [p["rule"] for p in data["problems"]] == ["secrets.cross_environment"]
    assert data["services"]["api"]["set_secrets"] == (
        "--set-secrets=JWT_SECRET_KEY=jwt-secret-key-production:latest"
    )


def test_secrets_plan_reports_an_unmapped_critical_secret(tmp_path: Path) -> None:
    root = project(tmp_path)
    text = (root / "pyproject.toml").read_text()
    (root / "pyproject.toml").write_text(
        text.replace('REDIS_PASSWORD = "redis-password-{environment}"', "")
    )
    code, output = invoke("secrets", "plan", "--env", "staging", "--root", str(root))
    assert code == 1
    assert "REDIS_PASSWORD (from service worker, staging)" in output
    assert "[secrets.unmapped]" in output


@pytest.mark.integration
def test_secrets_plan_pins_latest_from_the_store(
    tmp_path: Path, gcp_secret_manager: FakeSecretManager
) -> None:
    gcp_secret_manager.add_version("jwt-secret-key-production", CANARY)
    gcp_secret_manager.add_version("jwt-secret-key-production", CANARY)
    gcp_secret_manager.add_version("redis-password-production", CANARY)
    root = project(tmp_path, gcp=gcp_secret_manager)
    code, output = invoke(
        "secrets", "plan", "--env", "production", "--source", "gcp", "--root", str(root)
    )
    assert code == 0, output
    assert (
        "JWT_SECRET_KEY=jwt-secret-key-production:2,REDIS_PASSWORD=redis-password-production:1"
        in output
    )
    assert CANARY not in output
    assert gcp_secret_manager.access_count("jwt-secret-key-production") == 0  # metadata only


@pytest.mark.integration
def test_secrets_check_gcp_passes_without_printing_values(
    tmp_path: Path, gcp_secret_manager: FakeSecretManager
) -> None:
    gcp_secret_manager.add_version("jwt-secret-key-staging", CANARY)
    gcp_secret_manager.add_version("redis-password-staging", CANARY + "-redis")
    root = project(tmp_path, gcp=gcp_secret_manager)
    for extra in ((), ("--json",)):
        code, output = invoke(
            "secrets", "check", "--env", "staging", "--source", "gcp", "--root", str(root), *extra
        )
        assert code == 0, output
        assert CANARY not in output
    assert json.loads(output)["ok"] is True


@pytest.mark.integration
def test_secrets_check_gcp_lists_every_problem(
    tmp_path: Path, gcp_secret_manager: FakeSecretManager
) -> None:
    gcp_secret_manager.add_version("jwt-secret-key-staging", CANARY[:16])
    gcp_secret_manager.add_version("redis-password-staging", CANARY)
    gcp_secret_manager.permission_denied.add("redis-password-staging")
    root = project(tmp_path, gcp=gcp_secret_manager)
    code, output = invoke(
        "secrets", "check", "--env", "staging", "--source", "gcp", "--root", str(root)
    )
    assert code == 1
    assert "FAIL  api: JWT_SECRET_KEY <- jwt-secret-key-staging:latest" in output
    assert "redis-password-staging" in output
    assert "permission denied" in output
    assert "at least 32" in output
    assert CANARY[:16] not in output


@pytest.mark.integration
def test_secrets_check_gcp_server_down_names_the_source(tmp_path: Path) -> None:
    down = FakeSecretManager()
    down.start()
    down.stop()
    root = project(tmp_path, gcp=down)
    code, output = invoke(
        "secrets", "check", "--env", "staging", "--source", "gcp", "--root", str(root), "--json"
    )
    assert code == 1
    problems = json.loads(output)["problems"]
    unreadable = [p for p in problems if p["rule"] == "secrets.unreadable"]
    assert {p["variable"] for p in unreadable} == {"JWT_SECRET_KEY", "REDIS_PASSWORD"}
    assert all("cannot reach" in p["message"] for p in unreadable)
    assert all("Google Secret Manager" in p["origin"] for p in unreadable)


@pytest.mark.integration
def test_secrets_check_vault(tmp_path: Path, openbao_server: OpenBaoServer) -> None:
    client: Any = openbao_server.client()
    client.secrets.kv.v2.create_or_update_secret(
        "jwt-secret-key-staging", secret={"value": CANARY}, mount_point="secret"
    )
    root = project(
        tmp_path,
        f'[tool.confwarden.secret_sources.vault]\nurl = "{openbao_server.url}"\nauth = "token"\n',
    )
    env = {"VAULT_TOKEN": openbao_server.root_token}
    code, output = invoke(
        "secrets", "check", "--env", "staging", "--source", "vault", "--root", str(root), env=env
    )
    assert code == 1  # redis-password-staging is not written
    assert "ok    api: JWT_SECRET_KEY" in output
    assert "FAIL  worker: REDIS_PASSWORD" in output
    assert "not found" in output
    assert CANARY not in output
    client.secrets.kv.v2.create_or_update_secret(
        "redis-password-staging", secret={"value": "redis-" + CANARY}, mount_point="secret"
    )
    code, output = invoke(
        "secrets", "check", "--env", "staging", "--source", "vault", "--root", str(root), env=env
    )
    assert code == 0, output
    code, output = invoke(
        "secrets", "check", "--env", "staging", "--source", "vault", "--root", str(root),
        env={"VAULT_TOKEN": CANARY},
    )  # fmt: skip
    assert code == 2, output
    assert f"VAULT_TOKEN is not a valid token for {openbao_server.url}" in output
    assert CANARY not in output


def test_secrets_plan_with_etcd_says_there_is_nothing_to_pin(tmp_path: Path) -> None:
    # etcd keys are the variable names and carry no versions: a Cloud Run mapping plan
    # "pinned" from etcd meant nothing; say what to run instead.
    root = project(
        tmp_path,
        '[tool.confwarden.secret_sources.etcd]\nendpoints = ["127.0.0.1:1"]\nproject = "p"\n',
    )
    code, output = invoke(
        "secrets", "plan", "--env", "staging", "--source", "etcd", "--root", str(root)
    )
    assert code == 2
    assert "secrets check --source etcd" in output


def test_secrets_check_without_vault_credentials_is_a_usage_error(tmp_path: Path) -> None:
    root = project(tmp_path, '[tool.confwarden.secret_sources.vault]\nurl = "http://127.0.0.1:1"\n')
    code, output = invoke(
        "secrets", "check", "--env", "staging", "--source", "vault", "--root", str(root),
        env={"VAULT_TOKEN": "", "VAULT_ROLE_ID": "", "VAULT_SECRET_ID": ""},
    )  # fmt: skip
    assert code == 2
    assert "VAULT_ROLE_ID or VAULT_SECRET_ID is not set" in output


def test_secrets_check_without_google_credentials_is_a_usage_error(
    tmp_path: Path, no_google_credentials: list[str]
) -> None:
    root = project(tmp_path, '[tool.confwarden.secret_sources.gcp]\nproject = "acme-staging"\n')
    code, output = invoke(
        "secrets", "check", "--env", "staging", "--source", "gcp", "--root", str(root)
    )
    assert code == 2, output
    assert "no Google credentials" in output
    assert "gcloud auth application-default login" in output
    assert "malformed" not in output
    code, output = invoke(
        "secrets", "plan", "--env", "staging", "--source", "gcp", "--root", str(root)
    )
    assert code == 2, output
    assert "no Google credentials" in output
    assert no_google_credentials == []


def test_secrets_plan_example_platform_maps_both_oauth_conventions_to_one_secret() -> None:
    root = Path(__file__).resolve().parents[2] / "examples" / "platform"
    code, output = invoke("secrets", "plan", "--env", "production", "--root", str(root), "--json")
    assert code == 0, output
    services = json.loads(output)["services"]
    backend = {row["variable"]: row["secret"] for row in services["backend"]["secrets"]}
    auth = {row["variable"]: row["secret"] for row in services["auth"]["secrets"]}
    assert backend["GOOGLE_CLIENT_ID"] == auth["GOOGLE_OAUTH_CLIENT_ID_PRODUCTION"]
    assert backend["GOOGLE_CLIENT_SECRET"] == auth["GOOGLE_OAUTH_CLIENT_SECRET_PRODUCTION"]
    assert backend["JWT_SECRET_KEY"] == auth["JWT_SECRET_KEY"] == "jwt-secret-key-production"


def test_secrets_plan_uses_the_global_project_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path / "proj")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, output = invoke("--project", str(root), "secrets", "plan", "--env", "production")
    assert code == 0, output
    assert "gcloud run deploy worker" in output


def test_secrets_plan_discovers_the_project_from_a_subdirectory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path / "proj")
    inner = root / "deploy" / "cloudrun"
    inner.mkdir(parents=True)
    monkeypatch.chdir(inner)
    code, output = invoke("secrets", "plan", "--env", "production")
    assert code == 0, output
    assert "gcloud run deploy api" in output


def test_secrets_plan_without_a_project_says_how_to_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, output = invoke("secrets", "plan", "--env", "production")
    assert code == 2
    assert "confwarden init" in output
