"""Inferring a project's variables: types from values, secrets by name and shape, statically."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from confwarden.scaffold.infer import guess_type, infer_variables, looks_secret, scan_code

CANARY = "CANARY-k9Xq2mV7rT4wZp8LbN3cH6yF1sJ5dG0a"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", "bool"),
        ("Off", "bool"),
        ("50", "int"),
        ("-3", "int"),
        ("0.5", "float"),
        ("1e3", "str"),
        ("https://shop.example.com/api", "AnyUrl"),
        ("redis://cache:6379/0", "AnyUrl"),
        ("a, b, c", "list[str]"),
        ("1,2,3", "list[int]"),
        ("https://a.example.com,https://b.example.com", "list[AnyUrl]"),
        ("EUR", "str"),
        ("", "str"),
    ],
)
def test_guess_type_from_value(value: str, expected: str) -> None:
    assert guess_type(value) == expected


@pytest.mark.parametrize(
    ("name", "value", "secret"),
    [
        ("SHOP_STRIPE_API_KEY", None, True),
        ("DB_PASSWORD", "x", True),
        ("PAYMENTS", "sk_live_51Habc", True),
        ("GITHUB", "ghp_abcdefghijklmnop", True),
        ("DATABASE", "postgresql://shop:pw@db/shop", True),
        ("SESSION", "k9Xq2mV7rT4wZp8LbN3cH6yF1sJ5dG0a", True),
        ("PAGE_SIZE", "50", False),
        ("GREETING", "hello-world-this-is-a-long-sentence", False),
        ("HOME_URL", "https://shop.example.com/a/long/path/1234567890", False),
    ],
)
def test_looks_secret_by_name_and_value_shape(name: str, value: str | None, secret: bool) -> None:
    assert looks_secret(name, value) is secret


def test_scan_code_finds_literal_reads_statically(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "import os\nfrom os import environ, getenv\n"
        "a = os.getenv('A', '1')\nb = os.environ['B']\nc = environ.get('C', 'x')\n"
        "d = getenv('D')\ne = os.environ.get(name)\nraise SystemExit('never run')\n"
    )
    found = sorted(scan_code(tmp_path))
    assert found == [
        ("A", "1", "app.py:3", False),
        ("B", None, "app.py:4", True),  # os.environ[...]: the code fails without it
        ("C", "x", "app.py:5", False),
        ("D", None, "app.py:6", False),
    ]


def test_scan_code_skips_virtualenvs_huge_files_bad_syntax_and_symlink_loops(
    tmp_path: Path,
) -> None:
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "lib.py").write_text("import os\nos.getenv('IN_VENV')\n")
    (tmp_path / "big.py").write_text("import os\nos.getenv('TOO_BIG')\n" + "#" * 1_100_000)
    (tmp_path / "broken.py").write_text("def (:\n")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "ok.py").write_text("import os\nos.getenv('OK')\n")
    assert [read.name for read in scan_code(tmp_path)] == ["OK"]


def test_infer_variables_never_uses_a_secret_or_dotenv_value_as_default(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"SHOP_STRIPE_API_KEY={CANARY}\nSHOP_PAGE_SIZE=10\nSHOP_DEBUG=true\n"
    )
    (tmp_path / ".env.example").write_text("SHOP_PAGE_SIZE=50\nSHOP_CURRENCY=EUR\n")
    (tmp_path / "app.py").write_text("import os\nos.getenv('SHOP_TIMEOUT', '2.5')\n")
    variables = {v.name: v for v in infer_variables(tmp_path)}
    assert variables["SHOP_STRIPE_API_KEY"].type == "SecretStr"
    assert variables["SHOP_STRIPE_API_KEY"].default is None
    assert (variables["SHOP_PAGE_SIZE"].type, variables["SHOP_PAGE_SIZE"].default) == ("int", "50")
    assert (variables["SHOP_DEBUG"].type, variables["SHOP_DEBUG"].default) == ("bool", None)
    assert variables["SHOP_CURRENCY"].default == "'EUR'"
    assert (variables["SHOP_TIMEOUT"].type, variables["SHOP_TIMEOUT"].default) == ("float", "2.5")
    assert CANARY not in repr(variables)


def test_infer_variables_of_an_empty_tree(tmp_path: Path) -> None:
    assert infer_variables(tmp_path) == []
    assert not os.listdir(tmp_path)
