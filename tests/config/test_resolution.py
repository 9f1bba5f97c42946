"""startup_inputs: the one resolution path of bootstrap() and the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.projects import make_project

from confwarden.config.resolution import startup_inputs
from confwarden.environment.detection import Environment
from confwarden.environment.isolated import IsolatedEnvironment


def test_startup_inputs_use_the_project_root_dotenv_and_secrets_dir(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        '[tool.confwarden.configs]\nshop = "shopdisc.config:ShopConfig"\n'
        '[tool.confwarden.secrets_dirs]\nproduction = "run/secrets"\n',
    )
    (root / ".env").write_text("SHOP_PAGE_SIZE=10\n")
    sub = root / "shopdisc"
    env = IsolatedEnvironment(environ={}, isolated=True)
    inputs = startup_inputs(env=env, environment="development", root=root)
    assert inputs.service == "shop"
    assert env.get("SHOP_PAGE_SIZE") == "10"
    assert inputs.secret_dirs == ()
    production = startup_inputs(
        env=IsolatedEnvironment(environ={}, isolated=True),
        environment=Environment.PRODUCTION,
        root=sub,
    )
    assert production.secret_dirs == (root.resolve() / "run" / "secrets",)
    assert production.dotenv.allowed is False


def test_manager_without_a_service_uses_the_projects_only_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from confwarden.config.manager import UnifiedConfigManager

    root = make_project(
        tmp_path, '[tool.confwarden.configs]\nshop = "shopdisc.config:ShopConfig"\n'
    )
    monkeypatch.chdir(root / "shopdisc")
    manager = UnifiedConfigManager(env={"SHOP_PAGE_SIZE": "5"}, environment=Environment.TESTING)
    assert manager.service == "shop"
    assert manager.get_config().shop_page_size == 5
