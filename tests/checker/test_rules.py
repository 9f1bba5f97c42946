"""Each rule on its own fixture tree: every marked line found, nothing else."""

from __future__ import annotations

import pytest

from confwarden.checker import run_check


@pytest.mark.parametrize(
    ("tree", "code"),
    [
        ("os_environ_access", "CW101"),
        ("mixed_env_access", "CW102"),
        ("database_url_read", "CW103"),
        ("critical_variable_bypass", "CW104"),
        ("cross_service_import", "CW105"),
        ("undefined_name", "CW106"),
        ("schema", "CW107"),
        ("secret_logged", "CW109"),
        ("travelling_names", "CW104"),
        ("undefined_name_in_annotation", "CW110"),
        ("env_call_signature", "CW111"),
    ],
)
def test_rule_finds_exactly_the_marked_lines(copy_tree, expected, tree: str, code: str) -> None:
    root = copy_tree(tree)
    result = run_check(root)
    found = {(f.path, f.line, f.code) for f in result.findings}
    marks = expected(root)
    assert any(c == code for _, _, c in marks)
    assert found == marks
    assert result.warnings == []


def test_os_environ_access_allowed_module_is_silent(copy_tree) -> None:
    result = run_check(copy_tree("os_environ_access"))
    assert not [f for f in result.findings if f.path == "shared/env.py"]


def test_cross_service_import_reports_the_chain_with_lines(copy_tree) -> None:
    result = run_check(copy_tree("cross_service_import"))
    chained = [f for f in result.findings if f.path.endswith("positives.py") and f.line == 9]
    assert len(chained) == 1
    assert (
        "backend/app/positives.py:9 imports shared.helpers -> shared/helpers.py:1 imports "
        "shared.bridge -> shared/bridge.py:1 imports auth_service.core.tokens"
    ) in chained[0].message


def test_cross_service_import_type_checking_can_be_allowed(copy_tree) -> None:
    root = copy_tree("cross_service_import")
    text = (root / "pyproject.toml").read_text()
    (root / "pyproject.toml").write_text(text + "allow_type_checking_imports = true\n")
    lines = {f.line for f in run_check(root).findings if f.path.endswith("positives.py")}
    assert 12 not in lines
    assert 6 in lines


def test_schema_unused_declared_variable_points_at_the_schema(copy_tree) -> None:
    result = run_check(copy_tree("schema"))
    unused = [f for f in result.findings if f.code == "CW108"]
    assert [(f.path, f.line) for f in unused] == [("shared/schema_mod.py", 5)]
    assert "LEGACY_REDIS_DB" in unused[0].message


def test_undefined_name_without_ruff_warns_and_does_not_crash(copy_tree) -> None:
    result = run_check(copy_tree("undefined_name"), find_ruff=lambda: None)
    assert result.findings == []
    assert len(result.warnings) == 1
    assert "pip install 'confwarden[check]'" in result.warnings[0]


def test_secret_logged_never_shows_the_value(copy_tree) -> None:
    root = copy_tree("secret_logged")
    canary = "CANARY-5f0e1d"
    service = root / "service.py"
    service.write_text(service.read_text() + f'\nDEFAULT = "{canary}"\n')
    result = run_check(root)
    assert all(canary not in f.message for f in result.findings)


def test_critical_variable_bypass_names_a_heuristic_secret_as_such(tmp_path) -> None:
    (tmp_path / "app.py").write_text(
        "from confwarden import get_env\n\n"
        'A = get_env().get("SERVICE_SECRET")\n'
        'B = get_env().get("AUTH_TOKEN")\n'
        'C = get_env().get("AUTH_DEBUG")\n'
        'D = get_env().get("SESSION_COOKIE_SECURE")\n'
    )
    found = {f.line: f.message for f in run_check(tmp_path).findings if f.code == "CW104"}
    assert set(found) == {3, 4}
    assert found[3].startswith("critical variable SERVICE_SECRET read")
    assert found[4].startswith("secret-looking variable AUTH_TOKEN read")
