"""The public API: __all__ complete, sorted, and every name importable."""

from __future__ import annotations

import pytest

import confwarden


def test_all_is_sorted_and_unique() -> None:
    assert confwarden.__all__ == sorted(set(confwarden.__all__))


def test_all_names_resolve() -> None:
    for name in confwarden.__all__:
        assert getattr(confwarden, name) is not None, name


def test_documented_names_are_public() -> None:
    documented = {"get_env", "IsolatedEnvironment", "EnvironmentDetector", "Environment"}
    assert documented <= set(confwarden.__all__)


def test_unknown_attribute_raises() -> None:
    with pytest.raises(AttributeError, match="does_not_exist"):
        _ = confwarden.does_not_exist  # type: ignore[attr-defined]
