"""Type conversion of the common field types without pydantic: a fast cold start.

Importing pydantic and building a model costs a fresh process more than everything else
confwarden does to load a configuration (pydantic's import chain, ``importlib.metadata``
pulled in by its plugin loader, schema generation at class creation). Most service schemas
need none of it: strings, numbers, flags, secrets, a choice of values, a list, a path.

:func:`compile_converter` turns such an annotation into a small function; a schema whose
fields all have one never imports pydantic. Any other annotation (validators, nested models,
constrained or custom types) returns None, and the schema keeps pydantic for every field.
The conversions follow pydantic's lax mode for the same types, and the messages are
pydantic's, so a schema behaves the same on either path.

:class:`SecretStr` is confwarden's secret string (pydantic's ``SecretStr`` works too, at the
price of importing pydantic): masked in ``repr`` and ``str``, usable in pydantic models.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal, Union

__all__ = ["ConversionError", "Converter", "SecretStr", "compile_converter", "is_secret_type"]

Converter = Callable[[Any], Any]

_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


class SecretStr:
    """A string that never shows itself: ``repr`` and ``str`` print ``**********``.

    Use it for every sensitive field; read the value with :meth:`get_secret_value` where it
    is needed (a driver, a signature). It works in pydantic models too.

    Example:
        >>> key = SecretStr("s3cret")
        >>> key, str(key), key.get_secret_value()
        (SecretStr('**********'), '**********', 's3cret')
    """

    __slots__ = ("_secret_value",)

    def __init__(self, secret_value: str) -> None:
        self._secret_value = secret_value

    def get_secret_value(self) -> str:
        """The secret itself (never log or print it)."""
        return self._secret_value

    def __repr__(self) -> str:
        return "SecretStr('**********')" if self._secret_value else "SecretStr('')"

    def __str__(self) -> str:
        return "**********" if self._secret_value else ""

    def __len__(self) -> int:
        return len(self._secret_value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretStr) and other._secret_value == self._secret_value

    def __hash__(self) -> int:
        return hash(self._secret_value)

    def __reduce__(self) -> tuple[Any, ...]:
        return (SecretStr, (self._secret_value,))

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(
            _to_secret,
            serialization=core_schema.plain_serializer_function_ser_schema(str, when_used="json"),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> dict[str, Any]:
        return {"type": "string", "format": "password", "writeOnly": True}


class ConversionError(ValueError):
    """A value that cannot be converted; ``kind`` is pydantic's error type for the same case."""

    def __init__(self, kind: str, message: str, expected: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.expected = expected


def is_secret_type(annotation: Any) -> bool:
    """True for confwarden's or pydantic's ``SecretStr`` (duck-typed: no pydantic import)."""
    return isinstance(annotation, type) and hasattr(annotation, "get_secret_value")


def _to_secret(value: Any) -> SecretStr:
    if type(value) is str:
        return SecretStr(value)
    if isinstance(value, SecretStr):
        return value
    if isinstance(value, str):
        return SecretStr(value)
    if hasattr(value, "get_secret_value"):
        return SecretStr(value.get_secret_value())
    raise ConversionError("string_type", "Input should be a valid string")


def _to_str(value: Any) -> str:
    if type(value) is str or isinstance(value, str):
        return value
    raise ConversionError("string_type", "Input should be a valid string")


_INT_PARSING = "Input should be a valid integer, unable to parse string as an integer"


def _to_int(value: Any) -> int:
    # The hot path first: variables are strings. Only ASCII digits (int() would take "٣").
    if type(value) is str and value.isascii():
        try:
            return int(value)
        except ValueError:
            text = value.strip()
            head, dot, tail = text.partition(".")
            if dot and head.lstrip("+-").isdigit() and not tail.strip("0"):
                return int(head)  # "4.0", as pydantic
            raise ConversionError("int_parsing", _INT_PARSING) from None
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        raise ConversionError("int_parsing", _INT_PARSING)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ConversionError("int_type", "Input should be a valid integer")


_FLOAT_PARSING = "Input should be a valid number, unable to parse string as a number"


def _to_float(value: Any) -> float:
    if type(value) is str and value.isascii():
        try:
            return float(value)
        except ValueError:
            raise ConversionError("float_parsing", _FLOAT_PARSING) from None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        raise ConversionError("float_parsing", _FLOAT_PARSING)
    raise ConversionError("float_type", "Input should be a valid number")


_BOOLS = {text: True for text in _TRUE} | {text: False for text in _FALSE}


def _to_bool(value: Any) -> bool:
    if type(value) is str:
        result = _BOOLS.get(value)
        if result is None:
            result = _BOOLS.get(value.lower())
        if result is not None:
            return result
        raise ConversionError(
            "bool_parsing", "Input should be a valid boolean, unable to interpret input"
        )
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ConversionError("bool_type", "Input should be a valid boolean")


def _to_path(value: Any) -> Path:
    if isinstance(value, Path):
        return value
    if isinstance(value, str):
        return Path(value)
    raise ConversionError("path_type", "Input is not a valid path")


def _choices(values: tuple[Any, ...]) -> str:
    shown = [repr(v) for v in values]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"


def _literal(values: tuple[Any, ...]) -> Converter | None:
    if not values or not all(type(v) is str for v in values):
        return None
    allowed = frozenset(values)
    expected = _choices(values)

    def convert(value: Any) -> Any:
        if isinstance(value, str) and value in allowed:
            return value
        raise ConversionError("literal_error", f"Input should be {expected}", expected)

    return convert


def _enum(cls: type[enum.Enum]) -> Converter | None:
    members = list(cls)
    if not members or not all(type(m.value) is str for m in members):
        return None
    by_value = {m.value: m for m in members}
    expected = _choices(tuple(by_value))

    def convert(value: Any) -> Any:
        if isinstance(value, cls):
            return value
        member = by_value.get(value) if isinstance(value, str) else None
        if member is None:
            raise ConversionError("enum", f"Input should be {expected}", expected)
        return member

    return convert


_SIMPLE: dict[Any, Converter] = {
    str: _to_str,
    int: _to_int,
    float: _to_float,
    bool: _to_bool,
    Path: _to_path,
}


def _list(item: Converter) -> Converter:
    def convert(value: Any) -> list[Any]:
        if not isinstance(value, list | tuple):
            raise ConversionError("list_type", "Input should be a valid list")
        result = []
        for index, element in enumerate(value):
            try:
                result.append(item(element))
            except ConversionError as exc:
                raise ConversionError(exc.kind, f"item {index}: {exc.message}") from None
        return result

    return convert


def _optional(inner: Converter) -> Converter:
    def convert(value: Any) -> Any:
        return None if value is None else inner(value)

    convert.__wrapped__ = inner  # type: ignore[attr-defined]  # the schema's loop unwraps it
    return convert


def compile_converter(annotation: Any, *, marker: type | None = None) -> Converter | None:
    """The converter of ``annotation``, or None when it needs pydantic.

    Args:
        annotation: a field annotation, possibly ``Annotated[..., Env(...)]``.
        marker: metadata of this class inside ``Annotated`` is ignored (confwarden's ``Env``);
            any other metadata (validators, constraints) needs pydantic.

    Example:
        >>> compile_converter(int)(" 42 ")
        42
        >>> compile_converter(list[int])(["1", "2"])
        [1, 2]
        >>> compile_converter(typing.Annotated[int, "a constraint"]) is None
        True
    """
    if typing.get_origin(annotation) is Annotated:
        if any(marker is None or not isinstance(m, marker) for m in annotation.__metadata__):
            return None
        annotation = typing.get_args(annotation)[0]
    simple = _SIMPLE.get(annotation)
    if simple is not None:
        return simple
    if is_secret_type(annotation):
        if annotation is SecretStr:
            return _to_secret
        if annotation.__module__.startswith("pydantic"):
            return _pydantic_secret(annotation)
        return None
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return _literal(typing.get_args(annotation))
    if origin is Union or origin is types.UnionType:
        members = typing.get_args(annotation)
        others = [m for m in members if m is not type(None)]
        if len(others) != 1 or len(members) != 2:
            return None
        inner = compile_converter(others[0], marker=marker)
        return None if inner is None else _optional(inner)
    if origin is list:
        (item_type,) = typing.get_args(annotation) or (str,)
        item = _SIMPLE.get(item_type)
        return None if item is None else _list(item)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _enum(annotation)
    return None


def _pydantic_secret(cls: type[Any]) -> Converter:
    def convert(value: Any) -> Any:
        if type(value) is str:
            return cls(value)
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            return cls(value)
        raise ConversionError("string_type", "Input should be a valid string")

    return convert
