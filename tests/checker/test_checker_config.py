"""Settings from [tool.confwarden], the rule catalogue, and the layering contract."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from confwarden.checker import ALL_RULES, CheckerConfigError, load_config
from confwarden.checker.config import infer_services, path_matches
from confwarden.errors import ProjectError


def test_load_config_defaults_without_pyproject(tmp_path: Path) -> None:
    config = load_config(tmp_path / "nowhere")
    assert config.services == {}
    assert "SERVICE_SECRET" in config.critical_names
    assert config.enabled("CW101")


def test_load_config_reads_the_issue_example(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.confwarden]\n"
        'services = { backend = "backend", auth = "auth_service" }\n'
        'shared = ["shared"]\n'
        'env_access_allowed = ["shared/env.py"]\n'
        'schema = "shared.config:PlatformConfig"\n'
        'critical = ["BILLING_ACCOUNT"]\n'
        'ignore = ["cw109"]\n'
    )
    config = load_config(tmp_path)
    assert config.services == {"backend": "backend", "auth": "auth_service"}
    assert "BILLING_ACCOUNT" in config.critical_names
    assert not config.enabled("CW109")


def test_load_config_wrong_type_names_the_key(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.confwarden]\nshared = "x"\nservices = 3\n')
    with pytest.raises(CheckerConfigError, match="services must map"):
        load_config(tmp_path)


def test_path_matches_globs_and_prefixes() -> None:
    assert path_matches("shared/env.py", ["shared/env.py"])
    assert path_matches("config/x.py", ["**/config/**"])
    assert path_matches("a/b/config/x.py", ["**/config/**"])
    assert not path_matches("app/main.py", ["**/config/**"])


def test_infer_services_needs_two_services() -> None:
    assert infer_services(["backend.main", "auth.main", "shared.util"]) == (
        {"backend": "backend", "auth": "auth"},
        ("shared",),
    )
    assert infer_services(["lib.main", "lib.util"]) == ({}, ())


def test_every_rule_module_documents_itself() -> None:
    from confwarden.checker import rules

    for rule in ALL_RULES[2:]:
        module_name = rule.name.replace("-", "_")
        module = importlib.import_module(f"{rules.__name__}.{module_name}")
        for heading in ("What it does", "Why is this bad", "Example", "Use instead"):
            assert heading in (module.__doc__ or ""), (rule.code, heading)


def test_importing_the_checker_does_not_import_the_configuration_layer() -> None:
    code = "import sys, confwarden.checker; print('confwarden.config' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_importing_the_checker_does_not_import_libcst() -> None:
    code = (
        "import sys, confwarden.checker, confwarden.cli.check_cmd; print('libcst' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_load_config_fix_settings_are_validated(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.confwarden.fix]\naccessor = "get_env("\n')
    with pytest.raises(CheckerConfigError, match="accessor must be a Python expression"):
        load_config(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.confwarden.fix]\nimport = "x = 1"\n')
    with pytest.raises(CheckerConfigError, match="import must be one import statement"):
        load_config(tmp_path)


def test_load_config_has_no_default_config_layer(tmp_path: Path) -> None:
    assert load_config(tmp_path).config_layer == ()


def test_checker_config_discovery_is_the_project_discovery(tmp_path: Path) -> None:
    from confwarden.checker import find_project_root
    from confwarden.project import find_project

    (tmp_path / "pyproject.toml").write_text("[tool.confwarden]\nshared = []\n")
    inner = tmp_path / "svc"
    inner.mkdir()
    (inner / "pyproject.toml").write_text("[tool]\nconfwarden = 3\n")
    with pytest.raises(CheckerConfigError, match=r"\[tool.confwarden\] must be a table"):
        find_project_root(inner)
    with pytest.raises(ProjectError):
        find_project(inner)


@pytest.mark.parametrize(
    ("table", "bad", "hint"),
    [
        ('select = ["CW10l"]', "CW10L", "CW101"),
        ('ignore = ["CW1O8"]', "CW1O8", "CW108"),
        ('select = ["CW999"]', "CW999", ""),
        ('selekt = ["CW101"]', "selekt", "select"),
        ('servicez = { a = "a" }', "servicez", "services"),
    ],
)
def test_load_config_typo_in_a_rule_code_or_key_is_refused(
    tmp_path: Path, table: str, bad: str, hint: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.confwarden]\n{table}\n")
    with pytest.raises(CheckerConfigError) as caught:
        load_config(tmp_path)
    message = str(caught.value)
    assert bad in message
    assert str(tmp_path / "pyproject.toml") in message
    if hint:
        assert f"did you mean {hint}?" in message


def test_load_config_override_with_an_unknown_code_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CheckerConfigError, match="unknown rule code CW999"):
        load_config(tmp_path, {"select": ["CW999"]})


def test_load_config_accepts_the_keys_other_commands_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.confwarden]\nleaks = "fail"\n[tool.confwarden.configs]\nshop = "shop.config:C"\n'
        '[tool.confwarden.secrets_dirs]\nstaging = "/run/secrets"\n'
    )
    assert load_config(tmp_path).enabled("CW101")
