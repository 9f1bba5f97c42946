"""The incidents of spec 000, 001, 002 and 004 reproduced in a broken platform: every one
found, by code and path; and a clean platform with zero findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from confwarden.checker import run_check


@pytest.fixture
def broken(copy_tree):
    root = copy_tree("broken_platform")
    return root, {(f.path, f.line, f.code) for f in run_check(root).findings}


def test_broken_platform_findings_are_exactly_the_marked_ones(broken, expected) -> None:
    root, found = broken
    assert found == expected(root)


@pytest.mark.parametrize(
    ("spec", "path", "code"),
    [
        ("000 backend loads .env itself", "backend/main.py", "CW101"),
        ("000 auth service detects staging itself", "auth_service/main.py", "CW101"),
        ("001 SERVICE_SECRET through get_env()", "backend/app/core/base.py", "CW104"),
        ("001 SERVICE_SECRET through os.environ", "auth_service/core/secrets.py", "CW104"),
        ("002 backend imports the auth service", "backend/app/auth.py", "CW105"),
        ("002 shared code imports the auth service", "shared/auth_bridge.py", "CW105"),
        ("004 os.getenv beside get_env()", "backend/app/factory_config.py", "CW102"),
        ("004 function used without its import", "backend/app/websocket_isolated.py", "CW106"),
    ],
)
def test_broken_platform_incident_is_found(broken, spec: str, path: str, code: str) -> None:
    _, found = broken
    assert any(p == path and c == code for p, _, c in found), spec


def test_broken_platform_002_via_shared_is_reported_on_the_service(copy_tree) -> None:
    result = run_check(copy_tree("broken_platform"))
    via = [f for f in result.findings if f.path == "backend/app/auth.py" and f.line == 3]
    assert len(via) == 1
    assert "shared/auth_bridge.py:2 imports auth_service.core.token_validator" in via[0].message


def test_clean_platform_has_no_findings(copy_tree) -> None:
    result = run_check(copy_tree("clean_platform"))
    assert result.findings == []
    assert result.warnings == []
    assert result.exit_code == 0


def test_example_platform_has_no_findings() -> None:
    root = Path(__file__).resolve().parents[2] / "examples" / "platform"
    result = run_check(root, use_cache=False)
    assert result.files > 0
    assert result.findings == []
    assert result.warnings == []
