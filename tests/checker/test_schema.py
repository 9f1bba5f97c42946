"""declared_variable_names: the duck-typed contract with the configuration layer."""

from __future__ import annotations

import pytest

from confwarden.checker import declared_variable_names


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
