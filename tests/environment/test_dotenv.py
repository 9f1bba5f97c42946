"""Unit tests of the .env parser: syntax, interpolation, line numbers, problems, secrecy."""

from __future__ import annotations

from pathlib import Path

import pytest

from confwarden.environment.dotenv import (
    MAX_VALUE_CHARS,
    DotenvEntry,
    DotenvResult,
    parse_dotenv,
    read_dotenv,
)
from confwarden.errors import DotenvError, DotenvProblem

CANARY = "CANARY-5f0e1d"


def values(text: str, **kwargs: object) -> dict[str, str]:
    return parse_dotenv(text, **kwargs).as_dict()  # type: ignore[arg-type]


def lenient(text: str, **kwargs: object) -> DotenvResult:
    return parse_dotenv(text, strict=False, **kwargs)  # type: ignore[arg-type]


# --- syntax -------------------------------------------------------------------------------


def test_parse_dotenv_unquoted_values_are_stripped() -> None:
    assert values("A=1\nB =  two words  \nC=\n") == {"A": "1", "B": "two words", "C": ""}


def test_parse_dotenv_export_prefix_is_ignored() -> None:
    assert values("export A=1\nexport\tB = 2\nexport=3\n") == {"A": "1", "B": "2", "export": "3"}


def test_parse_dotenv_single_quotes_keep_content_literal() -> None:
    assert values("A='  x # y \\n $(z) '\n") == {"A": "  x # y \\n $(z) "}


def test_parse_dotenv_single_quotes_decode_only_quote_and_backslash() -> None:
    assert values(r"A='it\'s \\ \t'") == {"A": "it's \\ \\t"}


def test_parse_dotenv_double_quotes_decode_python_dotenv_escapes() -> None:
    text = r'A="q\" b\\ n\n t\t r\r a\a b\b f\f v\v s\' x\x u\u0041"'
    assert values(text) == {"A": "q\" b\\ n\n t\t r\r a\a b\b f\f v\v s' x\\x u\\u0041"}


def test_parse_dotenv_quoted_key() -> None:
    assert values("'A'=1\n") == {"A": "1"}


def test_parse_dotenv_multiline_quoted_values() -> None:
    text = "A=\"line1\nline2\"\nB='x\n\ny'\nC=3\n"
    assert values(text) == {"A": "line1\nline2", "B": "x\n\ny", "C": "3"}


def test_parse_dotenv_multiline_values_shift_line_numbers() -> None:
    text = "A=\"1\n2\n3\"\n\n# comment\nB=x\r\nC='a\r\nb'\r\nD=y\n"
    entries = parse_dotenv(text).entries
    assert [(e.key, e.line) for e in entries] == [("A", 1), ("B", 6), ("C", 7), ("D", 9)]


def test_parse_dotenv_comments_and_blank_lines() -> None:
    text = '# full line\n\n   \n  # indented\nA=1 # inline\nB=a#b\nC= #only comment\nD="x"# c\n'
    assert values(text) == {"A": "1", "B": "a#b", "C": "", "D": "x"}


def test_parse_dotenv_hash_without_space_is_part_of_value() -> None:
    assert values("A=#notacomment\nB=x\t# c\nC=# #c\n") == {"A": "#notacomment", "B": "x", "C": "#"}


def test_parse_dotenv_repeated_key_last_wins_and_entries_keep_all() -> None:
    result = parse_dotenv("A=1\nA=2\n")
    assert [(e.key, e.value) for e in result.entries] == [("A", "1"), ("A", "2")]
    assert result.as_dict() == {"A": "2"}


def test_parse_dotenv_strips_bom_and_handles_missing_final_newline() -> None:
    assert values("\ufeffA=1\nB='2'") == {"A": "1", "B": "2"}


def test_parse_dotenv_empty_text() -> None:
    result = parse_dotenv("")
    assert result.entries == ()
    assert result.problems == ()
    assert result.path == "<string>"


def test_parse_dotenv_never_executes_commands() -> None:
    assert values('A=$(touch /tmp/x)\nB=`id`\nC="$(id) `id`"\n') == {
        "A": "$(touch /tmp/x)",
        "B": "`id`",
        "C": "$(id) `id`",
    }


# --- interpolation ------------------------------------------------------------------------


def test_parse_dotenv_interpolates_earlier_keys() -> None:
    text = 'HOST=db\nURL=pg://${HOST}/x\nQ="${URL}?a"\n'
    assert values(text) == {"HOST": "db", "URL": "pg://db/x", "Q": "pg://db/x?a"}


def test_parse_dotenv_interpolation_default_and_missing() -> None:
    text = "A=${NOPE:-fallback}\nB=${NOPE}\nC=${A:-unused}\n"
    assert values(text) == {"A": "fallback", "B": "", "C": "fallback"}


def test_parse_dotenv_interpolation_file_wins_over_environ() -> None:
    env = {"A": "from-env", "B": "env-b"}
    assert values("A=file\nX=${A}-${B}\n", environ=env) == {"A": "file", "X": "file-env-b"}


def test_parse_dotenv_interpolation_sees_only_earlier_lines() -> None:
    env = {"LATER": "env"}
    assert values("X=${LATER}\nLATER=file\n", environ=env) == {"X": "env", "LATER": "file"}


def test_parse_dotenv_interpolation_uses_latest_earlier_assignment() -> None:
    assert values("A=1\nA=${A}2\nB=${A}\n") == {"A": "12", "B": "12"}


def test_parse_dotenv_interpolation_empty_environ_value_beats_default() -> None:
    # python-dotenv (unlike bash) uses the default only when the name is unset.
    assert values("X=${E:-d}\n", environ={"E": ""}) == {"X": ""}


def test_parse_dotenv_interpolation_is_not_recursive() -> None:
    env = {"E": "${A}"}
    assert values("A=1\nX=${E}\n", environ=env) == {"A": "1", "X": "${A}"}


def test_parse_dotenv_interpolation_odd_forms_follow_python_dotenv() -> None:
    text = "X=$A ${A:B} ${A:-x:-y} ${} ${A-x} ${unclosed\n"
    assert values(text) == {"X": "$A ${A:B} x:-y   ${unclosed"}


def test_parse_dotenv_single_quoted_values_are_not_interpolated() -> None:
    assert values("A=1\nB='${A}'\n") == {"A": "1", "B": "${A}"}


def test_parse_dotenv_single_quoted_literal_is_what_later_lines_see() -> None:
    assert values("A='${X}'\nB=${A}\n", environ={"X": "no"}) == {"A": "${X}", "B": "${X}"}


def test_parse_dotenv_interpolate_false_keeps_references() -> None:
    assert values("A=1\nB=${A}\n", interpolate=False) == {"A": "1", "B": "${A}"}


def test_parse_dotenv_never_reads_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFWARDEN_DOTENV_PROBE", "leak")
    assert values("X=${CONFWARDEN_DOTENV_PROBE}\n") == {"X": ""}


def test_parse_dotenv_interpolation_is_linear_on_pathological_input() -> None:
    # "${" repeated without any "}" would make a naive rescan quadratic.
    text = "X=" + "${" * 200_000 + "\nY=" + "${:" * 100_000 + "}\n"
    result = parse_dotenv(text)
    assert result.as_dict()["X"] == "${" * 200_000


# --- problems -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("A=1\nBARE\n", 2, "missing '='"),
        ("A=1\n\nBARE # comment\n", 3, "missing '='"),
        ("NAME WITH=space\n", 1, "expected '=' after the variable name"),
        ("=value\n", 1, "missing variable name before '='"),
        ("export \n", 1, "missing variable name after 'export'"),
        ("export =1\n", 1, "missing variable name after 'export'"),
        ("A.B=1\n", 1, "invalid variable name"),
        ("1A=1\n", 1, "invalid variable name"),
        ("'A=1\n", 1, "unterminated or empty single-quoted variable name"),
        ('X=1\nA="open\nB=2\n', 2, "unterminated double quote starting here"),
        ("X=1\nA='open\n", 2, "unterminated single quote starting here"),
        ('A="x" y\n', 1, "unexpected text after the closing quote"),
    ],
)
def test_parse_dotenv_problem_kinds(text: str, line: int, fragment: str) -> None:
    result = lenient(text)
    assert [(p.line, fragment in p.message) for p in result.problems] == [(line, True)]
    with pytest.raises(DotenvError) as info:
        parse_dotenv(text, path="app/.env")
    assert f"app/.env:{line}: " in str(info.value)
    assert fragment in str(info.value)


def test_parse_dotenv_strict_lists_every_problem_at_once() -> None:
    text = "BARE\nA=1\n=x\nB='open\nC=3\nD.E=4\n"
    with pytest.raises(DotenvError) as info:
        parse_dotenv(text, path=".env")
    assert [p.line for p in info.value.problems] == [1, 3, 4, 6]
    assert all(isinstance(p, DotenvProblem) and p.path == ".env" for p in info.value.problems)


def test_parse_dotenv_lenient_skips_only_malformed_lines() -> None:
    result = lenient("BARE\nA=1\n=x\nB='open\nC=3\nD.E=4\nF=6\n")
    assert result.as_dict() == {"A": "1", "C": "3", "F": "6"}
    assert [p.line for p in result.problems] == [1, 3, 4, 6]


def test_parse_dotenv_invalid_name_consumes_its_multiline_value() -> None:
    result = lenient('A.B="x\nC=not-a-line"\nD=1\n')
    assert result.as_dict() == {"D": "1"}
    assert [p.line for p in result.problems] == [1]
    assert result.entries[0].line == 3


def test_parse_dotenv_skipped_key_is_not_interpolated() -> None:
    result = lenient("A.B=1\nBARE\nX=${BARE:-d}\n", environ={"BARE": "env"})
    assert result.as_dict() == {"X": "env"}


def test_parse_dotenv_problems_never_contain_the_value() -> None:
    texts = [
        f"BARE_{CANARY}\n",
        f"=={CANARY}\n",
        f"A.B={CANARY}\n",
        f'E="x" {CANARY}\n',
        f"F {CANARY}\n",
        f"export {CANARY} x\n",
        f'C="{CANARY}\n',
        f"D='{CANARY}\n",
        f"'{CANARY}=1\n",
    ]
    outputs: list[str] = []
    for text in texts:
        result = lenient(text)
        assert len(result.problems) == 1, text
        with pytest.raises(DotenvError) as info:
            parse_dotenv(text)
        outputs += [str(info.value), repr(info.value), str(result.problems), repr(result)]
    assert all("CANARY" not in out for out in outputs)


def test_dotenv_entry_repr_masks_secrets() -> None:
    result = parse_dotenv(f"API_TOKEN={CANARY}\nDB_URL=pg://u:{CANARY}@h/db\nLEVEL=INFO\n")
    shown = repr(result) + repr(result.entries) + str(result.entries[0])
    assert CANARY not in shown
    assert "INFO" in shown
    assert result.entries[0] == DotenvEntry("API_TOKEN", CANARY, 1)


# --- files --------------------------------------------------------------------------------


def test_read_dotenv_reads_file_with_path_in_problems(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(b'A=1\r\nB="x\r\ny"\r\nBARE\r\n')
    result = read_dotenv(path, strict=False)
    assert result.as_dict() == {"A": "1", "B": "x\ny"}
    assert str(result.problems[0]).startswith(f"{path}:4: missing '='")
    assert result.path == str(path)


def test_read_dotenv_passes_environ(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("X=${HOME_DIR}/app\n", encoding="utf-8")
    assert read_dotenv(path, environ={"HOME_DIR": "/h"}).as_dict() == {"X": "/h/app"}


def test_read_dotenv_reports_bad_encoding_by_line(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes(b"A=1\nB=\xff" + CANARY.encode() + b"\n")
    with pytest.raises(DotenvError) as info:
        read_dotenv(path, strict=False)
    assert f"{path}:2: not valid utf-8" in str(info.value)
    assert CANARY not in str(info.value)


def test_read_dotenv_other_encoding(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes("A=caf\u00e9\n".encode("latin-1"))
    assert read_dotenv(path, encoding="latin-1").as_dict() == {"A": "caf\u00e9"}


def test_read_dotenv_missing_file_raises_oserror(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_dotenv(tmp_path / "absent.env")


# -- issue 11: hostile .env files ------------------------------------------------------------


def test_parse_dotenv_caps_an_expansion_bomb_naming_the_line() -> None:
    bomb = "A=x\n" + "A=${A}${A}\n" * 40  # 2**40 characters if nothing stopped it
    with pytest.raises(DotenvError) as info:
        parse_dotenv(bomb, path=".env.bomb")
    first = info.value.problems[0]
    assert (first.path, first.line) == (".env.bomb", 22)
    assert "larger than" in first.message
    assert str(first).startswith(".env.bomb:22: ")


def test_parse_dotenv_caps_expansion_over_the_whole_file() -> None:
    big = "x" * (MAX_VALUE_CHARS - 10)
    text = f"A={big}\n" + "".join(f"B{i}=${{A}}\n" for i in range(20))
    result = parse_dotenv(text, strict=False)
    assert len(result.entries) < 21
    assert result.problems
    assert all("file larger than" in p.message for p in result.problems)


def test_parse_dotenv_unterminated_quote_reports_its_opening_line() -> None:
    text = "A='1\nB=2\nC='3'\nD=4\n"
    result = parse_dotenv(text, path=".env", strict=False)
    assert result.as_dict() == {"B": "2", "C": "3", "D": "4"}
    assert [(p.line, "unterminated single quote" in p.message) for p in result.problems] == [
        (1, True)
    ]


def test_parse_dotenv_unterminated_quoted_name_keeps_following_lines() -> None:
    result = parse_dotenv("'KEY=1\nB=2\nC='3'\n", strict=False)
    assert result.as_dict() == {"B": "2", "C": "3"}
    assert [p.line for p in result.problems] == [1]


def test_parse_dotenv_multiline_quoted_values_still_work() -> None:
    text = 'PEM="-----BEGIN X-----\nabc\n-----END X-----"  # key\nNEXT=1\n'
    assert parse_dotenv(text).as_dict() == {
        "PEM": "-----BEGIN X-----\nabc\n-----END X-----",
        "NEXT": "1",
    }


def test_parse_dotenv_records_interpolated_references() -> None:
    entries = parse_dotenv("DB_PASSWORD=hunter22\nCOPY=x${DB_PASSWORD}y\n").entries
    assert entries[1].references == ("DB_PASSWORD",)
    assert "hunter22" not in repr(entries[1])


def test_read_dotenv_refuses_dev_zero() -> None:
    with pytest.raises(OSError, match="not a regular file"):
        read_dotenv("/dev/zero")
