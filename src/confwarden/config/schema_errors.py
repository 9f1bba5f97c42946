"""What a configuration class says when values cannot be converted, with no secret in it.

pydantic's messages never quote the input (``hide_input``), but a validator of the schema
writes its own message and may quote the value (``ValueError(f"invalid key {v!r}")``). The
loader and direct construction (``MyConfig(...)``, ``config.replace(...)``) mask such
messages the same way: a sensitive field's validator message is dropped, any other is
masked against its own value and every secret of the input. Kept apart from
:mod:`confwarden.config.schema` so that the class reads as the class.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from confwarden.config.binding import pydantic_model
from confwarden.environment.masking import mask_text
from confwarden.environment.secret_values import secrets_of

if TYPE_CHECKING:
    from confwarden.config.schema import ConfigSchema

__all__ = [
    "HIDDEN_MESSAGE",
    "VALIDATOR_ERRORS",
    "FieldError",
    "convert_with_pydantic",
    "masked_errors",
    "revealed",
    "validation_error",
]

FieldError = tuple[str, str, str, str | None]
"""A conversion failure: (field name, pydantic error type, message, expected choices)."""


def revealed(value: Any) -> Any:
    if hasattr(value, "get_secret_value"):
        return value.get_secret_value()
    if isinstance(value, list | tuple):
        return type(value)(revealed(item) for item in value)
    return value


def convert_with_pydantic(
    cls: type[ConfigSchema], data: Mapping[str, Any]
) -> tuple[dict[str, Any], list[FieldError]]:
    from pydantic import ValidationError

    model = pydantic_model(cls)
    try:
        return dict(model.model_validate(data).__dict__), []
    except ValidationError as exc:
        details = exc.errors(include_url=False, include_input=False, include_context=False)
    errors: list[FieldError] = []
    for detail in details:
        location = detail["loc"]
        name = str(location[0]) if location else ""
        path = ".".join(str(part) for part in location[1:])
        message = f"{path}: {detail['msg']}" if path else detail["msg"]
        errors.append((name, detail["type"], message, None))
    failed = {error[0] for error in errors}
    # The fields that did convert: validate them alone (defaults for the failed ones).
    remaining = {key: value for key, value in data.items() if key not in failed}
    try:
        converted = dict(model.model_validate(remaining).__dict__)
    except ValidationError:
        converted = {}  # a failed field has no default: no config can be built
    return converted, errors


VALIDATOR_ERRORS = frozenset({"value_error", "assertion_error"})
"""Error kinds whose message a validator of the schema wrote (it may quote the value)."""
HIDDEN_MESSAGE = "its validator rejected it (the message is hidden: the value is a secret)"


def masked_errors(
    cls: type[ConfigSchema], errors: list[FieldError], data: Mapping[str, Any]
) -> list[FieldError]:
    """``errors`` with no secret of ``data`` in their messages, as the loader shows them.

    A sensitive field's validator message is dropped; every other message is masked against
    its own field's value, the sensitive fields' values and the secrets inside every value.
    """
    sensitive = {spec.name for spec in cls.__confwarden_fields__ if spec.sensitive}
    strings = {
        name: value
        for name, value in ((n, revealed(v)) for n, v in data.items())
        if isinstance(value, str)
    }
    known = secrets_of(strings, sensitive.__contains__)
    masked: list[FieldError] = []
    for name, kind, message, expected in errors:
        shown = message
        if kind in VALIDATOR_ERRORS:
            if name in sensitive:
                shown = HIDDEN_MESSAGE
            else:
                shown = mask_text(message, [*known, strings.get(name)])
        masked.append((name, kind, shown, expected))
    return masked


def validation_error(cls: type[ConfigSchema], errors: list[FieldError]) -> Exception:
    """The pydantic ``ValidationError`` of ``errors`` (pydantic_core loads only here)."""
    from pydantic_core import ValidationError

    line_errors: list[Any] = []
    for name, kind, message, expected in errors:
        if kind in ("literal_error", "enum"):
            line_errors.append(
                {"type": "literal_error", "loc": (name,), "input": None,
                 "ctx": {"expected": expected or "a listed value"}}
            )  # fmt: skip
        elif kind in _PYDANTIC_TYPES:
            line_errors.append({"type": kind, "loc": (name,), "input": None})
        else:
            line_errors.append(
                {"type": "value_error", "loc": (name,), "input": None,
                 "ctx": {"error": ValueError(message.removeprefix("Value error, "))}}
            )  # fmt: skip
    return ValidationError.from_exception_data(cls.__name__, line_errors, hide_input=True)


_PYDANTIC_TYPES = frozenset(
    {
        "bool_parsing", "bool_type", "float_parsing", "float_type", "int_parsing",
        "int_type", "list_type", "missing", "path_type", "string_type",
    }
)  # fmt: skip
