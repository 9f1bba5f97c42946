"""The schema rules read the schema statically; importing is opt-in (issue 11.11, 12 FP5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from confwarden.checker import CheckerConfigError, declared_variable_names, run_check
from confwarden.cli.main import cli


class _Schema:
    __confwarden_env_vars__ = ("A", "B")


def test_declared_variable_names_reads_the_dunder() -> None:
    assert declared_variable_names(_Schema) == frozenset({"A", "B"})


def test_declared_variable_names_reads_mapping_keys() -> None:
    assert declared_variable_names({"PORT": int}) == frozenset({"PORT"})


def test_declared_variable_names_reads_an_iterable() -> None:
    assert declared_variable_names(["X", "Y"]) == frozenset({"X", "Y"})


def test_declared_variable_names_rejects_anything_else() -> None:
    with pytest.raises(TypeError, match="__confwarden_env_vars__"):
        declared_variable_names(42)
    with pytest.raises(TypeError):
        declared_variable_names("PORT")


def _tree_with_side_effect(tmp_path: Path) -> tuple[Path, Path]:
    marker = tmp_path / "imported.txt"
    root = tmp_path / "tree"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "schema.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')\n"
        'NAMES = ["PORT", "UNUSED_SETTING"]\n'
    )
    (root / "pyproject.toml").write_text('[tool.confwarden]\nschema = "pkg.schema:NAMES"\n')
    (root / "app.py").write_text("from confwarden import get_env\nget_env().get('PORT')\n")
    return root, marker


def test_run_check_never_imports_the_checked_tree(tmp_path: Path) -> None:
    root, marker = _tree_with_side_effect(tmp_path)
    result = run_check(root)
    assert not marker.exists()
    assert [(f.code, f.path) for f in result.findings] == [("CW108", "pkg/schema.py")]


def test_run_check_import_schema_imports_in_a_child_process(tmp_path: Path) -> None:
    root, marker = _tree_with_side_effect(tmp_path)
    result = run_check(root, import_schema=True)
    assert marker.read_text() == "ran"
    assert {f.code for f in result.findings} == {"CW108"}


def test_check_cli_import_schema_flag(tmp_path: Path) -> None:
    root, marker = _tree_with_side_effect(tmp_path)
    CliRunner().invoke(cli, ["check", str(root)])
    assert not marker.exists()
    CliRunner().invoke(cli, ["check", str(root), "--import-schema"])
    assert marker.exists()


def test_run_check_computed_schema_says_to_import_it(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.confwarden]\nschema = "names:NAMES"\n')
    (tmp_path / "names.py").write_text("NAMES = [n.upper() for n in ('a', 'b')]\n")
    with pytest.raises(CheckerConfigError, match="--import-schema"):
        run_check(tmp_path)


def test_typed_schema_fields_read_as_attributes_count_as_read(copy_tree, expected) -> None:
    root = copy_tree("typed_schema")
    found = {(f.path, f.line, f.code) for f in run_check(root).findings}
    assert found == expected(root)


def test_typed_schema_loaded_through_bootstrap_reads_every_field(copy_tree) -> None:
    root = copy_tree("typed_schema")
    (root / "app" / "main.py").write_text(
        "from confwarden.startup import bootstrap\n\nfrom app.profiles import Production\n\n"
        "config = bootstrap(Production)\n"
    )
    (root / "app" / "profiles.py").write_text(
        "from shared.settings import ShopConfig\n\n\nclass Production(ShopConfig):\n    pass\n"
    )
    assert [f.code for f in run_check(root).findings] == ["CW107"]


def test_example_platform_needs_no_ignore() -> None:
    pyproject = Path(__file__).resolve().parents[2] / "examples" / "platform" / "pyproject.toml"
    assert "ignore" not in pyproject.read_text()


_SHOP = (
    "from confwarden import ConfigSchema\n"
    "\n"
    "\n"
    'class ShopConfig(ConfigSchema, env_prefix="SHOP_"):\n'
    "    data_dir: str = '/data'\n"
    "    page_size: int = 20\n"
    "    unused_knob: int = 1\n"
    "\n"
    "\n"
    "class Child(ShopConfig):\n"
    "    child_knob: int = 2\n"
)


def _shop(tmp_path: Path, schema: str = "pkg.settings:Child") -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "settings.py").write_text(_SHOP)
    (tmp_path / "pyproject.toml").write_text(f'[tool.confwarden]\nschema = "{schema}"\n')
    (tmp_path / "pkg" / "app.py").write_text(
        "from confwarden import get_env\n\n\ndef show(cfg):\n"
        "    return cfg.page_size, cfg.child_knob, get_env().get('SHOP_DATA_DIR')\n"
    )
    return tmp_path


def test_run_check_schema_env_prefix_binds_the_prefixed_names(tmp_path: Path) -> None:
    result = run_check(_shop(tmp_path))
    assert [(f.code, f.path, f.line) for f in result.findings] == [("CW108", "pkg/settings.py", 7)]
    assert "SHOP_UNUSED_KNOB (field unused_knob)" in result.findings[0].message


def test_run_check_import_schema_counts_attribute_reads_at_the_field_line(
    tmp_path: Path,
) -> None:
    result = run_check(_shop(tmp_path), import_schema=True)
    assert [(f.code, f.path, f.line) for f in result.findings] == [("CW108", "pkg/settings.py", 7)]


def test_run_check_schema_nested_group_and_case_insensitive_names(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "settings.py").write_text(
        "from pydantic import BaseModel\nfrom confwarden import ConfigSchema\n\n\n"
        "class Payment(BaseModel):\n    provider: str = 'x'\n\n\n"
        'class Shop(ConfigSchema, env_prefix="SHOP_", case_sensitive=False):\n'
        "    payment: Payment = Payment()\n"
    )
    (tmp_path / "pyproject.toml").write_text('[tool.confwarden]\nschema = "pkg.settings:Shop"\n')
    (tmp_path / "pkg" / "app.py").write_text(
        "from confwarden import get_env\n\nA = get_env().get('SHOP_PAYMENT__PROVIDER')\n"
        "B = get_env().get('shop_payment')\nC = get_env().get('SHOP_OTHER')\n"
    )
    result = run_check(tmp_path)
    assert [(f.code, f.line) for f in result.findings] == [("CW107", 5)]
