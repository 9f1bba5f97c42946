"""What a loaded config resolved, handed on: ``config.variables()``, ``Builder.from_config``,
case-insensitive precedence and nested groups across sources (issue 9, second audit)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.projects import make_project

from confwarden.components.database_url import DatabaseURLBuilder
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.errors import ConfigurationError
from confwarden.startup import bootstrap

CANARY = "CANARY-9b2f41-live"

SHOP = """
from typing import Annotated, Literal

from pydantic import BaseModel

from confwarden import DEPLOYED, ConfigSchema, Env, SecretStr


class Limits(BaseModel):
    burst: int = 10


class Gateway(BaseModel):
    api_token: SecretStr | None = None
    limits: Limits = Limits()


class Payment(BaseModel):
    provider: Literal["stripe", "adyen"] = "stripe"
    timeout_s: float = 5.0


class ShopConfig(ConfigSchema, env_prefix="SHOP_", case_sensitive=False):
    page_size: int = 50
    payment: Payment = Payment()
    gateway: Gateway = Gateway()
    postgres_host: Annotated[str, Env("POSTGRES_HOST")] = "localhost"
    postgres_user: Annotated[str, Env("POSTGRES_USER")] = "shop"
    postgres_password: Annotated[
        SecretStr | None, Env("POSTGRES_PASSWORD", required_in=DEPLOYED)
    ] = None
"""


def _shop(tmp_path: Path) -> Path:
    root = make_project(
        tmp_path,
        '[tool.confwarden.configs]\nshop = "shopvars.config:ShopConfig"\n'
        '[tool.confwarden.secrets_dirs]\nproduction = "secrets/production"\n',
        package="shopvars",
        schema=SHOP,
    )
    secrets = root / "secrets" / "production"
    secrets.mkdir(parents=True)
    (secrets / "postgres_password").write_text(f"pw-{CANARY}\n")
    return root


def _start(root: Path, environ: dict[str, str], environment: str) -> Any:
    env = IsolatedEnvironment(environ=environ, isolated=True)
    return bootstrap(env=env, environment=environment, root=root, install=False)


def test_variables_hold_mounted_secrets_for_the_builder(tmp_path: Path) -> None:
    root = _shop(tmp_path)
    config = _start(root, {"POSTGRES_HOST": "db.internal", "POSTGRES_DB": "shop"}, "production")
    variables = config.variables()
    assert variables["POSTGRES_PASSWORD"] == f"pw-{CANARY}"
    assert variables["ENVIRONMENT"] == "production"
    url = DatabaseURLBuilder.from_config(config).get_url_for_environment()
    assert url.password == f"pw-{CANARY}"
    assert url.host == "db.internal"
    assert CANARY not in str(url)
    assert CANARY not in repr(config.variables())


def test_variables_include_dotenv_and_schema_defaults_in_development(tmp_path: Path) -> None:
    root = _shop(tmp_path)
    (root / ".env").write_text("POSTGRES_PASSWORD=devpw\n")
    config = _start(root, {}, "development")
    url = DatabaseURLBuilder.from_config(config).get_url_for_environment()
    assert (url.password, url.username, url.host) == ("devpw", "shop", "localhost")


def test_case_insensitive_process_environment_beats_dotenv(tmp_path: Path) -> None:
    root = _shop(tmp_path)
    (root / ".env").write_text("SHOP_PAGE_SIZE=25\n")
    config = _start(root, {"shop_page_size": "7"}, "development")
    assert config.page_size == 7
    lower = _shop(tmp_path / "lower")
    (lower / ".env").write_text("shop_page_size=25\n")
    assert _start(lower, {"SHOP_PAGE_SIZE": "7"}, "development").page_size == 7


def test_nested_error_names_the_variable_of_the_bad_key(tmp_path: Path) -> None:
    root = _shop(tmp_path)
    environ = {"SHOP_GATEWAY__API_TOKEN": CANARY, "SHOP_GATEWAY__LIMITS__BURST": "nope"}
    with pytest.raises(ConfigurationError) as caught:
        _start(root, environ, "development")
    message = str(caught.value)
    assert "SHOP_GATEWAY__LIMITS__BURST" in message
    assert "SHOP_GATEWAY__API_TOKEN" not in message
    assert CANARY not in message


@pytest.mark.parametrize("environment", ["development", "production"])
def test_nested_garbage_json_is_an_error_beside_delimited_keys(
    tmp_path: Path, environment: str
) -> None:
    root = _shop(tmp_path)
    environ = {
        "SHOP_PAYMENT": "garbage",
        "SHOP_PAYMENT__PROVIDER": "adyen",
        "POSTGRES_HOST": "db.internal",
    }
    with pytest.raises(ConfigurationError) as caught:
        _start(root, environ, environment)
    assert "SHOP_PAYMENT:" in str(caught.value) or "SHOP_PAYMENT " in str(caught.value)
    assert "JSON object" in str(caught.value)


def test_nested_process_json_beats_dotenv_delimited_key(tmp_path: Path) -> None:
    root = _shop(tmp_path)
    (root / ".env").write_text("SHOP_PAYMENT__PROVIDER=adyen\nSHOP_PAYMENT__TIMEOUT_S=9\n")
    config = _start(root, {"SHOP_PAYMENT": '{"provider": "stripe"}'}, "development")
    # The process environment wins key by key; .env fills the keys it does not give.
    assert config.payment.provider == "stripe"
    assert config.payment.timeout_s == 9.0


def test_nested_delimited_key_beats_json_within_one_source(tmp_path: Path) -> None:
    root = _shop(tmp_path)
    environ = {"SHOP_PAYMENT": '{"provider": "stripe"}', "SHOP_PAYMENT__PROVIDER": "adyen"}
    assert _start(root, environ, "development").payment.provider == "adyen"


def test_bootstrap_accepts_a_plain_mapping_as_env(tmp_path: Path) -> None:
    root = _shop(tmp_path)
    config: Any = bootstrap(
        env={"SHOP_PAGE_SIZE": "3"}, environment="testing", root=root, install=False
    )
    assert config.page_size == 3


def test_explain_of_a_group_lists_the_problem_of_its_key(tmp_path: Path) -> None:
    from confwarden.config.inspection import inspect_service
    from confwarden.config.resolution import startup_inputs
    from confwarden.environment.detection import Environment

    root = _shop(tmp_path)
    env = IsolatedEnvironment(environ={"SHOP_GATEWAY__LIMITS__BURST": "nope"}, isolated=True)
    inputs = startup_inputs(env=env, environment=Environment.DEVELOPMENT, root=root)
    inspection = inspect_service(inputs.schema, env, Environment.DEVELOPMENT)
    described = inspection.load.describe("SHOP_GATEWAY")
    assert described is not None
    assert [p["variable"] for p in described["problems"]] == ["SHOP_GATEWAY__LIMITS__BURST"]


def test_variables_of_a_replaced_config_keep_the_loaded_ones_and_the_change(
    tmp_path: Path,
) -> None:
    root = _shop(tmp_path)
    config = _start(root, {"POSTGRES_HOST": "db.internal", "OTHER": "1"}, "testing")
    copy = config.replace(postgres_host="db2.internal")
    assert copy.variables()["POSTGRES_HOST"] == "db2.internal"
    assert copy.variables()["OTHER"] == "1"
