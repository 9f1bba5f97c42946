"""The service registry, schema references and [tool.confwarden.configs]."""

from __future__ import annotations

from pathlib import Path

import pytest

from confwarden.config.services import (
    configs_from_pyproject,
    find_service,
    load_schema_reference,
    register_service,
    registered_services,
    resolve_service,
)
from confwarden.errors import ConfigurationError
from confwarden.presets.agent_platform import AppConfig, AuthEnvironment


def test_builtin_services() -> None:
    assert resolve_service("backend") == ("backend", AppConfig)
    assert resolve_service("auth") == ("auth", AuthEnvironment)
    assert resolve_service(AuthEnvironment) == ("AuthEnvironment", AuthEnvironment)


def test_register_service() -> None:
    class Worker(AppConfig):
        pass

    register_service("worker-under-test", Worker)
    assert registered_services()["worker-under-test"] is Worker


def test_load_schema_reference_imports_from_a_root(tmp_path: Path) -> None:
    package = tmp_path / "svc_pkg_under_test"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "config.py").write_text(
        "from confwarden.presets.agent_platform import AppConfig\n"
        "class SvcConfig(AppConfig):\n    pass\n"
    )
    schema = load_schema_reference("svc_pkg_under_test.config:SvcConfig", tmp_path)
    assert issubclass(schema, AppConfig)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.confwarden.configs]\nsvc = "svc_pkg_under_test.config:SvcConfig"\n'
    )
    assert configs_from_pyproject(tmp_path) == {"svc": "svc_pkg_under_test.config:SvcConfig"}
    assert find_service("svc", tmp_path)[1] is schema


def test_schema_reference_errors_are_clear() -> None:
    with pytest.raises(ConfigurationError, match=r"package\.module:Class"):
        load_schema_reference("no_colon")
    with pytest.raises(ConfigurationError, match="not a confwarden ConfigSchema"):
        load_schema_reference("confwarden.config.spec:FieldSpec")


def test_configs_from_pyproject_rejects_bad_tables(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "pyproject.toml").write_text("[tool.confwarden]\nconfigs = 3\n")
    with pytest.raises(ConfigurationError, match=r"\[tool.confwarden.configs\] must map"):
        configs_from_pyproject(bad)
    assert configs_from_pyproject(tmp_path / "absent") == {}
