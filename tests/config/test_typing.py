"""A user's project type-checks against confwarden under ``mypy --strict``.

Reproduces issue 9 item 6: ``from confwarden import get_env`` failed with "does not explicitly
export attribute", and ``bootstrap(ShopConfig)`` was typed ``ConfigSchema`` so reading a field
of the user's schema was an error.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import confwarden
import confwarden.config

USER_MODULE = """
from typing import Annotated, Literal

from confwarden import (
    ConfigSchema,
    ConfigurationError,
    Env,
    SecretStr,
    bootstrap,
    get_env,
    get_unified_config,
)


class ShopConfig(ConfigSchema, env_prefix="SHOP_"):
    page_size: int = 50
    log_level: Literal["debug", "info"] = "info"
    stripe_api_key: SecretStr
    admin_email: Annotated[str, Env("SHOP_ADMIN", description="who gets alerts")] = "ops@x.io"


def start() -> int:
    env = get_env()
    config = bootstrap(ShopConfig, env=env)
    reveal_type(config)
    reveal_type(get_unified_config(ShopConfig))
    reveal_type(config.page_size)
    built = ShopConfig(page_size=10, stripe_api_key=SecretStr("k"))
    try:
        return config.page_size + built.page_size
    except ConfigurationError:
        return 0
"""

BAD_MODULE = """
from confwarden import ConfigSchema


class ShopConfig(ConfigSchema):
    page_size: int = 50


ShopConfig(page_sise=10)
config = ShopConfig()
config.page_size = 3
"""


def _mypy(tmp_path: Path, source: str) -> subprocess.CompletedProcess[str]:
    module = tmp_path / "shop.py"
    module.write_text(source)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "shop.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )


def test_typing_user_project_passes_mypy_strict_with_precise_types(tmp_path: Path) -> None:
    result = _mypy(tmp_path, USER_MODULE)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert 'Revealed type is "shop.ShopConfig"' in output
    assert output.count('Revealed type is "shop.ShopConfig"') == 2
    assert 'Revealed type is "int"' in output
    assert "error:" not in output


def test_typing_every_public_name_imports_under_mypy_strict(tmp_path: Path) -> None:
    lines = [
        f"from {module.__name__} import {name} as {name}_{index}"
        for index, module in enumerate((confwarden, confwarden.config))
        for name in module.__all__
    ]
    result = _mypy(tmp_path, "\n".join(lines) + "\n")
    assert result.returncode == 0, result.stdout


def test_typing_fields_are_constructor_parameters_and_frozen(tmp_path: Path) -> None:
    output = _mypy(tmp_path, BAD_MODULE).stdout
    assert 'Unexpected keyword argument "page_sise"' in output
    assert "page_size" in output
    assert "read-only" in output or "frozen" in output
