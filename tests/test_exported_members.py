"""The public API: __all__ literal and complete, every name importable and typed for users."""

from __future__ import annotations

import ast
import inspect
from types import ModuleType

import pytest

import confwarden
import confwarden.config


def _reexports(module: ModuleType) -> dict[str, str]:
    """Name -> module of every ``from m import X as X`` under ``if TYPE_CHECKING:``."""
    tree = ast.parse(inspect.getsource(module))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom)
                for alias in statement.names:
                    assert alias.asname == alias.name, f"{alias.name} is not re-exported as X"
                    found[alias.name] = str(statement.module)
    return found


@pytest.mark.parametrize("module", [confwarden, confwarden.config])
def test_all_is_literal_unique_and_matches_exports(module: ModuleType) -> None:
    tree = ast.parse(inspect.getsource(module))
    literal = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
    )
    assert isinstance(literal, ast.List)
    assert len(set(module.__all__)) == len(module.__all__)
    assert set(module.__all__) == set(module._EXPORTS)  # type: ignore[attr-defined]


@pytest.mark.parametrize("module", [confwarden, confwarden.config])
def test_all_names_are_explicitly_reexported_for_type_checkers(module: ModuleType) -> None:
    assert _reexports(module) == module._EXPORTS  # type: ignore[attr-defined]


def test_all_names_resolve() -> None:
    for name in confwarden.__all__:
        assert getattr(confwarden, name) is not None, name


def test_documented_names_are_public() -> None:
    documented = {"get_env", "IsolatedEnvironment", "EnvironmentDetector", "Environment"}
    assert documented <= set(confwarden.__all__)


def test_unknown_attribute_raises() -> None:
    with pytest.raises(AttributeError, match="does_not_exist"):
        _ = confwarden.does_not_exist  # type: ignore[attr-defined]


def test_environment_package_reexports_dev_secrets_and_marker_functions() -> None:
    from confwarden import environment
    from confwarden.environment import dev_secrets, markers

    tree = ast.parse(inspect.getsource(environment))
    literal = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
    )
    assert isinstance(literal, ast.List)
    assert len(set(environment.__all__)) == len(environment.__all__)
    wanted = {
        "DevSecretStore": dev_secrets.DevSecretStore,
        "DeploymentMarker": markers.DeploymentMarker,
        "container_reason": markers.container_reason,
        "deployment_marker": markers.deployment_marker,
        "in_container": markers.in_container,
    }
    for name, obj in wanted.items():
        assert name in environment.__all__
        assert getattr(environment, name) is obj
    for name in environment.__all__:
        assert hasattr(environment, name), name


def test_names_a_schema_needs_come_from_the_top_level_package() -> None:
    from confwarden.config.spec import ALL_ENVIRONMENTS, DEPLOYED

    schema_names = {"ConfigSchema", "Env", "SecretStr", "Environment", "DEPLOYED"}
    assert schema_names | {"ALL_ENVIRONMENTS"} <= set(confwarden.__all__)
    assert confwarden.DEPLOYED is DEPLOYED
    assert confwarden.ALL_ENVIRONMENTS is ALL_ENVIRONMENTS
