"""The source interface: every source is up and unchanging unless it says otherwise."""

from __future__ import annotations

from pathlib import Path

from confwarden.config.sources import LoadContext, default_sources
from confwarden.environment.detection import Environment
from confwarden.secrets.base import SourceStatus, ValueSource


def test_base_source_defaults_to_up_and_never_changing() -> None:
    source = ValueSource()
    assert source.status() == SourceStatus("source", True, "", None)
    assert source.watch(lambda changed: None) is None


def test_base_in_process_sources_need_no_watch(tmp_path: Path) -> None:
    plain = LoadContext(Environment.PRODUCTION, {"LOG_LEVEL": "INFO"}, overrides={"A": "1"})
    assert [s for s in default_sources(plain) if s.watch(lambda c: None) is not None] == []
    referencing = LoadContext(Environment.PRODUCTION, {"TOKEN_FILE": str(tmp_path / "token")})
    subscriptions = [s.watch(lambda c: None) for s in default_sources(referencing)]
    watched = [s for s in subscriptions if s is not None]
    assert len(watched) == 1  # the VAR_FILE source, which reads a file that can change
    watched[0].close()
