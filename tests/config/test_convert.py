"""Conversion without pydantic (issue 9 item 11): results and messages of pydantic's lax mode."""

from __future__ import annotations

import enum
import pickle
import typing
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic import SecretStr as PydanticSecretStr

from confwarden.config.convert import ConversionError, SecretStr, compile_converter


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


CASES: list[tuple[Any, Any]] = [
    (str, "x"),
    (int, " 42 "),
    (int, "4.0"),
    (int, 7),
    (float, "1.5"),
    (float, "-2"),
    (bool, "true"),
    (bool, "OFF"),
    (bool, "1"),
    (bool, True),
    (Path, "/etc/app"),
    (Literal["debug", "info"], "info"),
    (Color, "blue"),
    (list[str], ["a", "b"]),
    (list[int], ["1", "2"]),
    (int | None, None),
    (int | None, "5"),
    (typing.Optional[bool], "yes"),  # noqa: UP045 - the spelling users still write
]

BAD: list[tuple[Any, Any]] = [
    (int, "abc"),
    (int, "4.5"),
    (float, "fast"),
    (bool, "maybe"),
    (str, 5),
    (Literal["debug", "info"], "trace"),
    (Color, "green"),
    (list[int], ["1", "x"]),
    (list[str], "a,b"),
]


@pytest.mark.parametrize(("annotation", "value"), CASES)
def test_convert_matches_pydantic(annotation: Any, value: Any) -> None:
    converter = compile_converter(annotation)
    assert converter is not None
    assert converter(value) == TypeAdapter(annotation).validate_python(value)


@pytest.mark.parametrize(("annotation", "value"), BAD)
def test_convert_rejects_what_pydantic_rejects_with_its_message(
    annotation: Any, value: Any
) -> None:
    converter = compile_converter(annotation)
    assert converter is not None
    with pytest.raises(ConversionError) as ours:
        converter(value)
    with pytest.raises(ValidationError) as theirs:
        TypeAdapter(annotation).validate_python(value)
    message = theirs.value.errors()[0]["msg"]
    assert ours.value.message.split(": ")[-1] == message


@pytest.mark.parametrize(
    "annotation",
    [dict[str, int], int | str, BaseModel, typing.Annotated[int, "constraint"], list[bytes]],
)
def test_convert_leaves_other_types_to_pydantic(annotation: Any) -> None:
    assert compile_converter(annotation) is None


def test_convert_secretstr_never_shows_and_works_in_pydantic_models() -> None:
    secret = SecretStr("s3cret")
    assert "s3cret" not in repr(secret) + str(secret)
    assert pickle.loads(pickle.dumps(secret)) == secret

    class Model(BaseModel):
        key: SecretStr

    model = Model(key="s3cret")  # type: ignore[arg-type]
    assert model.key.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(model)
    assert Model.model_json_schema()["properties"]["key"]["format"] == "password"


def test_convert_pydantic_secretstr_is_kept_as_pydantics() -> None:
    converter = compile_converter(PydanticSecretStr)
    assert converter is not None
    value = converter("s3cret")
    assert isinstance(value, PydanticSecretStr)
    assert value.get_secret_value() == "s3cret"


@pytest.mark.parametrize(
    ("annotation", "value"),
    [(int, "1_000"), (int, "+5"), (int, " 7 "), (float, "1_0.5"), (float, " 2.5 "),
     (float, "1e3"), (float, "infinity"), (bool, "TRUE"), (int, "4.00")],
)  # fmt: skip
def test_convert_edge_spellings_match_pydantic(annotation: Any, value: str) -> None:
    converter = compile_converter(annotation)
    assert converter is not None
    assert converter(value) == TypeAdapter(annotation).validate_python(value)


@pytest.mark.parametrize(
    ("annotation", "value"), [(bool, " true "), (int, "1e3"), (int, "\u0663"), (float, "\u0663")]
)
def test_convert_edge_spellings_pydantic_rejects_are_rejected(annotation: Any, value: str) -> None:
    converter = compile_converter(annotation)
    assert converter is not None
    with pytest.raises(ConversionError):
        converter(value)
    with pytest.raises(ValidationError):
        TypeAdapter(annotation).validate_python(value)
