"""Issue 11 item 3: no repr, dict or pydantic error of the configuration layer shows a secret.

A canary password sits in a URL typed ``str`` (no name says it is secret), in a ``SecretStr``
field and in an unrelated variable; every surface is rendered and searched for it.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import pytest
from pydantic import AfterValidator, BaseModel, BeforeValidator, ValidationError

from confwarden.config.inspection import inspect_service
from confwarden.config.loader import load_config
from confwarden.config.schema import ConfigSchema, Env, SecretStr
from confwarden.config.sources import LoadContext
from confwarden.config.validation import ValidationContext
from confwarden.environment.detection import Environment

CANARY = "hunter2CANARY7f3a"


class MonitoringConfig(ConfigSchema, env_prefix="MON_"):
    prometheus_url: str = "http://localhost:9090"
    mirror_urls: list[str] = []  # noqa: RUF012 - a field default, copied per config
    api_token: SecretStr | None = None
    retries: int = 3


def _is_positive(value: int) -> int:
    if value < 0:
        raise ValueError("must not be negative")
    return value


class ValidatedConfig(ConfigSchema, env_prefix="MON_"):
    """Uses pydantic (a validator): its own errors must hide the input too."""

    prometheus_url: str = "http://localhost:9090"
    retries: Annotated[int, AfterValidator(_is_positive)] = 3


ENV = {
    "MON_PROMETHEUS_URL": f"https://admin:{CANARY}@metrics.example.com/prom",
    "MON_MIRROR_URLS": f"https://a.example.com,https://u:{CANARY}@b.example.com",
    "MON_API_TOKEN": f"tok-{CANARY}",
    "UNRELATED_DSN": f"postgresql://app:{CANARY}@db/app",
}


def _loaded() -> Any:
    result = load_config(MonitoringConfig, LoadContext(Environment.PRODUCTION, ENV))
    assert result.config is not None
    return result


def test_reprs_config_masks_credentials_in_str_url_fields() -> None:
    config = _loaded().config
    assert config.prometheus_url.startswith("https://admin:")  # the value itself is intact
    for text in (repr(config), str(config)):
        assert CANARY not in text
        assert "https://admin:***@metrics.example.com/prom" in text


def test_reprs_to_dict_is_safe_by_default_and_reveals_only_when_asked() -> None:
    config = _loaded().config
    safe = config.to_dict()
    assert CANARY not in json.dumps(safe)
    assert safe["api_token"] == "***"
    assert safe["retries"] == 3
    revealed = config.to_dict(reveal=True)
    assert revealed["api_token"] == f"tok-{CANARY}"
    assert revealed["prometheus_url"] == ENV["MON_PROMETHEUS_URL"]


def test_reprs_load_result_inspection_and_contexts_hide_raw_variables() -> None:
    context = LoadContext(Environment.PRODUCTION, ENV, overrides={"MON_API_TOKEN": CANARY})
    result = load_config(MonitoringConfig, context)
    inspection = inspect_service(MonitoringConfig, ENV, Environment.PRODUCTION)
    validation_context = ValidationContext(
        Environment.PRODUCTION, result.fields, result.values, result.variables
    )
    surfaces = [
        repr(context),
        repr(result),
        repr(inspection),
        repr(validation_context),
        *(repr(item) for item in validation_context.items()),
    ]
    for text in surfaces:
        assert CANARY not in text, text


@pytest.mark.parametrize("schema", [MonitoringConfig, ValidatedConfig])
def test_reprs_validation_errors_never_show_the_input(schema: type[ConfigSchema]) -> None:
    good = schema(prometheus_url="http://localhost:9090")
    for attempt in (
        lambda: schema(retries=f"x{CANARY}"),
        lambda: good.replace(retries=f"x{CANARY}"),
        lambda: schema.model_validate({"retries": f"x{CANARY}"}),
    ):
        with pytest.raises(ValidationError, match="retries") as excinfo:
            attempt()
        assert CANARY not in str(excinfo.value)
        assert CANARY not in repr(excinfo.value)
        assert "retries" in str(excinfo.value)


class Payment(BaseModel):
    provider: str = "none"
    api_key: str = ""
    callback_url: str = ""


class ShopConfig(ConfigSchema, env_prefix="SHOP_"):
    payment: Payment = Payment()


def test_reprs_nested_model_values_are_masked() -> None:
    config = ShopConfig(
        payment=Payment(api_key=CANARY, callback_url=f"https://u:{CANARY}@cb.example.com")
    )
    assert CANARY not in repr(config)
    assert CANARY not in json.dumps(config.to_dict())


def test_reprs_env_marker_secret_field_is_masked_in_repr() -> None:
    class Keyed(ConfigSchema):
        key: Annotated[SecretStr, Env("KEYED_KEY", sensitive=True)]

    assert CANARY not in repr(Keyed(key=CANARY))


def test_reprs_nested_group_shown_value_masks_secret_keys() -> None:
    env = {"SHOP_PAYMENT__API_KEY": CANARY, "SHOP_PAYMENT__PROVIDER": "stripe"}
    result = load_config(ShopConfig, LoadContext(Environment.PRODUCTION, env))
    described = json.dumps(result.describe("payment"))
    assert CANARY not in described
    assert "stripe" in described


# -- values copied from a secret (issue 11 item 4, the configuration layer) ---------------

COPY_CANARY = "CANARYcopy9x8y7"


class CopyConfig(ConfigSchema, env_prefix="SVC_"):
    copy: str = "none"
    name: str = "svc"


def test_reprs_value_copied_from_a_secret_is_masked_everywhere() -> None:
    env = {"SVC_DB_PASSWORD": COPY_CANARY, "SVC_COPY": COPY_CANARY, "SVC_NAME": "shop"}
    inspection = inspect_service(CopyConfig, env, Environment.PRODUCTION)
    config = inspection.config
    assert config is not None
    assert config.copy == COPY_CANARY  # the value itself is intact
    surfaces = [
        repr(config),
        str(config),
        json.dumps(config.to_dict()),
        json.dumps(inspection.load.describe("copy")),
        str(inspection.load.shown_value(inspection.load.fields[0])),
        json.dumps(inspection.validation.to_dict(), default=str),
        repr(config.replace(name="other")),
    ]
    for text in surfaces:
        assert COPY_CANARY not in text, text
    assert config.to_dict()["name"] == "shop"
    assert config.to_dict(reveal=True)["copy"] == COPY_CANARY


def test_reprs_value_copied_from_a_url_password_is_masked() -> None:
    env = {"SVC_DB_URL": f"postgresql://u:{COPY_CANARY}@db/app", "SVC_COPY": COPY_CANARY}
    inspection = inspect_service(CopyConfig, env, Environment.PRODUCTION)
    assert inspection.config is not None
    assert COPY_CANARY not in repr(inspection.config)
    assert COPY_CANARY not in json.dumps(inspection.load.describe("copy"))


# -- validator messages of replace() and direct construction (issue 11 item 1) ------------


def _key_check(value: object) -> object:
    if not str(value).startswith("sk_"):
        raise ValueError(f"invalid key {value!r}")
    return value


def _hook_check(value: str) -> str:
    if "bad" in value:
        raise ValueError(f"bad url {value}")
    return value


class HookConfig(ConfigSchema, env_prefix="HK_"):
    api_key: Annotated[SecretStr | None, BeforeValidator(_key_check)] = None
    port: int = 1
    hook_url: Annotated[str, BeforeValidator(_hook_check)] = "http://x"


def test_reprs_construction_error_hides_validator_messages_quoting_secrets() -> None:
    secret = "CANARYrepl42zz"
    attempts = [
        lambda: HookConfig(api_key=secret),
        lambda: HookConfig(hook_url=f"https://u:{secret}@bad.example.com/"),
        lambda: HookConfig(api_key="sk_live", hook_url=f"https://u:{secret}@bad.example.com/"),
        lambda: HookConfig(api_key="sk_ok").replace(api_key=secret),
        lambda: HookConfig(api_key="sk_ok").replace(hook_url=f"https://u:{secret}@bad.example"),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as excinfo:
            attempt()
        assert secret not in str(excinfo.value)
        assert secret not in repr(excinfo.value)
        assert secret not in json.dumps(excinfo.value.errors(include_input=False), default=str)
    with pytest.raises(ValidationError, match=r"invalid key \*\*\*|the value is a secret"):
        HookConfig(api_key=secret)
    with pytest.raises(ValidationError, match=r"Value error, bad url \*\*\*"):
        HookConfig(hook_url=f"https://u:{secret}@bad.example.com/")


def test_reprs_replace_keeps_secret_fields_valid() -> None:
    config = HookConfig(api_key="sk_CANARYkeep")
    copy = config.replace(port=2)
    assert copy.port == 2
    assert copy.api_key is not None
    assert copy.api_key.get_secret_value() == "sk_CANARYkeep"


# -- common credential formats (issue 11, second audit) ------------------------------------

FORMAT_CANARY = "CanaryFmt7Q2x"


class FormatsConfig(ConfigSchema, env_prefix="FMT_"):
    storage: str = ""
    headers: dict[str, Any] = {}  # noqa: RUF012 - a field default, copied per config
    upstream_authorization: str = ""
    vault: str = ""
    ldap_bind: str = ""
    admin_creds: str = ""


FORMAT_ENV = {
    "FMT_STORAGE": f"AccountName=acct;AccountKey={FORMAT_CANARY}==;EndpointSuffix=x",
    "FMT_HEADERS": json.dumps({"Authorization": f"Bearer {FORMAT_CANARY}", "Accept": "a/b"}),
    "FMT_UPSTREAM_AUTHORIZATION": f"Basic {FORMAT_CANARY}",
    "FMT_VAULT": "hvs.CAESIJlU3Qx8ZkHqAAbbCCddEEffGGhhIIjjKKll" + FORMAT_CANARY,
    "FMT_LDAP_BIND": f"cn=admin,dc=example,dc=org:{FORMAT_CANARY}",
    "FMT_ADMIN_CREDS": f"admin:{FORMAT_CANARY}",
}


def test_reprs_common_credential_formats_are_masked() -> None:
    result = load_config(FormatsConfig, LoadContext(Environment.PRODUCTION, FORMAT_ENV))
    config = result.config
    assert config is not None
    for text in (repr(config), str(config), json.dumps(config.to_dict())):
        assert FORMAT_CANARY not in text, text
    shown = config.to_dict()
    assert shown["headers"]["Accept"] == "a/b"
    assert shown["ldap_bind"] == "cn=admin,dc=example,dc=org:***"
