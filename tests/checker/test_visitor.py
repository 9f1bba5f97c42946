"""The single pass: parse failures become facts, deep nesting does not recurse."""

from __future__ import annotations

from confwarden.checker.visitor import analyze_source


def test_analyze_source_syntax_error_is_a_fact() -> None:
    facts = analyze_source(b"def broken(:\n    pass\n")
    assert facts.error is not None
    assert facts.error.line == 1


def test_analyze_source_null_bytes_are_a_fact() -> None:
    facts = analyze_source(b"x = 1\x00\n")
    assert facts.error is not None


def test_analyze_source_deep_nesting_does_not_crash() -> None:
    # Deep enough to defeat a recursive visitor, still within what CPython's parser accepts.
    expr = "(" * 90 + "os.environ['DEEP']" + ")" * 90
    body = "".join("    " * i + "if x:\n" for i in range(90)) + "    " * 90 + f"y = {expr}\n"
    facts = analyze_source(("import os\n" + body).encode())
    assert facts.error is None
    assert [a.name for a in facts.env] == ["DEEP"]


def test_analyze_source_too_deep_for_the_parser_is_a_fact() -> None:
    facts = analyze_source(("x = " + "[" * 10_000 + "]" * 10_000 + "\n").encode())
    assert facts.error is not None


def test_analyze_source_relative_imports_are_absolute() -> None:
    facts = analyze_source(
        b"from . import a\nfrom ..b import c\n", module="pkg.sub.mod", is_package=False
    )
    assert [i.module for i in facts.imports] == ["pkg.sub", "pkg.b"]


def test_analyze_source_suppression_in_a_string_is_ignored() -> None:
    facts = analyze_source(b'text = "# confwarden: ignore[CW101]"\nx = 1  # confwarden: ignore\n')
    assert [(s.line, s.codes) for s in facts.suppressions] == [(2, ())]


_IMPORTS_ONLY = b"""
import json
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from auth_service import models
else:
    import fallback
try:
    import fast
except ImportError:
    from . import slow
def f():
    import inner
    class C:
        def g(self):
            from pkg import deep
match x:
    case 1:
        import in_case
"""


def test_analyze_source_statement_walk_finds_the_same_imports() -> None:
    cheap = analyze_source(_IMPORTS_ONLY, module="pkg.mod")
    full = analyze_source(_IMPORTS_ONLY + b"\nimport os\nos.environ\n", module="pkg.mod")
    assert full.env  # the second one took the full walk
    assert cheap.imports == full.imports[: len(cheap.imports)]
    assert [(i.module, i.kind) for i in cheap.imports] == [
        ("json", ""),
        ("typing", ""),
        ("auth_service", "type_checking"),
        ("fallback", ""),
        ("fast", "guarded"),
        ("pkg", ""),
        ("inner", "function"),
        ("pkg", "function"),
        ("in_case", ""),
    ]


def test_analyze_source_travelled_messages_use_user_words() -> None:
    source = (
        b"from confwarden import get_env\nNAMES = {'a': 'A_VAR'}\nP = 'X'\n"
        b"get_env().get(NAMES['a'])\nget_env().get(f'{P}_Y')\nget_env().get(P + '_Z')\n"
    )
    facts = analyze_source(source)
    shown = sorted((a.name, a.indirect) for a in facts.env if a.indirect)
    assert shown == [
        ("A_VAR", "through a lookup in `NAMES`"),
        ("X_Y", "through an f-string"),
        ("X_Z", "through a string concatenation"),
    ]
