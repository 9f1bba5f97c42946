"""Which 3.11 syntax errors can be 3.12 syntax (issue 12, CW000 under a newer target)."""

from __future__ import annotations

import ast
import sys

import pytest

from confwarden.checker.newer_syntax import newer_construct

pytestmark = pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="the shapes are the errors of Python 3.11"
)


def _error(source: str) -> tuple[str, int]:
    with pytest.raises(SyntaxError) as caught:
        ast.parse(source)
    return caught.value.msg, caught.value.lineno or 1


@pytest.mark.parametrize(
    "source",
    [
        'x = f"{d["a"]}"\n',
        "x = f'{d['a']}'\n",
        'x = f"{"\\n".join(a)}"\n',
        'x = f"""{\n  a  # comment\n}"""\n',
        'y = 1\nx = f"{y:{"a"}}"\n',
        "x = (\n  1,\n  f'{d['a']}',\n)\n",
        "type Pair = tuple[int, int]\n",
        "type Box[T] = list[T]\n",
        "def first[T](items: list[T]) -> T:\n    return items[0]\n",
        "class Box[T]:\n    pass\n",
        "async def f[T]() -> None:\n    pass\n",
    ],
)
def test_newer_construct_recognises_python_312_syntax(source: str) -> None:
    message, line = _error(source)
    assert newer_construct(message, source.encode(), line)


@pytest.mark.parametrize(
    "source",
    [
        "def f(:\n    pass\n",
        "x = (1,\n",
        "if True\n    pass\n",
        'x = f"{}"\n',
        'x = f"}"\n',
        'x = f"{a!z}"\n',
        "class C(:\n    pass\n",
        "type = 3 +\n",
        "print 'x'\n",
    ],
)
def test_newer_construct_does_not_excuse_a_real_syntax_error(source: str) -> None:
    message, line = _error(source)
    assert newer_construct(message, source.encode(), line) == ""
