"""The project's [tool.confwarden.secret_sources] reach bootstrap() with no code in the service."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Annotated, Any

import pytest
from tests.servers.gcp_secret_manager import FakeSecretManager, gcp_secret_manager
from tests.servers.openbao import OpenBaoServer, openbao_server

from confwarden import (
    ConfigSchema,
    ConfigurationError,
    Env,
    IsolatedEnvironment,
    SecretStr,
    bootstrap,
    get_unified_config,
    get_unified_manager,
    reset_unified_config,
)
from confwarden.config.configured_sources import configured_environments
from confwarden.config.live import ConfigUpdate
from confwarden.config.manager import UnifiedConfigManager
from confwarden.config.spec import DEPLOYED
from confwarden.environment.detection import Environment
from confwarden.environment.provenance import SourceKind
from confwarden.monitoring import MonitoringHub
from confwarden.monitoring.health_loop import Alert

__all__ = ["gcp_secret_manager", "openbao_server"]

JWT = "CANARY-61aa-wire-0123456789abcdef0123456789abcdef"
ROTATED = "CANARY-61aa-rotd-fedcba9876543210fedcba9876543210"
DB = "CANARY-db-7c1e-0123456789abcdef"


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
    db_password: Annotated[SecretStr | None, Env("DB_PASSWORD", sensitive=True)] = None
    workers: Annotated[int, Env("WORKERS")] = 1


@pytest.fixture(autouse=True)
def _fresh() -> Generator[None]:
    reset_unified_config()
    yield
    reset_unified_config()


def _project(root: Path, fake: FakeSecretManager, extra: str = "") -> Path:
    (root / "pyproject.toml").write_text(
        "[tool.confwarden.secret_mappings]\n"
        'DB_PASSWORD = "db-password-{environment}"\n'
        "[tool.confwarden.secret_sources.gcp]\n"
        f'project = "{fake.project}"\nendpoint = "{fake.endpoint}"\n'
        f'credentials = "anonymous"\ntimeout = 2\npoll_interval = 0.05\n{extra}'
    )
    return root


def _eventually(condition: Callable[[], bool], *, seconds: float) -> bool:
    # No event announces "the store stopped answering": poll the source's status briefly.
    deadline = time.monotonic() + seconds
    tick = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            return False
        tick.wait(0.02)
    return True


def _env() -> IsolatedEnvironment:
    return IsolatedEnvironment(environ={}, isolated=True)


@pytest.fixture
def fake(gcp_secret_manager: FakeSecretManager) -> FakeSecretManager:
    gcp_secret_manager.add_version("jwt-secret-key-staging", JWT)
    gcp_secret_manager.add_version("db-password-staging", DB)
    return gcp_secret_manager


@pytest.mark.integration
def test_configured_sources_bootstrap_reads_the_projects_store_without_code(
    fake: FakeSecretManager, tmp_path: Path
) -> None:
    root = _project(tmp_path, fake)
    config = bootstrap(ApiConfig, env=_env(), environment="staging", root=root)
    assert config.jwt_secret_key is not None
    assert config.jwt_secret_key.get_secret_value() == JWT
    assert config.db_password is not None
    assert config.db_password.get_secret_value() == DB
    inspection = get_unified_manager().last_inspection
    assert inspection is not None
    source = inspection.load.values["jwt_secret_key"].source
    assert source.kind is SourceKind.SECRET
    assert "jwt-secret-key-staging" in str(source)


@pytest.mark.integration
def test_configured_sources_explicit_secret_sources_win(
    fake: FakeSecretManager, tmp_path: Path
) -> None:
    root = _project(tmp_path, fake)
    with pytest.raises(ConfigurationError) as excinfo:
        bootstrap(ApiConfig, env=_env(), environment="staging", root=root, secret_sources=[])
    assert "JWT_SECRET_KEY" in str(excinfo.value)
    assert fake.requests == []


@pytest.mark.integration
def test_configured_sources_skip_development_and_testing_unless_listed(
    fake: FakeSecretManager, tmp_path: Path
) -> None:
    root = _project(tmp_path, fake)
    for environment in ("development", "testing"):
        config = bootstrap(ApiConfig, env=_env(), environment=environment, root=root)
        assert config.db_password is None
    assert fake.requests == []

    fake.add_version("db-password-development", DB)
    _project(tmp_path, fake, 'environments = ["development"]\n')
    config = bootstrap(ApiConfig, env=_env(), environment="development", root=root)
    assert config.db_password is not None
    assert config.db_password.get_secret_value() == DB


@pytest.mark.integration
def test_configured_sources_manager_builds_them_on_first_use(
    fake: FakeSecretManager, tmp_path: Path
) -> None:
    root = _project(tmp_path, fake)
    manager = UnifiedConfigManager(ApiConfig, env={}, environment=Environment.STAGING, root=root)
    assert fake.requests == []
    (source,) = manager.secret_sources
    assert type(source).__name__ == "GoogleSecretManagerSource"
    config = manager.get_config()
    assert isinstance(config, ApiConfig)
    assert config.db_password is not None


def test_configured_sources_bad_settings_name_the_file_and_the_key(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.confwarden.secret_sources.gcp]\nproject = "p"\ntimeout = "slow"\n'
    )
    with pytest.raises(ConfigurationError) as excinfo:
        bootstrap(ApiConfig, env=_env(), environment="staging", root=tmp_path)
    message = str(excinfo.value)
    assert "pyproject.toml" in message
    assert "timeout" in message

    (tmp_path / "pyproject.toml").write_text(
        '[tool.confwarden.secret_sources.gcp]\nproject = "p"\nenvironments = ["prod", "qa"]\n'
    )
    with pytest.raises(ConfigurationError) as excinfo:
        bootstrap(ApiConfig, env=_env(), environment="staging", root=tmp_path)
    assert "secret_sources.gcp" in str(excinfo.value)
    assert "'qa'" in str(excinfo.value)


def test_configured_sources_environments_default_to_the_deployed_ones() -> None:
    assert configured_environments("vault", {"url": "x"}) == DEPLOYED
    assert configured_environments("etcd", {"environments": ["testing"]}) == {Environment.TESTING}


IMPORTS = """
import sys
from confwarden import ConfigSchema, IsolatedEnvironment, bootstrap

class ShopConfig(ConfigSchema):
    workers: int = 1

env = IsolatedEnvironment(environ={}, isolated=True)
bootstrap(ShopConfig, env=env, environment="development", install=False)
bootstrap(ShopConfig, env=env, environment="production", install=False, root=sys.argv[1])
print(sorted(m for m in sys.modules if m.startswith(("google", "hvac", "aetcd",
      "confwarden.secrets.gcp", "confwarden.secrets.vault", "confwarden.secrets.etcd"))))
"""


def test_configured_sources_import_no_backend_a_service_does_not_use(tmp_path: Path) -> None:
    configured, plain = tmp_path / "configured", tmp_path / "plain"
    configured.mkdir()
    plain.mkdir()
    (configured / "pyproject.toml").write_text(
        '[tool.confwarden.secret_sources.gcp]\nproject = "p"\n'
        '[tool.confwarden.secret_sources.vault]\nurl = "http://127.0.0.1:1"\n'
    )
    (plain / "pyproject.toml").write_text('[tool.confwarden]\nschema = "x:Y"\n')
    result = subprocess.run(
        [sys.executable, "-c", IMPORTS, str(plain)],
        cwd=configured,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.integration
def test_configured_sources_live_reload_and_status_reach_the_monitoring_hub(
    fake: FakeSecretManager, tmp_path: Path
) -> None:
    root = _project(tmp_path, fake)
    with bootstrap(ApiConfig, env=_env(), environment="staging", root=root, live=True) as live:
        hub = MonitoringHub(get_unified_manager())  # a live manager: stores and reloads
        assert hub.config is not None
        alerts: queue.Queue[Alert] = queue.Queue()
        hub.config.add_alert_callback(alerts.put)
        updates: queue.Queue[ConfigUpdate] = queue.Queue()
        live.add_callback(updates.put)
        hub.config.check()
        report = hub.report()
        assert report.status.value == "UP"
        sources = report.component("sources")
        assert sources is not None
        assert sources.status.value == "UP"

        fake.add_version("jwt-secret-key-staging", ROTATED)  # the watch polls metadata
        assert [c.field for c in updates.get(timeout=10).applied] == ["jwt_secret_key"]
        secret = get_unified_config(ApiConfig).jwt_secret_key
        assert secret is not None
        assert secret.get_secret_value() == ROTATED
        assert alerts.get(timeout=10).kind == "reload"

        fake.stop()  # the next metadata poll fails: the store is down, the config stays
        assert _eventually(lambda: not live.remote[0].status().up, seconds=10)
        hub.config.check()
        report = hub.report()
        sources = report.component("sources")
        assert sources is not None
        assert sources.status.value == "DEGRADED"
        assert "Secret Manager" in sources.reason or "gcp" in sources.reason.lower()
        shown = str(report.to_dict()) + "".join(str(a.to_dict()) for a in hub.config.alerts)
        assert ROTATED not in shown
        assert JWT not in shown
        assert DB not in shown
        assert get_unified_config(ApiConfig).jwt_secret_key is secret


@pytest.mark.integration
def test_configured_sources_vault_reads_with_the_token_of_the_services_variables(
    openbao_server: OpenBaoServer, tmp_path: Path
) -> None:
    client: Any = openbao_server.client()
    client.secrets.kv.v2.create_or_update_secret(
        "jwt-secret-key-production", secret={"value": JWT}, mount_point="secret"
    )
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.confwarden.secret_sources.vault]\nurl = "{openbao_server.url}"\nauth = "token"\n'
    )
    env = IsolatedEnvironment(environ={"VAULT_TOKEN": openbao_server.root_token}, isolated=True)
    config = bootstrap(ApiConfig, env=env, environment="production", root=tmp_path)
    assert config.jwt_secret_key is not None
    assert config.jwt_secret_key.get_secret_value() == JWT

    env = IsolatedEnvironment(environ={"VAULT_TOKEN": "not-the-token"}, isolated=True)
    with pytest.raises(ConfigurationError) as excinfo:
        bootstrap(ApiConfig, env=env, environment="production", root=tmp_path)
    message = str(excinfo.value)
    assert "JWT_SECRET_KEY" in message
    assert "Vault" in message or "vault" in message
    assert JWT not in message
    assert openbao_server.root_token not in message
