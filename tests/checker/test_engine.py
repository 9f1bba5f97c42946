"""The engine: parse errors as findings, suppressions, cache and incremental runs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from confwarden.checker import run_check
from confwarden.cli.main import cli


def _write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_run_check_unparsable_file_is_a_finding(tmp_path: Path) -> None:
    _write(tmp_path, "bad.py", "def f(:\n")
    result = run_check(tmp_path)
    assert [(f.path, f.code) for f in result.findings] == [("bad.py", "CW000")]
    assert result.exit_code == 1


def test_run_check_suppression_with_code_silences_the_finding(tmp_path: Path) -> None:
    _write(tmp_path, "a.py", "import os\nx = os.getenv('A')  # confwarden: ignore[CW101]\n")
    result = run_check(tmp_path)
    assert result.findings == []
    assert result.suppressed == 1


def test_run_check_bare_suppression_silences_every_code(tmp_path: Path) -> None:
    _write(tmp_path, "a.py", "import os\nx = os.getenv('JWT_SECRET')  # confwarden: ignore\n")
    result = run_check(tmp_path)
    assert result.findings == []
    assert result.suppressed == 2


def test_run_check_stale_suppression_is_reported(tmp_path: Path) -> None:
    _write(tmp_path, "a.py", "x = 1  # confwarden: ignore[CW101]\ny = 2  # confwarden: ignore\n")
    result = run_check(tmp_path)
    assert [(f.line, f.code) for f in result.findings] == [(1, "CW001"), (2, "CW001")]


def test_run_check_suppression_of_another_code_does_not_silence(tmp_path: Path) -> None:
    _write(tmp_path, "a.py", "import os\nx = os.getenv('A')  # confwarden: ignore[CW104]\n")
    codes = sorted(f.code for f in run_check(tmp_path).findings)
    assert codes == ["CW001", "CW101"]


def test_run_check_warm_run_parses_nothing(tmp_path: Path) -> None:
    for i in range(60):
        _write(tmp_path, f"pkg/m{i}.py", f"import os\nx{i} = os.getenv('V{i}')\n")
    cold = run_check(tmp_path)
    warm = run_check(tmp_path)
    assert cold.files_checked == 60
    assert warm.files_checked == 0
    assert warm.findings == cold.findings
    assert (tmp_path / ".confwarden-cache").is_dir()


def test_run_check_incremental_reparses_only_the_changed_file(tmp_path: Path) -> None:
    _write(tmp_path, "backend/main.py", "from shared import util\n")
    _write(tmp_path, "auth_service/main.py", "import json\n")
    util = _write(tmp_path, "shared/util.py", "import json\n")
    _write(
        tmp_path,
        "pyproject.toml",
        '[tool.confwarden]\nservices = {backend = "backend", auth = "auth_service"}\n'
        'shared = ["shared"]\n',
    )
    assert run_check(tmp_path).findings == []
    util.write_text("import auth_service.main\n")
    stat = util.stat()
    os.utime(util, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    result = run_check(tmp_path)
    assert result.files_checked == 1
    # The dependent service file was not re-parsed, yet its chain through shared is seen.
    assert {(f.path, f.code) for f in result.findings} == {
        ("backend/main.py", "CW105"),
        ("shared/util.py", "CW105"),
    }


def test_run_check_touched_but_unchanged_file_is_not_reparsed(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.py", "x = 1\n")
    run_check(tmp_path)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000))
    assert run_check(tmp_path).files_checked == 0


def test_run_check_parallel_matches_serial(copy_tree) -> None:
    root = copy_tree("os_environ_access")
    for i in range(60):
        _write(root, f"extra/m{i}.py", f"import os\nx = os.environ['E{i}']\n")
    serial = run_check(root, jobs=1, use_cache=False)
    parallel = run_check(root, jobs=2, use_cache=False)
    assert serial.findings == parallel.findings
    assert len(parallel.findings) > 60


_PY312_ONLY = 'names = ["a"]\ntext = f"{", ".join(names)}"\n'  # PEP 701 quotes reuse


def test_run_check_newer_syntax_for_a_newer_target_is_one_note(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", '[project]\nrequires-python = ">=3.12"\n[tool.confwarden]\n')
    _write(tmp_path, "new.py", _PY312_ONLY)
    _write(tmp_path, "newer.py", _PY312_ONLY)
    result = run_check(tmp_path)
    if sys.version_info >= (3, 12):
        assert result.findings == []
        return
    assert result.findings == []
    assert len(result.notes) == 1
    assert "2 file(s) skipped" in result.notes[0]
    assert "Python >= 3.12" in result.notes[0]


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.11 cannot parse 3.12 syntax")
def test_run_check_real_syntax_error_under_a_newer_target_is_cw000(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", '[project]\nrequires-python = ">=3.12"\n[tool.confwarden]\n')
    _write(tmp_path, "bad.py", "def f(:\n    pass\n")
    _write(tmp_path, "new.py", _PY312_ONLY)
    result = run_check(tmp_path)
    assert [(f.path, f.code) for f in result.findings] == [("bad.py", "CW000")]
    assert "1 file(s) skipped" in result.notes[0]
    assert "bad.py" not in result.notes[0]
    assert result.exit_code == 1


def test_run_check_ruff_target_version_is_read_too(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", '[tool.ruff]\ntarget-version = "py313"\n[tool.confwarden]\n')
    _write(tmp_path, "new.py", _PY312_ONLY)
    result = run_check(tmp_path)
    assert result.findings == []


def test_run_check_syntax_error_for_the_running_target_is_a_finding(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", '[project]\nrequires-python = ">=3.11"\n[tool.confwarden]\n')
    _write(tmp_path, "bad.py", "def f(:\n")
    result = run_check(tmp_path)
    assert [f.code for f in result.findings] == ["CW000"]
    assert result.notes == []


def test_run_check_subfolder_keeps_the_project_root_and_services(copy_tree) -> None:
    root = copy_tree("broken_platform")
    whole = {(f.path, f.line, f.code) for f in run_check(root).findings}
    sub = run_check(root / "backend" / "app")
    assert sub.root == str(root.resolve())
    found = {(f.path, f.line, f.code) for f in sub.findings}
    assert found == {item for item in whole if item[0].startswith("backend/app/")}
    assert ("backend/app/auth.py", 2, "CW105") in found
    assert ("backend/app/auth.py", 3, "CW105") in found


def test_run_check_single_file_and_several_paths(copy_tree) -> None:
    root = copy_tree("broken_platform")
    one = run_check(root / "backend" / "app" / "auth.py")
    assert {f.path for f in one.findings} == {"backend/app/auth.py"}
    two = run_check([root / "shared", root / "auth_service" / "main.py"])
    assert {f.path for f in two.findings} == {"shared/auth_bridge.py", "auth_service/main.py"}


def test_find_project_root_walks_up_to_the_confwarden_table(tmp_path: Path) -> None:
    from confwarden.checker import find_project_root

    _write(tmp_path, "pyproject.toml", "[tool.confwarden]\n")
    _write(tmp_path, "svc/pyproject.toml", "[project]\nname = 'svc'\n")  # no table: skipped
    deep = tmp_path / "svc" / "pkg" / "mod.py"
    _write(tmp_path, "svc/pkg/mod.py", "x = 1\n")
    assert find_project_root(deep) == tmp_path.resolve()


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.11 cannot parse 3.12 syntax")
@pytest.mark.parametrize("name", ["ruff.toml", ".ruff.toml"])
def test_run_check_target_version_of_a_ruff_toml_is_read(tmp_path: Path, name: str) -> None:
    _write(tmp_path, "pyproject.toml", "[tool.confwarden]\n")
    _write(tmp_path, name, 'target-version = "py312"\n')
    _write(tmp_path, "new.py", _PY312_ONLY)
    result = run_check(tmp_path)
    assert result.findings == []
    assert "Python >= 3.12" in result.notes[0]


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.11 cannot parse 3.12 syntax")
def test_check_a_subfolder_reads_the_target_of_the_project_above(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", '[project]\nname = "x"\nrequires-python = ">=3.12"\n')
    _write(tmp_path, "pkg/new.py", _PY312_ONLY)
    result = CliRunner().invoke(cli, ["check", "--no-cache", str(tmp_path / "pkg")])
    assert result.exit_code == 0, result.output
    assert "Python >= 3.12" in result.output
