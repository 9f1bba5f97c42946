"""The public surface of ``confwarden.config``: complete, sorted, lazily loaded."""

from __future__ import annotations

import subprocess
import sys

import pytest

import confwarden.config as package


def test_all_is_sorted_and_every_name_resolves() -> None:
    assert package.__all__ == sorted(package.__all__)
    for name in package.__all__:
        assert getattr(package, name) is not None


def test_unknown_name_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NotAThing"):
        getattr(package, "NotAThing")  # noqa: B009


def test_importing_the_spec_does_not_import_pydantic() -> None:
    code = "import sys, confwarden.config.spec; print('pydantic' in sys.modules)"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "False"
