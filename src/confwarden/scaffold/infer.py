"""What a project already configures: its variables, their types, and which are secrets.

``confwarden init`` starts from what exists: a ``.env``, a ``.env.example`` and the
``os.getenv``/``os.environ`` calls in the code (found statically: nothing is imported or
run). Each variable gets a type guessed from its values (bool, int, float, URL, list), a
default when the code or ``.env.example`` gives a harmless one, and is recognised as a
secret by its name (``*_KEY``, ``*PASSWORD*``...) or the shape of its value (a URL with a
password, a long random token, a known key prefix). A secret's value never leaves this
module: it is not a default, not an example, not in any message.

Hostile trees stay cheap: files over 1 MB are skipped, virtualenvs and hidden directories
are not walked, symlinked directories are not followed, and parsing is linear.
"""

from __future__ import annotations

import ast
import math
import os
import re
import typing
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from confwarden.environment.dotenv import read_dotenv
from confwarden.environment.masking import is_sensitive_name, value_is_sensitive

__all__ = [
    "CodeRead",
    "InferredVariable",
    "guess_type",
    "infer_variables",
    "looks_secret",
    "scan_code",
]

MAX_FILE_BYTES = 1_000_000
SKIPPED_DIRS = frozenset(
    {"node_modules", "site-packages", "__pycache__", "build", "dist", "venv", "env"}
)
_BOOLS = frozenset({"true", "false", "yes", "no", "on", "off"})
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s,]+")
_KEY_PREFIXES = re.compile(
    r"^(sk_(live|test)_|sk-|pk_(live|test)_|rk_live_|ghp_|gho_|ghs_|github_pat_|xox[abpr]-"
    r"|AKIA|ASIA|AIza|glpat-|eyJ[A-Za-z0-9_-]{10,}\.)"
)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class InferredVariable:
    """One variable the project uses, as ``init`` will declare it.

    Attributes:
        name: the variable name.
        type: the Python annotation (``int``, ``bool``, ``list[str]``, ``SecretStr``...).
        default: the default as Python source (``50``, ``'EUR'``, a tuple for a list),
            None for no default.
        secret: typed ``SecretStr`` and masked everywhere.
        found_in: where it was seen (``.env``, ``.env.example``, ``shop/app.py:12``).
    """

    name: str
    type: str = "str"
    default: str | None = None
    secret: bool = False
    found_in: list[str] = field(default_factory=list)
    example: str | None = None
    """The shareable value behind ``default`` as a variable holds it (for ``.env.example``)."""
    required: bool = False
    """Read as ``os.environ["X"]``: the code fails without it, so the field has no default."""

    @property
    def field_name(self) -> str:
        """The attribute name of the field (the variable name, lower-case)."""
        name = self.name.lower()
        return name if name.isidentifier() and not name.startswith("_") else f"var_{name}"


def looks_secret(name: str, value: str | None) -> bool:
    """Whether ``name`` or the shape of ``value`` says the variable holds a secret.

    Example:
        >>> looks_secret("STRIPE_API_KEY", None), looks_secret("PAYMENTS", "sk_live_abc123")
        (True, True)
        >>> looks_secret("PAGE_SIZE", "50"), looks_secret("DB", "postgresql://u:pw@db/app")
        (False, True)
    """
    if is_sensitive_name(name):
        return True
    if not value:
        return False
    if value_is_sensitive(value) or _KEY_PREFIXES.match(value):
        return True
    return _random_looking(value)


def _random_looking(value: str) -> bool:
    # A long token mixing letters and digits with high entropy: an API key or a password,
    # not a word, a path or a URL.
    if len(value) < 24 or any(c.isspace() for c in value) or "://" in value or "/" in value:
        return False
    if not (any(c.isdigit() for c in value) and any(c.isalpha() for c in value)):
        return False
    counts = Counter(value)
    entropy = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    return entropy >= 3.5


def guess_type(value: str) -> str:
    """The annotation a value suggests: bool, int, float, AnyUrl, list[...] or str.

    Example:
        >>> [guess_type(v) for v in ("true", "50", "0.5", "https://x.io", "a,b", "x")]
        ['bool', 'int', 'float', 'AnyUrl', 'list[str]', 'str']
        >>> guess_type("https://a.io,https://b.io"), guess_type("1,2,3")
        ('list[AnyUrl]', 'list[int]')
    """
    text = value.strip()
    if text.lower() in _BOOLS:
        return "bool"
    if _INT.fullmatch(text):
        return "int"
    if _FLOAT.fullmatch(text):
        return "float"
    if _URL.fullmatch(text):
        return "AnyUrl"
    if "," in text:
        items = [item.strip() for item in text.split(",") if item.strip()]
        if len(items) >= 2:
            inner = {guess_type(item) for item in items}
            kind = inner.pop() if len(inner) == 1 else "str"
            return f"list[{kind if kind in ('int', 'float', 'AnyUrl') else 'str'}]"
    return "str"


def _python_default(annotation: str, value: str) -> str | None:
    """``value`` as a Python literal of ``annotation`` (a list becomes a tuple literal, a URL
    ``AnyUrl("...")``): the code's default, kept with its type."""
    text = value.strip()
    if annotation == "bool":
        return "True" if text.lower() in ("true", "yes", "on") else "False"
    if annotation in ("int", "float"):
        return text
    if annotation.startswith("list["):
        inner = annotation[5:-1]
        items = [item.strip() for item in text.split(",") if item.strip()]
        literals = [_python_default(inner, item) for item in items]
        if not literals or any(item is None for item in literals):
            return None
        return f"({', '.join(typing.cast(list[str], literals))},)"
    if annotation == "AnyUrl":
        return f"AnyUrl({text!r})"
    return repr(text)


class CodeRead(NamedTuple):
    """One literal environment read in the code.

    Attributes:
        name: the variable.
        default: the literal default (``os.getenv("X", "5")``), None without one.
        where: ``path:line``.
        required: ``os.environ["X"]``: the code fails when it is not set.
    """

    name: str
    default: str | None
    where: str
    required: bool


def scan_code(root: Path) -> Iterator[CodeRead]:
    """Every literal environment read of the code under ``root``.

    Finds ``os.getenv("X", d)``, ``getenv("X")``, ``os.environ["X"]`` (required),
    ``os.environ.get("X", d)`` and ``environ.get(...)`` with literal names, statically.
    """
    for path in _python_files(root):
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                continue
            tree = ast.parse(path.read_bytes(), filename=str(path))
        except (OSError, SyntaxError, ValueError):
            continue
        where = path.relative_to(root).as_posix()
        for node in ast.walk(tree):
            found = _env_read(node)
            if found is not None:
                name, default = found
                line = f"{where}:{getattr(node, 'lineno', 0)}"
                yield CodeRead(name, default, line, isinstance(node, ast.Subscript))


def _python_files(root: Path) -> Iterator[Path]:
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name.startswith(".") or entry.name in SKIPPED_DIRS:
                    continue
                stack.append(Path(entry.path))
            elif entry.name.endswith(".py") and entry.is_file(follow_symlinks=False):
                yield Path(entry.path)


def _is_environ(node: ast.expr) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr == "environ" and isinstance(node.value, ast.Name)
    return isinstance(node, ast.Name) and node.id == "environ"


def _literal(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float | bool):
        value = node.value
        return str(value).lower() if isinstance(value, bool) else str(value)
    return None


def _env_read(node: ast.AST) -> tuple[str, str | None] | None:
    if isinstance(node, ast.Subscript) and _is_environ(node.value):
        name = _literal(node.slice)
        return (name, None) if name and _NAME.match(name) else None
    if not isinstance(node, ast.Call) or not node.args:
        return None
    func = node.func
    is_getenv = (isinstance(func, ast.Attribute) and func.attr == "getenv") or (
        isinstance(func, ast.Name) and func.id == "getenv"
    )
    is_get = isinstance(func, ast.Attribute) and func.attr == "get" and _is_environ(func.value)
    if not (is_getenv or is_get):
        return None
    name = _literal(node.args[0])
    if not name or not _NAME.match(name):
        return None
    default = _literal(node.args[1]) if len(node.args) > 1 else None
    return name, default


def infer_variables(root: str | os.PathLike[str]) -> list[InferredVariable]:
    """Every variable of the project at ``root``, typed, in first-seen order.

    Sources, most trusted first for types and defaults: ``.env.example`` (meant to be
    shared), the code's literal defaults, then ``.env`` (a developer's values: used for the
    type only, never copied as a default, since it may hold real credentials).

    Raises:
        DotenvError: a ``.env`` file has malformed lines (listed).
    """
    base = Path(root)
    found: dict[str, InferredVariable] = {}
    values: dict[str, list[tuple[str, str]]] = {}

    def see(name: str, value: str | None, where: str) -> None:
        variable = found.setdefault(name, InferredVariable(name))
        variable.found_in.append(where)
        if value is not None:
            values.setdefault(name, []).append((where, value))

    for filename in (".env.example", ".env"):
        path = base / filename
        if path.is_file():
            parsed = read_dotenv(path, environ={}, interpolate=False)
            for name, value in parsed.as_dict().items():
                see(name, value, filename)
    for read in scan_code(base):
        see(read.name, read.default, read.where)
        if read.required:
            found[read.name].required = True
    for name, variable in found.items():
        seen = values.get(name, [])
        sample = next((v for _, v in seen if v.strip()), None)
        variable.secret = looks_secret(name, sample) or any(looks_secret(name, v) for _, v in seen)
        if variable.secret:
            variable.type = "SecretStr"
            continue
        if sample is not None:
            variable.type = guess_type(sample)
        shareable = next((v for w, v in seen if w != ".env" and v.strip()), None)
        if shareable is not None and not variable.required:
            variable.default = _python_default(variable.type, shareable)
            variable.example = shareable.strip()
    return list(found.values())
