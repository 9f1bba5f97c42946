"""The source line a finding shows: readable code, with secret values (and only those) masked.

A report that masks every string literal on a line hides the code the reader needs
(``get_env().get("SHOP_SECRETS_DIR", "***")``, ``log.info("***", token)``); a report that
masks nothing copies a hard-coded secret into a CI log. A literal is masked when it is the
value of a secret: assigned to a secret-looking name (``JWT_SECRET = "..."``,
``os.environ["SERVICE_SECRET"] = "..."``), passed right after one (``getenv("API_TOKEN",
"...")``, ``password="..."``, ``{"password": "..."}``), or secret by its shape (a URL with a
password, a private key). Variable names stay readable.

An excerpt is one line cut to :data:`MAX_EXCERPT` characters before any masking, so a
200 KB minified line costs what a short one does.
"""

from __future__ import annotations

import codecs
import io
import re
import tokenize

from confwarden.checker.names import is_secret_variable
from confwarden.environment.masking import MASK, mask_url, value_is_sensitive

__all__ = ["MAX_EXCERPT", "mask_secrets", "safe_source", "source_lines", "wide_encoding"]

MAX_EXCERPT = 240
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_VARIABLE_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
_OPEN, _CLOSE = frozenset("([{"), frozenset(")]}")
_NO_CALL = 1 << 30


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def wide_encoding(data: bytes) -> str | None:
    """``"UTF-16"``/``"UTF-32"`` when ``data`` is a wide encoding (with or without a
    byte-order mark: then most bytes of one parity are NUL), else None. Looks at 4 KiB."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name.upper()
    head = data[:4096]
    if len(head) < 4 or head.count(0) * 3 < len(head):
        return None
    if head[0::4].count(0) + head[3::4].count(0) > len(head) * 3 // 8:
        return "UTF-32"  # one character in four bytes, three of them NUL
    return "UTF-16"


def _codec(data: bytes) -> str:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    encoding = wide_encoding(data)
    if encoding is None:
        return "utf-8"
    width = 2 if encoding == "UTF-16" else 4
    odd = data[1:4096:width].count(0)
    even = data[0:4096:width].count(0)
    return f"{encoding.lower()}-{'le' if odd >= even else 'be'}"


def source_lines(data: bytes) -> list[str]:
    """The lines of a source file as an excerpt shows them: UTF-16/32 decoded (so masking
    sees the text, not bytes interleaved with NULs), anything undecodable replaced."""
    text = data.decode(_codec(data), errors="replace").lstrip("\ufeff")
    return text.replace("\x00", "").splitlines()


def _body(token: str) -> str:
    """The text of a string literal token, without prefix and quotes."""
    text = token.lstrip("rbfuRBFU")
    for quote in ('"""', "'''", '"', "'"):
        if text.startswith(quote) and text.endswith(quote) and len(text) >= 2 * len(quote):
            return text[len(quote) : -len(quote)]
    return text


def _names_secret(word: str) -> bool:
    return bool(word) and _IDENTIFIER.fullmatch(word) is not None and is_secret_variable(word)


def safe_source(line: str) -> str:
    """The source line as a finding shows it: stripped, cut to :data:`MAX_EXCERPT`
    characters, secret values masked (see :func:`mask_secrets`).

    Example:
        >>> safe_source('token = os.getenv("API_TOKEN", "hunter2hunter2")')
        'token = os.getenv("API_TOKEN", "***")'
        >>> safe_source('path = get_env().get("SHOP_SECRETS_DIR", "/run/secrets")')
        'path = get_env().get("SHOP_SECRETS_DIR", "/run/secrets")'
    """
    line = line.replace("\x00", "").strip()
    if len(line) > MAX_EXCERPT:
        line = line[:MAX_EXCERPT] + " ..."
    return mask_secrets(line)


def mask_secrets(line: str) -> str:
    """One line of code with the values of secrets masked, everything else as written.

    Example:
        >>> mask_secrets('    JWT_SECRET = "hunter2hunter2"  # dev default')
        '    JWT_SECRET = "***"  # dev default'
    """
    indent = line[: len(line) - len(line.lstrip())]
    line = mask_url(line[len(indent) :])
    if "'" not in line and '"' not in line:
        return indent + line
    pieces: list[str] = []
    last = 0
    depth = 0
    assigns_secret = False
    seen_secret = False
    previous = ""
    # The bracket depth at which a quoted secret name was passed (``getenv("DB_PASSWORD",
    # default="...")``): every later literal of that call is its value, keyword or not.
    secret_call = _NO_CALL
    try:
        for token in tokenize.generate_tokens(io.StringIO(line).readline):
            kind, text = token.type, token.string
            if kind == tokenize.NAME:
                previous = text
                seen_secret = seen_secret or _names_secret(text)
                continue
            if kind == tokenize.OP:
                if text in _OPEN:
                    depth += 1
                elif text in _CLOSE:
                    depth = max(depth - 1, 0)
                    if depth < secret_call:
                        secret_call = _NO_CALL
                elif depth == 0 and text in ("=", ":=", "+=") and seen_secret:
                    assigns_secret = True
                continue
            if kind != tokenize.STRING:
                continue
            body = _body(text)
            named_after = _names_secret(previous) or depth >= secret_call
            previous = body if _IDENTIFIER.fullmatch(body) else ""
            if _VARIABLE_NAME.fullmatch(body):
                if _names_secret(body):
                    seen_secret = True
                    if depth:
                        secret_call = min(secret_call, depth)
                elif depth == secret_call:
                    secret_call = _NO_CALL  # {"API_TOKEN": "...", "LOG_LEVEL": "INFO"}
                continue  # a variable name, never a value worth hiding
            if not (assigns_secret or named_after or value_is_sensitive(body)):
                continue
            start, end = token.start[1], token.end[1]
            quote = text[-1]
            pieces.append(line[last:start] + f"{quote}{MASK}{quote}")
            last = end
    except (tokenize.TokenError, SyntaxError, IndentationError):
        if not any(_names_secret(w) for w in _IDENTIFIER.findall(line)):
            return indent + line
        first = min((i for i in (line.find('"'), line.find("'")) if i >= 0), default=len(line))
        return indent + line[:first] + MASK
    return indent + "".join(pieces) + line[last:]
