"""confwarden init: plan, write, run again, never lose an edit, never copy a secret."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.scaffold import apply_init, plan_init
from confwarden.startup import bootstrap

CANARY = "CANARY-k9Xq2mV7rT4wZp8LbN3cH6yF1sJ5dG0a"


def _project(root: Path) -> Path:
    (root / "shop").mkdir(parents=True)
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "app.py").write_text(
        "import os\nPAGE = int(os.getenv('SHOP_PAGE_SIZE', '50'))\n"
        "KEY = os.environ['SHOP_STRIPE_API_KEY']\n"
    )
    (root / ".env").write_text(
        f"SHOP_STRIPE_API_KEY={CANARY}\nSHOP_DEBUG=true\n"
        "SHOP_CORS_ORIGINS=https://a.example.com,https://b.example.com\n"
    )
    (root / "pyproject.toml").write_text('[project]\nname = "shop"\nversion = "1.0"\n')
    return root


def _files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_init_writes_a_working_typed_setup(tmp_path: Path) -> None:
    root = _project(tmp_path)
    plan = plan_init(root)
    assert [(f.path, f.action) for f in plan.files] == [
        ("pyproject.toml", "append"),
        ("shop/config.py", "create"),
        (".env.example", "create"),
        (".pre-commit-config.yaml", "create"),
    ]
    apply_init(plan)
    pyproject = (root / "pyproject.toml").read_text()
    assert pyproject.startswith('[project]\nname = "shop"\nversion = "1.0"\n')
    assert 'shop = "shop.config:ShopConfig"' in pyproject
    schema = (root / "shop" / "config.py").read_text()
    assert 'class ShopConfig(ConfigSchema, env_prefix="SHOP_"):' in schema
    assert "    page_size: int = 50" in schema
    assert "    stripe_api_key: SecretStr\n" in schema  # os.environ[...]: required, as in the code
    assert "    cors_origins: tuple[AnyUrl, ...] = ()" in schema
    assert "SHOP_STRIPE_API_KEY=\n" in (root / ".env.example").read_text()
    assert "id: confwarden-check" in (root / ".pre-commit-config.yaml").read_text()
    for text in _files(root).values():
        if text is not None and "CANARY" in text:
            assert text == (root / ".env").read_text()  # only the user's own .env holds it
    env = IsolatedEnvironment(
        environ={"SHOP_PAGE_SIZE": "7", "SHOP_STRIPE_API_KEY": CANARY}, isolated=True
    )
    config = bootstrap(env=env, environment="testing", root=root, install=False)
    assert type(config).__name__ == "ShopConfig"
    assert config.page_size == 7


def test_init_twice_changes_nothing(tmp_path: Path) -> None:
    root = _project(tmp_path)
    apply_init(plan_init(root))
    before = _files(root)
    again = plan_init(root)
    assert {f.action for f in again.files} == {"unchanged"}
    assert apply_init(again) == []
    assert _files(root) == before


def test_init_refuses_to_overwrite_an_edited_schema_without_force(tmp_path: Path) -> None:
    root = _project(tmp_path)
    apply_init(plan_init(root))
    schema = root / "shop" / "config.py"
    schema.write_text(schema.read_text() + "\n# my edit\n")
    (root / ".env").write_text((root / ".env").read_text() + "SHOP_NEW=1\n")
    plan = plan_init(root)
    assert [f.path for f in plan.refused] == ["shop/config.py"]
    assert apply_init(plan) == []
    assert "# my edit" in schema.read_text()
    assert "SHOP_NEW" not in (root / ".env.example").read_text()  # nothing at all written
    forced = plan_init(root, force=True)
    apply_init(forced)
    assert "# my edit" not in schema.read_text()
    assert "SHOP_NEW=" in (root / ".env.example").read_text()


def test_init_keeps_an_existing_confwarden_table_and_appends_to_existing_files(
    tmp_path: Path,
) -> None:
    root = _project(tmp_path)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "shop"\n\n[tool.confwarden]\nleaks = "fail"\n'
    )
    (root / ".env.example").write_text("# mine\nSHOP_DEBUG=false\n")
    (root / ".pre-commit-config.yaml").write_text(
        "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.6.0\n"
        "    hooks:\n      - id: ruff\n"
    )
    plan = plan_init(root)
    actions = {f.path: f.action for f in plan.files}
    assert actions == {
        "pyproject.toml": "skipped",
        "shop/config.py": "create",
        ".env.example": "append",
        ".pre-commit-config.yaml": "append",
    }
    apply_init(plan)
    assert (root / "pyproject.toml").read_text().endswith('leaks = "fail"\n')
    example = (root / ".env.example").read_text()
    assert example.startswith("# mine\nSHOP_DEBUG=false\n")
    assert example.count("SHOP_DEBUG=") == 1
    hooks = (root / ".pre-commit-config.yaml").read_text()
    assert "id: ruff" in hooks
    assert "id: confwarden-check" in hooks


def test_init_next_to_a_hand_written_config_module(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "shop" / "config.py").write_text("import os\nDEBUG = os.getenv('SHOP_DEBUG')\n")
    plan = plan_init(root)
    assert plan.reference == "shop.confwarden_config:ShopConfig"
    assert not plan.refused


def test_init_command_dry_run_writes_nothing_and_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path)
    monkeypatch.chdir(root)
    before = _files(root)
    result = subprocess.run(
        [sys.executable, "-m", "confwarden", "init", "--dry-run"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "would create  shop/config.py" in result.stdout
    assert CANARY not in result.stdout + result.stderr
    assert _files(root) == before
    result = subprocess.run(
        [sys.executable, "-m", "confwarden", "init", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert '"schema": "shop.config:ShopConfig"' in result.stdout
    assert CANARY not in result.stdout


def test_init_command_refusal_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    monkeypatch.chdir(root)
    (root / "shop" / "config.py").write_text("x = 1\n")
    (root / "shop" / "confwarden_config.py").write_text("y = 2\n")
    result = subprocess.run(
        [sys.executable, "-m", "confwarden", "init"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "refused" in result.stdout
    assert "nothing was written" in result.stderr


def test_generated_schema_passes_mypy_strict(tmp_path: Path) -> None:
    root = _project(tmp_path)
    apply_init(plan_init(root))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / ".mypy"),
            "shop/config.py",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_init_keeps_code_defaults_typed_and_code_required_reads_required(tmp_path: Path) -> None:
    from confwarden.errors import ConfigurationError

    (tmp_path / "orders").mkdir()
    (tmp_path / "orders" / "__init__.py").write_text("")
    (tmp_path / "orders" / "app.py").write_text(
        "import os\n"
        "HOOKS = os.getenv('ORDERS_WEBHOOKS', 'https://a.example/h,https://b.example/h')\n"
        "RATIOS = os.getenv('ORDERS_RATIOS', '1,2')\n"
        "HOME = os.getenv('ORDERS_HOME', 'https://orders.example/')\n"
        "KEY = os.environ['ORDERS_STRIPE_KEY']\n"
    )
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "orders"\n')
    apply_init(plan_init(tmp_path))
    schema = (tmp_path / "orders" / "config.py").read_text()
    assert "    stripe_key: SecretStr\n" in schema
    env = IsolatedEnvironment(environ={"ORDERS_STRIPE_KEY": CANARY}, isolated=True)
    config = bootstrap(env=env, environment="testing", root=tmp_path, install=False)
    assert [str(url) for url in config.webhooks] == ["https://a.example/h", "https://b.example/h"]
    assert config.ratios == (1, 2)
    assert str(config.home) == "https://orders.example/"
    with pytest.raises(ConfigurationError, match="ORDERS_STRIPE_KEY"):
        bootstrap(
            env=IsolatedEnvironment(environ={}, isolated=True),
            environment="development",
            root=tmp_path,
            install=False,
        )
