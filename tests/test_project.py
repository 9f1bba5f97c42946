"""Project discovery: the nearest pyproject.toml with [tool.confwarden], as ruff finds it."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.projects import make_project

from confwarden.errors import ProjectError
from confwarden.project import Project, find_project, require_project


def test_find_project_walks_up_past_a_pyproject_without_the_table(tmp_path: Path) -> None:
    root = make_project(
        tmp_path, '[tool.confwarden.configs]\nshop = "shopdisc.config:ShopConfig"\n'
    )
    inner = root / "services" / "web"
    inner.mkdir(parents=True)
    (inner / "pyproject.toml").write_text('[project]\nname = "web"\n')
    project = find_project(inner)
    assert project is not None
    assert project.root == root.resolve()
    assert project.service_names == ("shop",)


def test_find_project_returns_none_without_any_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    assert find_project(tmp_path) is None
    with pytest.raises(ProjectError, match="confwarden init") as info:
        require_project(tmp_path)
    assert info.value.exit_code == 2


def test_project_schema_is_the_only_service_or_must_be_named(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        '[tool.confwarden.configs]\nshop = "shopdisc.config:ShopConfig"\n'
        'other = "shopdisc.config:OtherConfig"\n',
    )
    project = require_project(root)
    with pytest.raises(ProjectError, match=r"several services \(shop, other\)"):
        project.schema()
    assert project.schema("other")[1].__name__ == "OtherConfig"
    with pytest.raises(ProjectError, match=r"unknown service 'billing'.*shop, other"):
        project.schema("billing")


def test_project_with_a_single_schema_key_has_one_service(tmp_path: Path) -> None:
    root = make_project(
        tmp_path,
        '[project]\nname = "shopx"\n[tool.confwarden]\nschema = "shopdisc.config:ShopConfig"\n',
    )
    name, schema = require_project(root).schema()
    assert (name, schema.__name__) == ("shopx", "ShopConfig")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("[tool.confwarden]\nconfigs = 3\n", "must map service names"),
        ("[tool.confwarden]\nleaks = 'loud'\n", "use one of off, warn, fail"),
        ("[tool.confwarden.secrets_dirs]\nqa = 'x'\n", "not a known environment"),
        ("[tool.confwarden\n", "cannot read"),
    ],
)
def test_malformed_settings_are_project_errors(tmp_path: Path, table: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(table)

    def read_everything() -> None:
        project = require_project(tmp_path)
        _ = (project.configs, project.leaks, project.secret_dirs())

    with pytest.raises(ProjectError, match=message):
        read_everything()


def test_find_project_passes_by_a_special_file_named_pyproject(tmp_path: Path) -> None:
    import os
    import threading

    root = make_project(
        tmp_path, '[tool.confwarden.configs]\nshop = "shopdisc.config:ShopConfig"\n'
    )
    inner = root / "fifo"
    inner.mkdir()
    os.mkfifo(inner / "pyproject.toml")
    found: list[object] = []
    # Opening a FIFO for reading blocks until a writer comes: a daemon thread keeps a
    # regression from hanging the suite.
    worker = threading.Thread(target=lambda: found.append(find_project(inner)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert found, "find_project blocked on a FIFO named pyproject.toml"
    project = found[0]
    assert isinstance(project, Project)
    assert project.root == root.resolve()
