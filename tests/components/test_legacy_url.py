"""merge_legacy_url: DATABASE_URL reported, merged into components only on request."""

from __future__ import annotations

from confwarden.components.legacy_url import merge_legacy_url
from confwarden.components.problems import Problem

CANARY = "CANARY-5f0e1d"
LEGACY = f"postgresql://app:{CANARY}%2Fx@db:6000/app?sslmode=require"


def empty() -> dict[str, str | None]:
    names = ("HOST", "PORT", "USER", "PASSWORD", "DB", "SSLMODE")
    return {f"POSTGRES_{n}": None for n in names}


def test_merge_legacy_url_without_opt_in_only_reports() -> None:
    values, sources, problems = empty(), dict[str, str](), list[Problem]()
    merge_legacy_url(LEGACY, False, values, sources, problems)
    assert values == empty()
    assert [p.variable for p in problems] == ["DATABASE_URL"]
    assert CANARY not in str(problems)


def test_merge_legacy_url_with_opt_in_fills_missing_components() -> None:
    values = empty()
    values["POSTGRES_DB"] = "other"
    sources: dict[str, str] = {"POSTGRES_DB": "variable"}
    problems: list[Problem] = []
    merge_legacy_url(LEGACY, True, values, sources, problems)
    assert values == {
        "POSTGRES_HOST": "db",
        "POSTGRES_PORT": "6000",
        "POSTGRES_USER": "app",
        "POSTGRES_PASSWORD": f"{CANARY}/x",
        "POSTGRES_DB": "other",
        "POSTGRES_SSLMODE": "require",
    }
    assert sources["POSTGRES_DB"] == "variable"
    assert [p.variable for p in problems] == ["DATABASE_URL/POSTGRES_DB"]
    assert CANARY not in str(problems)


def test_merge_legacy_url_unset_does_nothing() -> None:
    values, sources, problems = empty(), dict[str, str](), list[Problem]()
    merge_legacy_url("  ", True, values, sources, problems)
    assert (values, sources, problems) == (empty(), {}, [])
