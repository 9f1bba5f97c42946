"""The one masking module: every output path of confwarden shows values through it.

A value is hidden when its **name** says it is a secret, when its **shape** says so whatever
its name (a known token prefix, a JWT, a PEM private key, a long high-entropy string), and
inside text when it follows a **secret marker** (a URL password, ``password=`` in a DSN or a
query string, ``"password": "..."`` in JSON, ``password: x`` in YAML, an ``Authorization``
header, ``curl -u``). Free text (exception messages, log lines) is also masked against every
**known** secret in the forms it gets copied in (:mod:`confwarden.environment.known`; the
set of known secrets: :mod:`confwarden.environment.secret_values`).

The rules are data: :data:`SENSITIVE_WORDS`, :data:`SENSITIVE_TOKENS`, :data:`FUZZY_WORDS`,
:data:`TOKEN_PREFIXES`, :data:`SECRET_PARAMETERS`, :data:`COLON_KEYS`. docs/masking.md
prints the same table; change both together.

Hostile input stays cheap: nothing here backtracks. Every regular expression is one literal
or one character class run after an anchor that a lookbehind pins to the start of a word, or
a class run that excludes its own terminator, so each character is looked at a bounded number
of times; URL credentials are found with ``str.find`` and cursors that only move forward.
A 1 MB value of ``=``, ``:``, ``@`` and ``//`` is masked in milliseconds (tests/security).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import lru_cache

from confwarden.environment.formats import (
    LAST_PART_NAMES,
    VAULT_PREFIXES,
    one_edit_apart,
    pair_secret_start,
    vault_token_shape,
)
from confwarden.environment.known import known_forms, mask_known
from confwarden.environment.scanning import MASK, apply_spans, url_password_spans

__all__ = [
    "COLON_KEYS",
    "FUZZY_WORDS",
    "MASK",
    "SECRET_PARAMETERS",
    "SENSITIVE_TOKENS",
    "SENSITIVE_WORDS",
    "TOKEN_PREFIXES",
    "is_sensitive_name",
    "known_forms",
    "looks_like_secret",
    "mask_embedded",
    "mask_known",
    "mask_text",
    "mask_url",
    "mask_value",
    "secret_spans",
    "value_is_sensitive",
]

# -- names --------------------------------------------------------------------------------

SENSITIVE_WORDS = (
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "TOKEN",
    "CREDENTIAL",
    "PRIVATE",
    "APIKEY",
    "ACCESSKEY",
    "SECRETKEY",
)
"""Anywhere in a name (``DBPASSWORD``, ``JWT_SECRET_KEY``): the name is sensitive."""

SENSITIVE_TOKENS = frozenset(
    {
        "KEY",
        "KEYS",
        "PASS",
        "PWD",
        "PW",
        "DSN",
        "AUTH",
        "PAT",
        "CREDS",
        "SK",
        "SALT",
        "PEPPER",
        "SIG",
        "SIGNATURE",
        "HMAC",
        "COOKIE",
        "SEED",
        "OTP",
    }
)
"""A whole ``_``-separated part of a name (``GH_PAT``, ``STRIPE_SK_LIVE``, ``HASH_SALT``)."""

FUZZY_WORDS = ("SECRET", "PASSWORD", "PASSPHRASE", "TOKEN", "CREDENTIAL", "CREDENTIALS", "PRIVATE")
"""A name part one typo away from these (``SERVICE_SECRT``, ``DB_PASWORD``) is sensitive too:
the validator flags such names as near misses, and the value is still the secret."""

_NAME_SPLIT = re.compile(r"[^A-Z0-9]+")


@lru_cache(maxsize=8192)
def is_sensitive_name(name: str) -> bool:
    """Tell whether a variable name denotes a secret.

    Example:
        >>> is_sensitive_name("SERVICE_SECRET"), is_sensitive_name("STRIPE_API_KEY")
        (True, True)
        >>> is_sensitive_name("GH_PAT"), is_sensitive_name("SERVICE_SECRT")
        (True, True)
        >>> is_sensitive_name("POSTGRES_HOST"), is_sensitive_name("KEYBOARD")
        (False, False)
    """
    upper = name.upper()
    if any(word in upper for word in SENSITIVE_WORDS):
        return True
    parts = [part for part in _NAME_SPLIT.split(upper) if part]
    if any(part in SENSITIVE_TOKENS for part in parts) or (parts and parts[-1] in LAST_PART_NAMES):
        return True
    return any(
        len(part) >= 4 and one_edit_apart(part, word) for part in parts for word in FUZZY_WORDS
    )


# -- value shapes -------------------------------------------------------------------------

TOKEN_PREFIXES: tuple[tuple[str, int, str], ...] = (
    ("ghp_", 30, "GitHub personal access token"),
    ("gho_", 30, "GitHub OAuth token"),
    ("ghu_", 30, "GitHub user-to-server token"),
    ("ghs_", 30, "GitHub server-to-server token"),
    ("ghr_", 30, "GitHub refresh token"),
    ("github_pat_", 40, "GitHub fine-grained token"),
    ("glpat-", 20, "GitLab personal access token"),
    ("sk_live_", 20, "Stripe secret key"),
    ("sk_test_", 20, "Stripe test secret key"),
    ("rk_live_", 20, "Stripe restricted key"),
    ("rk_test_", 20, "Stripe restricted test key"),
    ("whsec_", 20, "Stripe webhook secret"),
    ("sk-", 20, "OpenAI / Anthropic API key"),
    ("xoxb-", 15, "Slack bot token"),
    ("xoxa-", 15, "Slack app token"),
    ("xoxp-", 15, "Slack user token"),
    ("xoxr-", 15, "Slack refresh token"),
    ("xoxs-", 15, "Slack session token"),
    ("xapp-", 15, "Slack app-level token"),
    ("AKIA", 20, "AWS access key id"),
    ("ASIA", 20, "AWS temporary access key id"),
    ("AIza", 35, "Google API key"),
    ("GOCSPX-", 20, "Google OAuth client secret"),
    ("ya29.", 20, "Google OAuth access token"),
    ("npm_", 30, "npm token"),
    ("pypi-", 50, "PyPI token"),
    ("hf_", 30, "Hugging Face token"),
    ("dop_v1_", 40, "DigitalOcean token"),
    ("SG.", 40, "SendGrid API key"),
    ("shpat_", 30, "Shopify access token"),
    ("hvs.", 28, "Vault / OpenBao service token"),
    ("hvb.", 28, "Vault / OpenBao batch token"),
    ("s.", 26, "Vault / OpenBao legacy service token"),
    ("eyJ", 30, "JSON Web Token (three base64url parts)"),
)
"""``(prefix, minimal total length, what it is)``: a word starting so is a secret."""

_PREFIXES = tuple(prefix for prefix, _, _ in TOKEN_PREFIXES)
_MIN_LENGTH = {prefix: length for prefix, length, _ in TOKEN_PREFIXES}


@lru_cache(maxsize=256)
def _token_pattern(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    """Words starting with one of ``prefixes``: a word start (the lookbehind), the prefix,
    then one class run, so each character is read once."""
    names = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9_\-])(?:{names})[A-Za-z0-9_\-.+/=]*")


_WEBHOOK = re.compile(
    r"(?:hooks\.slack\.com/(?:services|workflows|triggers)|discord(?:app)?\.com/api/webhooks"
    r"|webhook\.office\.com/webhookb2)"
    r"/[A-Za-z0-9_\-/@]+"
)
_PRIVATE_BLOCK = re.compile(r"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----")
_END_BLOCK = "-----END "
_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_ENTROPY_CHARS = re.compile(r"[A-Za-z0-9+/=_\-]{24,}")
_WORD = re.compile(r"[A-Za-z0-9_\-.+/=]+")
_HEX = frozenset("0123456789abcdefABCDEF")


def _shape_of(word: str) -> bool:
    """True when ``word`` (starting with a known prefix) has that prefix's token shape."""
    word = word.rstrip(".")
    for prefix in _PREFIXES:
        if not word.startswith(prefix) or len(word) < _MIN_LENGTH[prefix]:
            continue
        body = word[len(prefix) :]
        if prefix == "eyJ":
            parts = word.split(".")
            return len(parts) == 3 and all(parts[:2]) and parts[1].startswith("eyJ")
        if prefix in VAULT_PREFIXES:
            return vault_token_shape(prefix, body)
        if prefix in ("AKIA", "ASIA"):
            return len(word) == 20 and word.isalnum() and word.isupper()
        # Random bodies mix letters and digits; a prose word after "sk-" does not.
        return any(c.isdigit() for c in body) and any(c.isalpha() for c in body)
    return False


def _high_entropy(value: str) -> bool:
    """A single word of 24+ key-alphabet characters with the character mix of a random key.

    Hex needs 32+ characters with letters and digits (a 128-bit key; a git hash of 40 counts
    too, which is the price of not leaking hex keys); other alphabets need lower case, upper
    case and digits, and at least 3.5 bits of entropy per character. UUIDs are identifiers.
    """
    if _ENTROPY_CHARS.fullmatch(value) is None or _UUID.fullmatch(value):
        return False
    has_digit = any(c.isdigit() for c in value)
    if all(c in _HEX for c in value):
        return len(value) >= 32 and has_digit and any(c.isalpha() for c in value)
    if not (has_digit and any(c.islower() for c in value) and any(c.isupper() for c in value)):
        return False
    counts: dict[str, int] = {}
    for char in value:
        counts[char] = counts.get(char, 0) + 1
    size = len(value)
    entropy = -sum(n / size * math.log2(n / size) for n in counts.values())
    return entropy >= 3.5


def looks_like_secret(value: str) -> bool:
    """Tell whether a whole value is a secret by its shape alone.

    Example:
        >>> looks_like_secret("ghp_" + "a1B2" * 9), looks_like_secret("production")
        (True, False)
    """
    stripped = value.strip()
    if not stripped:
        return False
    if "-----BEGIN" in stripped and _PRIVATE_BLOCK.search(stripped):
        return True
    if stripped.startswith(_PREFIXES) and _WORD.fullmatch(stripped) and _shape_of(stripped):
        return True
    return len(stripped) <= 4096 and _high_entropy(stripped)


# -- secrets inside text ------------------------------------------------------------------

SECRET_PARAMETERS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "pass",
        "secret",
        "token",
        "key",
        "apikey",
        "api_key",
        "api-key",
        "access_token",
        "refresh_token",
        "id_token",
        "client_secret",
        "accountkey",
        "sslpassword",
        "sig",
        "signature",
        "x-amz-signature",
        "x-goog-signature",
        "x-amz-credential",
        "x-amz-security-token",
        "auth",
        "code",
    }
)
"""Parameter names (``?key=``, ``&sig=``, ``password=`` in a libpq DSN) whose value is masked,
beside every name :func:`is_sensitive_name` accepts (``_authToken=`` of an ``.npmrc``).
A quoted key before a colon (``'password': 'x'`` in a Python dict) is judged the same way."""

COLON_KEYS = frozenset(
    {
        "password",
        "passwd",
        "secret",
        "token",
        "api_key",
        "apikey",
        "api-key",
        "x-api-key",
        "x-auth-token",
        "authorization",
        "proxy-authorization",
        "client_secret",
        "access_token",
        "refresh_token",
        "auth_token",
        "private_key",
        "secret_key",
    }
)
"""Unquoted keys (any letter case) whose value after a colon is masked: ``password: x`` in
YAML, ``Authorization: Bearer x`` and ``X-Api-Key: x`` headers. A table, not the name rules:
``JWT_SECRET_KEY: is not set`` is a message about a variable, not a value."""

_VALUE = r"(?P<value>'(?:[^'\\\n]|\\.){0,4096}'|\"(?:[^\"\\\n]|\\.){0,4096}\"|[^&;#\s'\"]*)"


@lru_cache(maxsize=256)
def _parameter_pattern(keys: frozenset[str], query: bool) -> re.Pattern[str]:
    """``key=value`` for these keys: the key starts a word (lookbehind); the value is quoted
    (bounded, escapes allowed) or runs to the next separator. With ``query``, only URL query
    parameters (after ``?``, ``&`` or ``;``, no blanks)."""
    names = "|".join(re.escape(key) for key in sorted(keys, key=len, reverse=True))
    if query:
        return re.compile(rf"(?<=[?&;])(?P<key>{names})=(?P<value>[^&;#\s]*)")
    return re.compile(rf"(?<![A-Za-z0-9_.\-])(?P<key>{names})[ \t]{{0,8}}=[ \t]{{0,8}}" + _VALUE)


# "key": "value" in JSON; the value class excludes its own terminator, so no rescans.
_JSON_PAIR = re.compile(
    r"\"(?P<key>[A-Za-z0-9_.\-]{1,64})\"[ \t]{0,16}:[ \t]{0,16}\"(?P<value>(?:[^\"\\\n]|\\.)*+)\""
)
# "key=" alone, to learn which keys a text has before looking at any value.
_KEY_BEFORE_EQUALS = re.compile(r"(?<![A-Za-z0-9_.\-])([A-Za-z_][A-Za-z0-9_.\-]{0,63})[ \t]{0,8}=")
# "key:" (YAML, a header, a quoted dict key), found the same way; group 2 is the quote.
_KEY_BEFORE_COLON = re.compile(
    r"(?<![A-Za-z0-9_.\-])([A-Za-z_][A-Za-z0-9_.\-]{0,63})(['\"]?)[ \t]{0,8}:(?!//)"
)
# "curl -u user:password": the user part excludes the colon, so it is read once.
_CURL_USER = re.compile(r"(?<![\w\-])(?:-u|--user)[ \t]+['\"]?[^\s:'\"]*:(?P<value>[^\s'\"]*)")


@lru_cache(maxsize=256)
def _colon_pattern(keys: frozenset[str], quoted: bool) -> re.Pattern[str]:
    """``key: value`` for these keys (``quoted``: ``'key':``, any other: a bare ``key:`` in any
    letter case); an authorization scheme (``Bearer``) stays visible."""
    names = "|".join(re.escape(key) for key in sorted(keys, key=len, reverse=True))
    quote = "['\"]" if quoted else ""
    return re.compile(
        rf"(?<![A-Za-z0-9_.\-])(?P<key>{names}){quote}[ \t]{{0,8}}:(?!//)[ \t]{{0,8}}"
        r"(?:(?:Bearer|Basic|Token|Digest|Bot)[ \t]+)?"
        # Inside its quotes, so that masked JSON or a masked dict stays well-formed.
        r"(?:'(?P<single>(?:[^'\\\n]|\\.){0,4096})'|\"(?P<double>(?:[^\"\\\n]|\\.){0,4096})\""
        r"|(?P<value>[^&;#\s'\",}]*))"
    )


@lru_cache(maxsize=4096)
def _secret_parameter(key: str) -> bool:
    lowered = key.lower()
    return lowered in SECRET_PARAMETERS or is_sensitive_name(key)


def _marked_spans(text: str, *, urls_only: bool = False) -> list[tuple[int, int]]:
    """The spans to mask; ``urls_only``: URL passwords, query parameters, webhook paths."""
    spans = url_password_spans(text) if "://" in text else []
    if "=" in text:
        # Most texts have many keys and no secret one: find the keys first (in C), and run
        # the value-reading expression only for the secret ones.
        secret_keys = {
            key for key in set(_KEY_BEFORE_EQUALS.findall(text)) if _secret_parameter(key)
        }
        if secret_keys:
            pattern = _parameter_pattern(frozenset(secret_keys), urls_only)
            for match in pattern.finditer(text):
                start, end = match.span(2)
                if end > start:
                    spans.append((start, end))
    if ":" in text and not urls_only:
        found = set(_KEY_BEFORE_COLON.findall(text))
        for quoted in (False, True):
            keys = frozenset(
                key
                for key, quote in found
                if bool(quote) is quoted
                and (_secret_parameter(key) if quoted else key.lower() in COLON_KEYS)
            )
            if not keys:
                continue
            for match in _colon_pattern(keys, quoted).finditer(text):
                group = next(g for g in ("single", "double", "value") if match[g] is not None)
                start, end = match.span(group)
                if end > start:
                    spans.append((start, end))
        if "-u" in text or "--user" in text:
            spans.extend(match.span("value") for match in _CURL_USER.finditer(text))
    if '"' in text and ":" in text and not urls_only:
        for match in _JSON_PAIR.finditer(text):
            if match["value"] and _secret_parameter(match["key"]):
                spans.append(match.span("value"))
    if "hooks." in text or "/webhooks/" in text or "/webhookb2/" in text:
        for match in _WEBHOOK.finditer(text):
            head = match.group().split("/", 2)
            spans.append((match.start() + len(head[0]) + len(head[1]) + 2, match.end()))
    if urls_only:
        return spans
    if "-----BEGIN" in text:
        # One search for the end of each block, continued after it: no block is read twice.
        pos = 0
        while (block := _PRIVATE_BLOCK.search(text, pos)) is not None:
            end = text.find(_END_BLOCK, block.end())
            end = len(text) if end < 0 else end
            spans.append((block.end(), end))
            pos = end
    # Thirty substring searches (in C) are cheaper than trying thirty prefixes at every
    # position; usually none is present and the expression is never run.
    present = tuple(prefix for prefix in _PREFIXES if prefix in text)
    if present:
        for match in _token_pattern(present).finditer(text):
            if _shape_of(match.group()):
                spans.append(match.span())
    return spans


def mask_embedded(text: str) -> str:
    """Mask the secrets ``text`` shows by their markers and shapes, whoever wrote it.

    URL passwords, secret ``key=value`` parameters (query strings, libpq DSNs), JSON secret
    members, chat webhook paths, PEM/PGP private key bodies and known token shapes.

    Example:
        >>> mask_embedded("host=db user=app password='s3 cr#t' sslmode=require")
        'host=db user=app password=*** sslmode=require'
    """
    return apply_spans(text, _marked_spans(text))


def mask_url(url: str) -> str:
    """Hide the password, secret query parameters and webhook path of every URL in ``url``.

    Only URLs: the text around them is left as written (code stays readable in a checker
    excerpt). :func:`mask_embedded` also masks DSNs, JSON members, keys and token shapes.

    Example:
        >>> mask_url("postgresql://app:s3cret@db:5432/app?sslmode=require&password=x")
        'postgresql://app:***@db:5432/app?sslmode=require&password=***'
    """
    return apply_spans(url, _marked_spans(url, urls_only=True))


def secret_spans(text: str) -> list[tuple[int, int]]:
    """Where :func:`mask_embedded` would mask ``text``: ``(start, end)`` pairs, unsorted."""
    return _marked_spans(text)


def value_is_sensitive(value: str) -> bool:
    """Tell whether a value carries a secret whatever its name (shape or embedded marker)."""
    return looks_like_secret(value) or bool(_marked_spans(value))


def mask_value(name: str, value: str | None) -> str | None:
    """Return ``value`` as it may be shown for variable ``name``.

    Sensitive names and secret-shaped values are masked whole; other values have their
    embedded secrets (URL passwords, ``password=``...) masked.

    Example:
        >>> mask_value("JWT_SECRET_KEY", "x" * 40)
        '***'
        >>> mask_value("REDIS_URL", "redis://:pw@cache:6379/0")
        'redis://:***@cache:6379/0'
        >>> mask_value("LOG_LEVEL", "INFO")
        'INFO'
    """
    if value is None:
        return None
    if value == "":
        return ""
    if is_sensitive_name(name) or looks_like_secret(value):
        return MASK
    if (start := pair_secret_start(name, value)) is not None:
        return mask_embedded(value[:start]) + MASK
    return mask_embedded(value)


def mask_text(text: str, secrets: Iterable[str | None]) -> str:
    """Mask free text: every known secret in every form, then embedded secret markers.

    Example:
        >>> mask_text("login failed for redis://u:pw@h with key hunter22", ["hunter22"])
        'login failed for redis://u:***@h with key ***'
    """
    return mask_embedded(mask_known(text, secrets))
