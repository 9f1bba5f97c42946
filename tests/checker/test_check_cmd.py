"""``confwarden check`` on the command line: formats, exit codes, baseline."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from confwarden.cli.main import cli, main


def test_check_clean_tree_exits_0(copy_tree) -> None:
    result = CliRunner().invoke(cli, ["check", str(copy_tree("clean_platform"))])
    assert result.exit_code == 0
    assert "0 finding(s)" in result.output


def test_check_findings_exit_1_with_json(copy_tree) -> None:
    result = CliRunner().invoke(
        cli, ["check", str(copy_tree("broken_platform")), "--format", "json"]
    )
    assert result.exit_code == 1
    codes = {f["code"] for f in json.loads(result.output)["findings"]}
    assert {"CW101", "CW102", "CW104", "CW105", "CW106"} <= codes


def test_check_bad_configuration_exits_2(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.confwarden]\nschema = "no_colon"\n')
    assert main(["check", str(tmp_path)]) == 2


def test_check_missing_path_exits_2(tmp_path: Path) -> None:
    assert main(["check", str(tmp_path / "absent")]) == 2


def test_check_write_baseline_then_baseline_exits_0(copy_tree, tmp_path: Path) -> None:
    root = copy_tree("broken_platform")
    baseline = tmp_path / "baseline.json"
    runner = CliRunner()
    written = runner.invoke(cli, ["check", str(root), "--write-baseline", str(baseline)])
    assert written.exit_code == 0
    again = runner.invoke(cli, ["check", str(root), "--baseline", str(baseline)])
    assert again.exit_code == 0
    assert "in the baseline" in again.output


def test_check_select_limits_the_rules(copy_tree) -> None:
    result = CliRunner().invoke(
        cli,
        ["check", str(copy_tree("broken_platform")), "--select", "CW105", "--format", "json"],
    )
    assert {f["code"] for f in json.loads(result.output)["findings"]} == {"CW105"}


def test_check_json_flag_is_format_json(copy_tree) -> None:
    root = copy_tree("broken_platform")
    flag = CliRunner().invoke(cli, ["check", str(root), "--json"])
    long = CliRunner().invoke(cli, ["check", str(root), "--format", "json"])
    assert flag.exit_code == 1
    assert json.loads(flag.output)["findings"] == json.loads(long.output)["findings"]


def test_check_subfolder_from_inside_the_project(copy_tree, monkeypatch) -> None:
    root = copy_tree("broken_platform")
    monkeypatch.chdir(root / "backend")
    result = CliRunner().invoke(cli, ["check", "app", "--json"])
    paths = {(f["path"], f["code"]) for f in json.loads(result.output)["findings"]}
    assert ("backend/app/auth.py", "CW105") in paths
    assert all(p.startswith("backend/app/") for p, _ in paths)


def test_check_fifo_path_exits_2(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "pipe.py")
    assert main(["check", str(tmp_path / "pipe.py")]) == 2


def test_check_select_with_an_unknown_code_exits_2(copy_tree) -> None:
    root = copy_tree("broken_platform")
    result = CliRunner().invoke(cli, ["check", str(root), "--select", "CW10l"])
    assert result.exit_code == 2
    assert "unknown rule code CW10L" in result.output
    assert "did you mean CW101?" in result.output
