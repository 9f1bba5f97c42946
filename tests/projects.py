"""A small confwarden project on disk, for tests of project discovery and resolution."""

from __future__ import annotations

from pathlib import Path

__all__ = ["SCHEMA", "make_project"]

SCHEMA = """
from confwarden.config.schema import ConfigSchema


class ShopConfig(ConfigSchema):
    shop_page_size: int = 50


class OtherConfig(ConfigSchema):
    other: int = 1
"""


def make_project(root: Path, table: str) -> Path:
    """Write a ``shopdisc`` package with two schemas and ``pyproject.toml`` holding ``table``."""
    package = root / "shopdisc"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "config.py").write_text(SCHEMA)
    (root / "pyproject.toml").write_text(table)
    return root
