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


def make_project(
    root: Path, table: str, *, package: str = "shopdisc", schema: str = SCHEMA
) -> Path:
    """Write ``package/config.py`` holding ``schema`` (by default two schemas) and a
    ``pyproject.toml`` holding ``table``; returns ``root``."""
    directory = root / package
    directory.mkdir(parents=True)
    (directory / "__init__.py").write_text("")
    (directory / "config.py").write_text(schema)
    (root / "pyproject.toml").write_text(table)
    return root
