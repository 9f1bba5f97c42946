"""`--source etcd`: the source built from settings, and `confwarden secrets check` against etcd."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.servers.etcd import EtcdCluster, EtcdWriter

from confwarden.cli.main import cli
from confwarden.environment.detection import Environment
from confwarden.errors import MissingDependencyError
from confwarden.secrets.base import SecretSourceError
from confwarden.secrets.etcd import EtcdSource
from confwarden.secrets.etcd_settings import from_settings
from confwarden.secrets.mapping import SecretMappings
from confwarden.secrets.registry import build_source, source_settings

CANARY = "CANARY-5f0e1d-etcd-check-0123456789abcdef0123456789"

SCHEMA = """
from typing import Annotated
from pydantic import SecretStr
from confwarden.config.schema import ConfigSchema, Env
from confwarden.config.spec import DEPLOYED


class EtcdCheckedConfig(ConfigSchema):
    jwt_secret_key: Annotated[
        SecretStr | None,
        Env("JWT_SECRET_KEY", sensitive=True, critical=True, required_in=DEPLOYED),
    ] = None
    api_key: Annotated[SecretStr | None, Env("API_KEY", sensitive=True)] = None
    workers: Annotated[int, Env("WORKERS")] = 1
"""
KEY = "/confwarden/etcdcheck/staging/JWT_SECRET_KEY"


def test_etcd_settings_build_the_prefix_from_project_and_environment() -> None:
    source = build_source(
        "etcd",
        {"endpoints": "127.0.0.1:2379, 127.0.0.1:2380", "project": "acme"},
        mappings=SecretMappings(),
        environment=Environment.PRODUCTION,
        environ={"ETCDCTL_USER": "reader:" + CANARY},
    )
    assert source.name == "etcd /confwarden/acme/production/"
    assert CANARY not in repr(source)


def test_etcd_settings_missing_extra_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "aetcd", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'confwarden\[etcd\]'"):
        EtcdSource("127.0.0.1:2379", "/confwarden/acme/staging/")


def test_etcd_settings_without_endpoint_or_project_are_refused() -> None:
    def build(settings: dict[str, object]) -> EtcdSource:
        return from_settings(
            settings, mappings=SecretMappings(), environment=Environment.STAGING, environ={}
        )

    with pytest.raises(SecretSourceError, match="ETCDCTL_ENDPOINTS"):
        build({"project": "acme"})
    with pytest.raises(SecretSourceError, match="project"):
        build({"endpoints": ["h:1"]})
    with pytest.raises(SecretSourceError, match="unknown key 'url'"):
        build({"url": "x"})


def test_etcd_endpoint_with_credentials_is_refused_without_showing_them() -> None:
    # An endpoint is shown in names, reprs, health details and fixes: no password in it.
    with pytest.raises(SecretSourceError) as raised:
        from_settings(
            {"endpoints": [f"http://reader:{CANARY}@127.0.0.1:2379"], "project": "acme"},
            mappings=SecretMappings(), environment=Environment.STAGING, environ={},
        )  # fmt: skip
    message = str(raised.value)
    assert CANARY not in message
    assert "'reader:***@127.0.0.1:2379'" in message
    assert "ETCDCTL_PASSWORD" in message


def test_etcd_https_endpoint_is_refused_saying_tls_is_not_spoken() -> None:
    # "https://h:2379" used to become the host name "https://h": a DNS failure later.
    with pytest.raises(SecretSourceError, match=r"'https://etcd\.internal:2379'.*http://"):
        from_settings(
            {"endpoints": ["https://etcd.internal:2379"], "project": "acme"},
            mappings=SecretMappings(), environment=Environment.STAGING, environ={},
        )  # fmt: skip
    source = from_settings(
        {"endpoints": ["http://127.0.0.1:2379"], "project": "acme"},
        mappings=SecretMappings(), environment=Environment.STAGING, environ={},
    )  # fmt: skip
    assert source.endpoints == (("127.0.0.1", 2379),)


def test_etcd_settings_take_the_keepalive_fleet_md_tells_bigger_fleets_to_raise() -> None:
    source = from_settings(
        {"endpoints": ["127.0.0.1:1"], "project": "acme", "keepalive": 30},
        mappings=SecretMappings(), environment=Environment.STAGING, environ={},
    )  # fmt: skip
    assert source.keepalive == 30.0


@pytest.mark.parametrize("name", ["prodution", "prod", "Production"])
def test_a_misspelled_environment_table_is_refused_not_ignored(name: str) -> None:
    # [...gcp.prodution] project = "acme-prod" silently ignored means production reads
    # the project of the plain table (staging's): the cross-environment mistake itself.
    table = {"gcp": {"project": "acme-staging", name: {"project": "acme-prod"}}}
    with pytest.raises(SecretSourceError) as raised:
        source_settings(table, "gcp", Environment.PRODUCTION)
    message = str(raised.value)
    assert f"[tool.confwarden.secret_sources.gcp.{name}]" in message
    assert "production" in message


def test_an_environment_table_overrides_the_plain_keys() -> None:
    table = {"gcp": {"project": "acme-staging", "production": {"project": "acme-prod"}}}
    assert source_settings(table, "gcp", Environment.PRODUCTION) == {"project": "acme-prod"}
    assert source_settings(table, "gcp", Environment.STAGING) == {"project": "acme-staging"}


@pytest.mark.integration
@pytest.mark.parametrize("mappings", ["", 'JWT_SECRET_KEY = "jwt-secret-key-production"\n'])
def test_etcd_settings_secrets_check_lists_problems_without_values(
    tmp_path: Path, etcd_server: EtcdCluster, mappings: str
) -> None:
    # etcd keeps variables under their own names: no mapping is needed, and a mapping
    # (here another environment's secret name) neither changes the key read nor is judged.
    (tmp_path / "etcdcheck_cfg.py").write_text(SCHEMA)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.confwarden.configs]\napi = "etcdcheck_cfg:EtcdCheckedConfig"\n'
        "[tool.confwarden.secret_sources.etcd]\n"
        f'endpoints = ["{etcd_server.endpoints[0]}"]\nproject = "etcdcheck"\n'
        f"[tool.confwarden.secret_mappings]\n{mappings}"
    )
    args = ["secrets", "check", "--env", "staging", "--source", "etcd", "--root", str(tmp_path)]
    writer = EtcdWriter(etcd_server.endpoints)
    try:
        writer.delete(KEY)
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 1, result.output
        assert "Checking 1 secret(s)" in result.output
        assert f"FAIL  api: JWT_SECRET_KEY <- {KEY}\n" in result.output
        assert f"etcdctl --endpoints={etcd_server.endpoints[0]} put {KEY}" in result.output
        assert "secrets.unmapped" not in result.output
        assert "required.missing" not in result.output  # said once: "no value in the store"
        assert "secrets.cross_environment" not in result.output
        assert ":latest" not in result.output

        weak = "short-" + CANARY[:6]
        writer.put(KEY, weak)
        writer.put("/confwarden/etcdcheck/staging/API_KEY", CANARY + "-api")
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 1, result.output
        assert f"FAIL  api: JWT_SECRET_KEY <- {KEY}\n" in result.output
        assert "ok    api: API_KEY <- /confwarden/etcdcheck/staging/API_KEY" in result.output
        assert weak not in result.output
        assert CANARY not in result.output

        writer.put(KEY, CANARY)
        result = CliRunner().invoke(cli, [*args, "--json"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert CANARY not in result.output
        document = json.loads(result.output)
        assert {row["key"] for row in document["secrets"]} == {
            KEY,
            "/confwarden/etcdcheck/staging/API_KEY",
        }
    finally:
        writer.delete(KEY)
        writer.delete("/confwarden/etcdcheck/staging/API_KEY")
        writer.close()
