"""The core names no platform: the spec platform's schema and rules live in a preset."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import confwarden
from confwarden.config.common import ServiceConfig
from confwarden.config.inspection import inspect_service
from confwarden.config.services import registered_services
from confwarden.config.validation import default_rules
from confwarden.environment.detection import Environment

SRC = Path(confwarden.__file__).parent
VENDOR = re.compile(r"LANGFUSE|GRAFANA|ANTHROPIC|GEMINI|OPENAI|GOOGLE_OAUTH")


def test_core_modules_name_no_vendor_variable() -> None:
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "presets" not in path.relative_to(SRC).parts
        and VENDOR.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_core_rules_include_no_platform_rule_family() -> None:
    codes = {rule.code for rule in default_rules()}
    assert not codes & {"auth.oauth", "llm.key_format"}


def test_core_registers_no_service_by_itself() -> None:
    import subprocess
    import sys

    code = (
        "from confwarden.config.services import registered_services; "
        "print(sorted(registered_services()))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert callable(registered_services)


def test_service_without_oauth_is_not_asked_for_oauth_in_production(
    deployed_vars: Callable[..., dict[str, str]],
) -> None:
    class ShopConfig(ServiceConfig):
        pass

    variables = {
        key: value
        for key, value in deployed_vars("production").items()
        if not key.startswith("GOOGLE_")
    }
    inspection = inspect_service(ShopConfig, variables, Environment.PRODUCTION)
    mentioned = {p.variable for p in inspection.validation.problems}
    assert not {v for v in mentioned if "GOOGLE" in v or "OAUTH" in v}
    assert inspection.validation.is_valid, [str(p) for p in inspection.validation.problems]


def test_preset_schema_registers_its_rule_families() -> None:
    from confwarden.presets.agent_platform import AppConfig

    inspection = inspect_service(
        AppConfig,
        {"ANTHROPIC_API_KEY": "not-a-key", "GOOGLE_CLIENT_ID": "x.apps.googleusercontent.com"},
        Environment.DEVELOPMENT,
    )
    rules = {p.rule for p in inspection.validation.problems}
    assert {"auth.oauth", "llm.key_format"} <= rules
