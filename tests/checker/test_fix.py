"""``confwarden check --fix`` and ``--diff`` (issue 12, "Beyond every anchor")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from confwarden.checker import run_check
from confwarden.checker.fix import fix_tree, rewrite_source
from confwarden.cli.main import cli

_DEFAULT = {"accessor": "get_env()", "import_line": "from confwarden import get_env"}
_ENV_ACCESS = {"CW101", "CW102"}


def _fixture_tests(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:confwarden",
         "--rootdir", str(root), str(root / "tests")],
        capture_output=True, text=True, env=env, cwd=root, check=False, timeout=120,
    )  # fmt: skip


def test_fix_broken_platform_leaves_only_what_it_lists_and_tests_still_pass(copy_tree) -> None:
    root = copy_tree("broken_platform")
    assert _fixture_tests(root).returncode == 0
    before = run_check(root)
    report = fix_tree(root)
    assert report.refused == {}
    assert set(report.changed) == {
        "auth_service/core/secrets.py",
        "auth_service/main.py",
        "backend/app/factory_config.py",
        "backend/main.py",
    }
    after = run_check(root)
    left = {(f.path, f.line) for f in after.findings if f.code in _ENV_ACCESS}
    assert left == {(u.path, u.line) for u in report.untouched} == {("backend/main.py", 8)}
    assert "writes the process environment" in report.untouched[0].why
    others = lambda result: {(f.path, f.code) for f in result.findings if f.code not in _ENV_ACCESS}  # noqa: E731
    assert others(after) == others(before)
    run = _fixture_tests(root)
    assert run.returncode == 0, run.stdout + run.stderr


def test_rewrite_source_keeps_formatting_and_comments() -> None:
    source = (
        '"""Doc."""\n'
        "import os\n\n"
        "# a comment about A\n"
        'A = os.getenv("A", "1")  # trailing\n'
        "B = os.environ.get(\n"
        '    "B",   # odd spacing\n'
        "    'x',\n"
        ")\n"
    )
    new = rewrite_source(source, **_DEFAULT).source
    assert new == (
        '"""Doc."""\n'
        "from confwarden import get_env\n\n"
        "# a comment about A\n"
        'A = get_env().get("A", "1")  # trailing\n'
        "B = get_env().get(\n"
        '    "B",   # odd spacing\n'
        "    'x',\n"
        ")\n"
    )


def test_rewrite_source_adds_the_import_once_and_not_when_bound() -> None:
    twice = rewrite_source("import os\na = os.getenv('A')\nb = os.getenv('B')\n", **_DEFAULT)
    assert twice.source is not None
    assert twice.source.count("from confwarden import get_env") == 1
    assert twice.rewritten == 2
    bound = "import os\n\nfrom shared.env import get_env\n\na = os.getenv('A')\n"
    assert "confwarden" not in (rewrite_source(bound, **_DEFAULT).source or "")


def test_rewrite_source_follows_aliases_and_from_imports() -> None:
    source = "import os as _os\nfrom os import environ as E, getenv\n"
    source += "a = _os.getenv('A')\nb = E.get('B')\nc = getenv('C')\n"
    new = rewrite_source(source, **_DEFAULT).source or ""
    assert "os" not in new.replace("confwarden", "")
    assert new.count("get_env().get(") == 3


@pytest.mark.parametrize(
    "line",
    [
        "os.environ['A'] = '1'",
        "del os.environ['A']",
        "os.environ.setdefault('A', '1')",
        "subprocess.run(['x'], env=os.environ)",
        "present = 'A' in os.environ",
        "value = os.environ['A']",
        "values = dict(os.environ)",
    ],
)
def test_rewrite_source_leaves_what_is_not_safe(line: str) -> None:
    assert rewrite_source(f"import os\n{line}\n", **_DEFAULT).source is None


def test_rewrite_source_subscript_reads_with_a_subscriptable_accessor() -> None:
    new = rewrite_source(
        "import os\nv = os.environ['A']\nos.environ['B'] = v\n", **_DEFAULT, subscript=True
    ).source
    assert (
        new
        == "import os\nfrom confwarden import get_env\nv = get_env()['A']\nos.environ['B'] = v\n"
    )


def test_fix_refuses_and_restores_a_rewrite_that_brings_a_new_finding(tmp_path: Path) -> None:
    # An import that does not bind the accessor: the rewrite would be a NameError (CW106).
    (tmp_path / "pyproject.toml").write_text(
        '[tool.confwarden]\n[tool.confwarden.fix]\nimport = "import confwarden"\n'
    )
    original = "import os\n\nTIMEOUT = os.getenv('TIMEOUT', '5')\n"
    (tmp_path / "app.py").write_text(original)
    report = fix_tree(tmp_path)
    assert "app.py" in report.refused
    assert "CW106" in report.refused["app.py"]
    assert (tmp_path / "app.py").read_text() == original
    assert report.changed == {}


def test_check_diff_shows_the_rewrite_and_writes_nothing(copy_tree) -> None:
    root = copy_tree("broken_platform")
    original = (root / "backend" / "app" / "factory_config.py").read_text()
    result = CliRunner().invoke(cli, ["check", str(root), "--diff"])
    assert result.exit_code == 1
    assert "+TARGET_MS = float(get_env().get(" in result.stdout
    assert "left 1 as they are" in result.stderr
    assert (root / "backend" / "app" / "factory_config.py").read_text() == original


def test_check_fix_reports_the_remaining_findings(copy_tree) -> None:
    root = copy_tree("broken_platform")
    result = CliRunner().invoke(cli, ["check", str(root), "--fix", "--json"])
    assert "fixed 6 direct environment access(es) in 4 file(s)" in result.stderr
    assert "backend/main.py:8" in result.stderr
    assert result.exit_code == 1
    assert '"CW105"' in result.stdout


def test_check_diff_never_shows_a_hard_coded_secret(tmp_path: Path) -> None:
    canary = "CANARY-5f0e1d"
    (tmp_path / "app.py").write_text(
        f'import os\nTOKEN = os.getenv("API_TOKEN", "{canary}")\nPASSWORD = "{canary}"\n'
        'LEVEL = os.getenv("LOG_LEVEL", "INFO")\n'
        f'PW = os.getenv("DB_PASSWORD", default="{canary}")\n'
        f'JWT = os.environ.get("JWT_SECRET", default="{canary}")\n'
    )
    result = CliRunner().invoke(cli, ["check", str(tmp_path), "--diff"])
    assert result.exit_code == 1
    assert canary not in result.output
    assert '+TOKEN = get_env().get("API_TOKEN", "***")' in result.stdout
    assert '+LEVEL = get_env().get("LOG_LEVEL", "INFO")' in result.stdout
    assert '+PW = get_env().get("DB_PASSWORD", default="***")' in result.stdout
    fixed = CliRunner().invoke(cli, ["check", str(tmp_path), "--fix"])
    assert canary not in fixed.output
    assert f'get_env().get("API_TOKEN", "{canary}")' in (tmp_path / "app.py").read_text()


@pytest.mark.parametrize(
    "source",
    [
        "def f(get_env=None):\n    return os.getenv('A')\n",
        "def g():\n    get_env = 3\n    return os.environ.get('B')\n",
        "def h(*, get_env):\n    return os.getenv('A')\n",
        "def k():\n    for get_env in ():\n        pass\n    return os.getenv('A')\n",
        "def m():\n    from x import get_env\n    return os.getenv('A')\n",
        "class C:\n    get_env = None\n    A = os.getenv('A')\n",
        "X = [os.getenv(get_env) for get_env in ('A', 'B')]\n",
        "L = lambda get_env: os.getenv('A')\n",
    ],
)
def test_rewrite_source_leaves_an_access_where_the_accessor_name_is_shadowed(
    source: str,
) -> None:
    assert rewrite_source(f"import os\n{source}", **_DEFAULT).source is None


def test_rewrite_source_refuses_a_module_that_binds_the_accessor_name_itself() -> None:
    source = "import os\n\ndef get_env():\n    return 1\n\nA = os.getenv('A')\n"
    assert rewrite_source(source, **_DEFAULT).source is None
    glob = "import os\n\ndef f():\n    global get_env\n    get_env = 1\n\nA = os.getenv('A')\n"
    assert rewrite_source(glob, **_DEFAULT).source is None


def test_rewrite_source_rewrites_beside_a_shadowing_scope_it_does_not_enter() -> None:
    source = (
        "import os\n\nclass C:\n    get_env = None\n\n    def m(self):\n"
        "        return os.getenv('A')\n\ndef f(get_env):\n    return os.getenv('B')\n"
    )
    new = rewrite_source(source, **_DEFAULT).source or ""
    assert "return get_env().get('A')" in new
    assert "return os.getenv('B')" in new


def test_fix_lists_a_shadowed_access_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.confwarden]\n")
    original = (
        "import os\n\n\ndef f(get_env=None):\n    return os.getenv('A')\n\n\n"
        "def g():\n    get_env = 3\n    return os.environ.get('B')\n"
    )
    (tmp_path / "app.py").write_text(original)
    report = fix_tree(tmp_path)
    assert (tmp_path / "app.py").read_text() == original
    assert [(u.line, "`get_env` is a local name there" in u.why) for u in report.untouched] == [
        (5, True),
        (10, True),
    ]
    assert report.result is not None
    assert report.result.exit_code == 1


def test_rewrite_source_keeps_an_import_named_in_all() -> None:
    source = 'import os\n\n__all__ = ["X", "os"]\n\nX = os.getenv("X")\n'
    new = rewrite_source(source, **_DEFAULT).source or ""
    assert new.startswith("import os\n")
    assert 'X = get_env().get("X")' in new


def test_fix_refusal_quotes_the_line_of_the_file_as_it_is(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.confwarden]\n[tool.confwarden.fix]\nimport = "import confwarden"\n'
    )
    (tmp_path / "app.py").write_text('"""Doc."""\nimport os\n\n\nTIMEOUT = os.getenv("T")\n')
    report = fix_tree(tmp_path)
    assert "at app.py:5 " in report.refused["app.py"]
    assert report.untouched == []


def test_fix_describes_an_os_function_used_as_a_value(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.confwarden]\n")
    (tmp_path / "reader.py").write_text(
        'from os import getenv\n\nREADER = getenv\nZ = getenv("Z")\n'
    )
    report = fix_tree(tmp_path, write=False)
    assert [(u.line, u.why.split(":")[0]) for u in report.untouched] == [
        (1, "imports os.getenv by name, and the name is still used as a value"),
        (3, "uses os.getenv as a value (aliased or passed), not as a call"),
    ]


def test_fix_keeps_an_import_another_module_imports_from_the_fixed_one(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.confwarden]\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "base.py").write_text('import os\n\nX = os.getenv("X")\n')
    (tmp_path / "pkg" / "user.py").write_text("from pkg.base import os\n\nSEP = os.sep\n")
    report = fix_tree(tmp_path)
    new = (tmp_path / "pkg" / "base.py").read_text()
    assert report.changed
    assert new.startswith("import os\n")
    assert 'X = get_env().get("X")' in new


def _project(root: Path, files: dict[str, str], fix: str = "") -> Path:
    (root / "pyproject.toml").write_text(f"[tool.confwarden]\n{fix}")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _run(root: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root), "ENVIRONMENT": "development"}
    env.pop("WORKER_MODE", None)
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=root,
        check=False, timeout=60,
    )  # fmt: skip


def test_fix_leaves_reads_of_a_variable_the_project_writes_to_os_environ(tmp_path: Path) -> None:
    worker = (
        "import os\n\nfrom confwarden import get_env\n\n"
        'CACHE = get_env().get("CACHE_BACKEND", "memory")\n'
        'OTHER = os.getenv("OTHER", "x")\n\n\n'
        "def configure() -> str | None:\n"
        '    os.environ.setdefault("WORKER_MODE", "sync")\n'
        '    return os.getenv("WORKER_MODE")\n'
    )
    root = _project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/worker.py": worker,
            "app/boot.py": 'import os\n\nos.putenv("BOOT_FLAG", "1")\nos.environ["LATE"] = "1"\n',
            "app/late.py": 'import os\n\nLATE = os.environ.get("LATE")\n',
        },
    )
    assert _run(root, "from app.worker import configure; print(configure())").stdout == "sync\n"
    report = fix_tree(root)
    assert _run(root, "from app.worker import configure; print(configure())").stdout == "sync\n"
    new = (root / "app" / "worker.py").read_text()
    assert 'OTHER = get_env().get("OTHER", "x")' in new
    assert 'return os.getenv("WORKER_MODE")' in new
    assert (root / "app" / "late.py").read_text() == 'import os\n\nLATE = os.environ.get("LATE")\n'
    why = {(u.path, u.line): u.why for u in report.untouched}
    assert "WORKER_MODE is written to os.environ at app/worker.py:10" in why[("app/worker.py", 11)]
    assert "LATE is written to os.environ at app/boot.py:4" in why[("app/late.py", 3)]


def test_fix_does_not_rewrite_a_module_the_accessor_module_imports(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "shared/__init__.py": "",
            "shared/env.py": (
                "from confwarden import get_env as _factory\n\nfrom shared.paths import DATA_DIR\n"
                '\n__all__ = ["get_env", "DATA_DIR"]\n\n\ndef get_env():\n    return _factory()\n'
            ),
            "shared/paths.py": "import os\n\nfrom shared import deep\n\n"
            'DATA_DIR = os.getenv("DATA_DIR", "/var/data")\n',
            "shared/deep.py": 'import os\n\nDEEP = os.getenv("DEEP")\n',
            "app/__init__.py": "",
            "app/a.py": 'import os\n\nBASE = os.getenv("BASE", "/srv")\n',
        },
        'env_access_allowed = ["shared/env.py"]\n'
        '[tool.confwarden.fix]\nimport = "from shared.env import get_env"\n',
    )
    report = fix_tree(root)
    assert set(report.changed) == {"app/a.py"}
    assert "os.getenv" in (root / "shared" / "paths.py").read_text()
    why = {(u.path, u.line): u.why for u in report.untouched}
    assert "imported by shared.env (through shared.paths)" in why[("shared/paths.py", 5)]
    assert "circular import" in why[("shared/deep.py", 3)]
    run = _run(root, "import app.a, shared.env; print(app.a.BASE)")
    assert run.returncode == 0, run.stderr


def test_fix_leaves_suppressed_reads_and_migrates_the_rest(tmp_path: Path) -> None:
    original = (
        "import os\n\n"
        'LEGACY = os.getenv("LEGACY_MODE")  # confwarden: ignore[CW101]\n'
        'OTHER = os.getenv("OTHER")\n'
    )
    root = _project(tmp_path, {"app/__init__.py": "", "app/s.py": original})
    preview = fix_tree(root, write=False)
    report = fix_tree(root)
    assert report.refused == {}
    new = (root / "app" / "s.py").read_text()
    assert preview.changed["app/s.py"][1] == new
    assert 'LEGACY = os.getenv("LEGACY_MODE")  # confwarden: ignore[CW101]' in new
    assert 'OTHER = get_env().get("OTHER")' in new
    # Lines of the file as it is after the fix: the import went in above.
    assert [(u.line, "suppressed" in u.why) for u in report.untouched] == [(4, True)]
    assert report.result is not None
    # No stale suppression (CW001): the comment still silences its read. The file now mixes
    # both accesses (CW102) until the legacy read goes.
    assert [f.code for f in report.result.findings] == ["CW102"]


def test_fix_subscript_with_confwardens_accessor_is_left_with_the_reason(tmp_path: Path) -> None:
    original = 'import os\n\nHOME = os.environ["HOME"]\nUSER = os.getenv("USER")\n'
    root = _project(
        tmp_path,
        {"app/__init__.py": "", "app/s.py": original},
        "[tool.confwarden.fix]\nsubscript = true\n",
    )
    report = fix_tree(root)
    new = (root / "app" / "s.py").read_text()
    assert 'HOME = os.environ["HOME"]' in new
    assert 'USER = get_env().get("USER")' in new
    assert [(u.line, "IsolatedEnvironment has no []" in u.why) for u in report.untouched] == [
        (4, True)
    ]
    assert _run(root, "import app.s").returncode == 0


def test_rewrite_source_import_os_path_binds_os() -> None:
    new = rewrite_source(
        "import os.path\n\nP = os.path.join(os.environ.get('BASE', '/srv'), 'x')\n", **_DEFAULT
    ).source
    assert new == (
        "import os.path\nfrom confwarden import get_env\n\n"
        "P = os.path.join(get_env().get('BASE', '/srv'), 'x')\n"
    )


def test_fix_names_an_os_import_inside_a_block_as_the_reason(tmp_path: Path) -> None:
    root = _project(tmp_path, {"b.py": 'if True:\n    import os as o2\nv = o2.getenv("V")\n'})
    report = fix_tree(root, write=False)
    assert [u.why for u in report.untouched] == [
        "`o2` is imported inside a block or a function, where --fix does not look: move the "
        "import to the top of the module, or rewrite this read by hand"
    ]


def test_fix_leaves_the_accessor_module_itself(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {
            "shared/__init__.py": "",
            "shared/env.py": 'import os\n\nLEVEL = os.getenv("LEVEL")\n\n\ndef get_env():\n'
            "    return None\n",
        },
        '[tool.confwarden.fix]\nimport = "from shared.env import get_env"\n',
    )
    report = fix_tree(root, write=False)
    assert report.changed == {}
    assert "cannot import it from itself" in report.untouched[0].why
