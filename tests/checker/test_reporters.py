"""The four output formats on the broken platform."""

from __future__ import annotations

import json

import pytest

from confwarden.checker import run_check
from confwarden.checker.reporters import render


@pytest.fixture
def result(copy_tree):
    return run_check(copy_tree("broken_platform"))


def test_json_report_has_the_documented_shape(result) -> None:
    data = json.loads(render(result, "json"))
    assert set(data) >= {"findings", "summary", "warnings"}
    first = data["findings"][0]
    assert {"path", "line", "column", "code", "message"} <= set(first)
    assert all(not f["path"].startswith("/") for f in data["findings"])
    assert data["summary"]["findings"] == len(result.findings)


def test_sarif_report_is_sarif_2_1_0(result) -> None:
    data = json.loads(render(result, "sarif"))
    assert data["$schema"].endswith("sarif-2.1.0.json")
    assert data["version"] == "2.1.0"
    run = data["runs"][0]
    rule_ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert {"CW101", "CW105", "CW106"} <= rule_ids
    assert len(run["results"]) == len(result.findings)
    for item in run["results"]:
        assert item["ruleId"] in rule_ids
        assert run["tool"]["driver"]["rules"][item["ruleIndex"]]["id"] == item["ruleId"]
        location = item["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"]
        assert location["region"]["startLine"] >= 1


def test_github_report_is_one_annotation_per_finding(result) -> None:
    lines = render(result, "github").splitlines()
    assert len(lines) == len(result.findings)
    assert lines[0].startswith("::error file=auth_service/core/secrets.py,line=4,col=")
    assert all("::" in line.split("title=", 1)[1] for line in lines)


def test_human_report_groups_by_file_with_the_source_line(result) -> None:
    text = render(result, "human")
    assert "backend/app/auth.py\n" in text
    assert "| from auth_service.core.token_validator import TokenValidator" in text
    assert f"{len(result.findings)} finding(s)" in text


@pytest.mark.parametrize("fmt", ["human", "json", "sarif", "github"])
def test_reports_never_show_a_hard_coded_secret(tmp_path, fmt: str) -> None:
    canary = "CANARY-5f0e1d"
    (tmp_path / "leak.py").write_text(
        "import os\n"
        f'os.environ["SERVICE_SECRET"] = "{canary}"\n'
        f"token = os.getenv('API_TOKEN', '{canary}')\n"
        f'DB = os.environ.get("DATABASE_URL", "postgresql://app:{canary}@db/app")\n'
        f'PW = os.getenv("DB_PASSWORD", default="{canary}")\n'
        f'JWT = os.environ.get("JWT_SECRET", default="{canary}")\n'
        f'K = os.getenv(key="AUTH_TOKEN", default="{canary}")\n'
    )
    result = run_check(tmp_path)
    assert len(result.findings) >= 6
    output = render(result, fmt)
    assert canary not in output
    assert "SERVICE_SECRET" in output


def test_sarif_help_uri_is_absolute(result) -> None:
    from urllib.parse import urlparse

    rules = json.loads(render(result, "sarif"))["runs"][0]["tool"]["driver"]["rules"]
    for rule in rules:
        parsed = urlparse(rule["helpUri"])
        assert parsed.scheme == "https"
        assert parsed.netloc
        assert rule["id"].lower() in parsed.fragment


def test_reports_carry_notes(tmp_path) -> None:
    from confwarden.checker import CheckResult

    result = CheckResult(root=str(tmp_path), notes=["2 file(s) skipped: because"])
    assert "note: 2 file(s) skipped" in render(result, "human")
    assert json.loads(render(result, "json"))["notes"] == ["2 file(s) skipped: because"]
    sarif = json.loads(render(result, "sarif"))
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes == [{"level": "note", "message": {"text": "2 file(s) skipped: because"}}]
    assert "::notice title=confwarden::2 file(s) skipped" in render(result, "github")
