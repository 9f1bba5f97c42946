"""LiveConfig with a Vault (OpenBao) source: a rotated secret is validated, then applied."""

from __future__ import annotations

import queue
import uuid
from typing import Annotated, Any

import pytest
from pydantic import SecretStr
from tests.servers.openbao import OpenBaoServer, openbao_server

from confwarden.config.live import ConfigUpdate, LiveConfig
from confwarden.config.schema import ConfigSchema, Env
from confwarden.environment.detection import Environment
from confwarden.secrets.mapping import SecretMappings
from confwarden.secrets.vault import TokenAuth, VaultSource

__all__ = ["openbao_server"]

pytestmark = pytest.mark.integration

FIRST = "CANARY-live-vault-first-0123456789abcdef0123456789"
SECOND = "CANARY-live-vault-second-fedcba9876543210fedcba98"


class VaultBackedConfig(ConfigSchema):
    api_key: Annotated[SecretStr | None, Env("API_KEY", sensitive=True)] = None
    workers: Annotated[int, Env("WORKERS")] = 1


def test_live_vault_rotation_is_validated_then_applied_masked(
    openbao_server: OpenBaoServer,
) -> None:
    client: Any = openbao_server.client()
    path = f"live-{uuid.uuid4().hex[:8]}"
    kv = client.secrets.kv.v2
    kv.create_or_update_secret(f"{path}/key", secret={"value": FIRST}, mount_point="secret")
    kv.create_or_update_secret(f"{path}/workers", secret={"value": "3"}, mount_point="secret")
    vault = VaultSource(
        openbao_server.url,
        auth=TokenAuth(openbao_server.root_token),
        mappings=SecretMappings({"API_KEY": f"{path}/key", "WORKERS": f"{path}/workers"}),
        environment=Environment.STAGING,
        poll_interval=0.05,
    )
    live = LiveConfig(VaultBackedConfig, environment=Environment.STAGING, env={}, remote=[vault])
    with live:
        updates: queue.Queue[ConfigUpdate] = queue.Queue()
        live.add_callback(updates.put)
        assert live.config.workers == 3
        kv.create_or_update_secret(f"{path}/key", secret={"value": SECOND}, mount_point="secret")
        update = updates.get(timeout=15)
        assert [(c.field, c.old, c.new) for c in update.applied] == [("api_key", "***", "***")]
        assert live.config.api_key is not None
        assert live.config.api_key.get_secret_value() == SECOND
        kv.create_or_update_secret(f"{path}/workers", secret={"value": "x"}, mount_point="secret")
        rejected = updates.get(timeout=15)
        assert not rejected.accepted
        assert live.config.workers == 3
        shown = repr(update) + str(update.applied) + str(rejected.rejected)
        shown += str(live.status().to_dict())
    assert FIRST not in shown
    assert SECOND not in shown
