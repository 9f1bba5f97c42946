"""`confwarden schema`: the project's schema as JSON Schema, variables named, no value shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from confwarden.cli.main import cli

CANARY = "CANARY-5f0e1d-0123456789abcdef0123456789abcdef"

SHOP_MODULE = """
from typing import Literal
from confwarden import ConfigSchema, SecretStr

class ShopConfig(ConfigSchema, env_prefix="SHOP_"):
    page_size: int = 50
    log_level: Literal["debug", "info"] = "info"
    hosts: list[str] = []
    stripe_api_key: SecretStr
"""


@pytest.fixture
def shop_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "shop_schema_cli.py").write_text(SHOP_MODULE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _invoke(*args: str) -> tuple[int, str]:
    env = {"SHOP_STRIPE_API_KEY": CANARY, "SHOP_PAGE_SIZE": CANARY}
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def test_schema_json_names_variables_and_secrets(shop_project: Path) -> None:
    code, output = _invoke("schema", "--schema", "shop_schema_cli:ShopConfig", "--json")
    assert code == 0, output
    document = json.loads(output)
    assert document["title"] == "ShopConfig"
    assert document["properties"]["page_size"]["env"] == ["SHOP_PAGE_SIZE"]
    assert document["properties"]["stripe_api_key"]["sensitive"] is True
    assert document["required"] == ["stripe_api_key"]
    assert CANARY not in output


def test_schema_text_lists_every_variable_without_values(shop_project: Path) -> None:
    code, output = _invoke("schema", "--schema", "shop_schema_cli:ShopConfig")
    assert code == 0, output
    assert "SHOP_PAGE_SIZE" in output
    assert "field page_size: integer = 50" in output
    assert "field log_level: 'debug' | 'info' = 'info'" in output
    assert "field stripe_api_key: string (required)" in output
    assert "secret: masked everywhere" in output
    assert CANARY not in output
