"""llm.key_format: Anthropic, OpenAI and Gemini keys have their provider's shape."""

from __future__ import annotations

import pytest

from confwarden.config.validation import ValidationContext
from confwarden.environment.detection import Environment
from confwarden.presets.agent_platform import LlmKeyFormatRule

ANTHROPIC = "sk-ant-api03-" + "a1B2c3D4e5" * 4
OPENAI = "sk-proj-" + "Z9y8X7w6V5" * 4
GEMINI = "AIza" + "S" * 35


def _messages(variables: dict[str, str]) -> list[str]:
    ctx = ValidationContext.from_variables(Environment.PRODUCTION, variables)
    return [f"{p.variable}: {p.message}" for p in LlmKeyFormatRule().check(ctx)]


def test_llm_rule_accepts_well_formed_keys() -> None:
    variables = {"ANTHROPIC_API_KEY": ANTHROPIC, "OPENAI_API_KEY": OPENAI, "GEMINI_API_KEY": GEMINI}
    assert _messages(variables) == []


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("ANTHROPIC_API_KEY", OPENAI, "looks like an OpenAI key"),
        ("OPENAI_API_KEY", ANTHROPIC, "looks like an Anthropic key"),
        ("GEMINI_API_KEY", OPENAI, "looks like an OpenAI key"),
        ("OPENAI_API_KEY", OPENAI + "\n", "whitespace"),
        ("ANTHROPIC_API_KEY", "your-anthropic-key", "placeholder"),
        ("ANTHROPIC_API_KEY", "sk-ant-short", "expected format"),
        ("GOOGLE_API_KEY", "AIza-too-short", "expected format"),
    ],
)
def test_llm_rule_reports_malformed_key_without_value(
    variable: str, value: str, expected: str
) -> None:
    (message,) = _messages({variable: value})
    assert expected in message
    assert value.strip() not in message


def test_llm_rule_ignores_unset_and_empty_keys() -> None:
    assert _messages({"OPENAI_API_KEY": ""}) == []


def test_llm_rule_malformed_key_message_has_no_length() -> None:
    # A refused secret's length narrows a brute-force search (issue 10 item 7).
    (message,) = _messages({"ANTHROPIC_API_KEY": "sk-ant-short"})
    assert "characters" not in message
    assert "12" not in message
