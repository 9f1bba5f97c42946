"""LLM API key formats: catch the key pasted into the wrong variable before the first call.

A rule family of the opt-in ``agent_platform`` preset (its schemas register it).

spec/003 "Validation Rules" 3, API key format validation. Anthropic, OpenAI and Gemini keys
have recognisable shapes; an OpenAI key in ``ANTHROPIC_API_KEY``, a key with a trailing
newline or a ``your-api-key-here`` placeholder fails only at the first request, far from the
deployment that caused it. Messages describe the expected shape, never the key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from confwarden.components.weak_secrets import placeholder_reason
from confwarden.config.spec import Problem
from confwarden.config.validation.base import Rule, ValidationContext, iter_set

__all__ = ["LLM_KEYS", "KeyFormat", "LlmKeyFormatRule"]


@dataclass(frozen=True, slots=True)
class KeyFormat:
    """The shape of one provider's API key.

    Attributes:
        provider: the provider's name, for messages.
        variables: the variables holding it.
        pattern: what a well-formed key matches.
        prefix: the prefix every key of the provider starts with.
        shape: the shape in words (safe to show: it describes every key, not this one).
        wrong_prefixes: prefixes of other providers' keys, with the provider's name.
    """

    provider: str
    variables: tuple[str, ...]
    pattern: re.Pattern[str]
    prefix: str
    shape: str
    wrong_prefixes: tuple[tuple[str, str], ...] = ()


LLM_KEYS: tuple[KeyFormat, ...] = (
    KeyFormat(
        "Anthropic",
        ("ANTHROPIC_API_KEY",),
        re.compile(r"sk-ant-[A-Za-z0-9_\-]{20,}"),
        "sk-ant-",
        "starts with 'sk-ant-' followed by at least 20 letters, digits, '-' or '_'",
        (("AIza", "Gemini"), ("sk-", "OpenAI")),
    ),
    KeyFormat(
        "OpenAI",
        ("OPENAI_API_KEY",),
        re.compile(r"sk-(?!ant-)[A-Za-z0-9_\-]{20,}"),
        "sk-",
        "starts with 'sk-' (or 'sk-proj-') followed by at least 20 letters, digits, '-' or '_'",
        (("sk-ant-", "Anthropic"), ("AIza", "Gemini")),
    ),
    KeyFormat(
        "Gemini",
        ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
        re.compile(r"AIza[A-Za-z0-9_\-]{35}"),
        "AIza",
        "starts with 'AIza' and is 39 characters long",
        (("sk-ant-", "Anthropic"), ("sk-", "OpenAI")),
    ),
)


class LlmKeyFormatRule(Rule):
    """An LLM API key does not have its provider's shape."""

    code = "llm.key_format"
    description = "Anthropic, OpenAI and Gemini keys have their provider's format."

    def check(self, ctx: ValidationContext) -> Iterator[Problem]:
        """Yield one problem per malformed key."""
        for key_format in LLM_KEYS:
            for variable, raw in iter_set(ctx, key_format.variables):
                reason = _shape_problem(key_format, raw)
                if reason is not None:
                    yield self.problem(
                        ctx,
                        variable,
                        f"{reason} (value not shown); a {key_format.provider} key "
                        f"{key_format.shape}",
                        f"Copy the {key_format.provider} key again from the provider's "
                        f"console into {variable}, without quotes or spaces",
                    )


def _shape_problem(key_format: KeyFormat, raw: str) -> str | None:
    if raw != raw.strip():
        return "has leading or trailing whitespace"
    placeholder = placeholder_reason(raw)
    if placeholder is not None or "your" in raw.lower():
        return placeholder or "looks like a placeholder"
    if key_format.pattern.fullmatch(raw):
        return None
    own = key_format.prefix
    for prefix, provider in key_format.wrong_prefixes:
        # "sk-ant-" is another provider's for OpenAI although it starts with OpenAI's "sk-".
        if raw.startswith(prefix) and (not raw.startswith(own) or len(prefix) > len(own)):
            article = "an" if provider[0] in "AEIOU" else "a"
            return f"looks like {article} {provider} key"
    if any(c.isspace() for c in raw):
        return "contains whitespace"
    # Never the length: it narrows a brute-force search of a refused secret.
    return "does not have the expected format (value not shown)"
