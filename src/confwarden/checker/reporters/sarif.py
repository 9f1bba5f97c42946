"""The SARIF 2.1.0 report, for GitHub code scanning and other SARIF consumers."""

from __future__ import annotations

import json

from confwarden.checker.findings import CheckResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
VERSION = "2.1.0"


def render(result: CheckResult) -> str:
    """One run with the rule catalogue in ``tool.driver.rules`` and one result per finding."""
    from confwarden.checker.engine import CHECKER_VERSION

    rules = list(result.rules)
    index = {rule.code: i for i, rule in enumerate(rules)}
    levels = {rule.code: rule.level for rule in rules}
    results = []
    for finding in result.findings:
        item: dict[str, object] = {
            "ruleId": finding.code,
            "level": levels.get(finding.code, "error"),
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": max(finding.line, 1),
                            "startColumn": max(finding.column, 1),
                        },
                    }
                }
            ],
        }
        if finding.code in index:
            item["ruleIndex"] = index[finding.code]
        results.append(item)
    notifications = [
        {"level": "warning", "message": {"text": warning}} for warning in result.warnings
    ] + [{"level": "note", "message": {"text": note}} for note in result.notes]
    run: dict[str, object] = {
        "tool": {
            "driver": {
                "name": "confwarden",
                "version": CHECKER_VERSION,
                "informationUri": "https://pypi.org/project/confwarden/",
                "rules": [
                    {
                        "id": rule.code,
                        "name": rule.name,
                        "shortDescription": {"text": rule.summary},
                        "helpUri": rule.help_uri,
                        "defaultConfiguration": {"level": rule.level},
                    }
                    for rule in rules
                ],
            }
        },
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "originalUriBaseIds": {"%SRCROOT%": {"uri": f"file://{result.root}/"}},
        "results": results,
    }
    return json.dumps({"$schema": SCHEMA, "version": VERSION, "runs": [run]}, indent=2)
