"""Secret formats with a rule of their own: header-valued names, ``user:password`` pairs, and
Vault/OpenBao tokens.

:mod:`confwarden.environment.masking` holds the main tables (names, token prefixes, markers
in text). The formats here need more than a table row: a name whose **last** part matters
(``UPSTREAM_AUTHORIZATION`` holds a header value, ``AUTHORIZATION_URL`` an endpoint), a value
that is a secret only under some names (``cn=admin,dc=org:pw`` under ``LDAP_BIND``), token
prefixes too short to trust without checking the body (``s.`` of a Vault service token),
and the one-typo test of near-miss names. docs/masking.md prints these tables too. Every
check is one pass over the value.
"""

from __future__ import annotations

import re

__all__ = [
    "LAST_PART_NAMES",
    "PAIR_NAMES",
    "VAULT_PREFIXES",
    "one_edit_apart",
    "pair_secret_start",
    "vault_token_shape",
]

LAST_PART_NAMES = frozenset({"AUTHORIZATION"})
"""The last ``_``-separated part of a sensitive name: ``AUTHORIZATION``,
``UPSTREAM_AUTHORIZATION`` hold an ``Authorization`` header value (``Basic YWRt...``), while
``OAUTH_AUTHORIZATION_URL`` names an endpoint and stays readable."""

PAIR_NAMES = frozenset({"BIND", "LOGIN", "USERPASS", "BASICAUTH", "USERINFO"})
"""The last part of a name whose value is ``user:password`` (``LDAP_BIND``, ``SMTP_LOGIN``):
what follows the first colon is masked, the user stays readable. A ``host:port`` (digits
after the colon) and a URL are left to the other rules."""

VAULT_PREFIXES = ("hvs.", "hvb.", "s.")
"""Vault and OpenBao tokens: ``hvs.``/``hvb.`` (service and batch tokens since Vault 1.10) and
the legacy ``s.`` service token (24+ base62 characters, mixed case and digits)."""

_TOKEN_BODY = re.compile(r"[A-Za-z0-9_\-]+")
_NAME_SPLIT = re.compile(r"[^A-Z0-9]+")


def vault_token_shape(prefix: str, body: str) -> bool:
    """True when ``body`` (after ``prefix``, one of :data:`VAULT_PREFIXES`) is a token's.

    Example:
        >>> vault_token_shape("s.", "Xq8Lm2Zp4Vb6Nc1Hd3Jf5Gs7"), vault_token_shape("s.", "example")
        (True, False)
    """
    if prefix == "s.":
        return (
            len(body) >= 24
            and body.isascii()
            and body.isalnum()
            and any(c.isdigit() for c in body)
            and any(c.islower() for c in body)
            and any(c.isupper() for c in body)
        )
    return (
        _TOKEN_BODY.fullmatch(body) is not None
        and any(c.isdigit() for c in body)
        and any(c.isalpha() for c in body)
    )


def one_edit_apart(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one insertion, deletion, substitution or swap:
    a name part one typo away from a sensitive word (``SECRT``) names a secret too.

    Example:
        >>> one_edit_apart("SECRT", "SECRET"), one_edit_apart("SCRIPT", "SECRET")
        (True, False)
    """
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    if la > lb:
        return a[i + 1 :] == b[i:]
    return a[i:] == b[i + 1 :]


def pair_secret_start(name: str, value: str) -> int | None:
    """Where the password of a ``user:password`` value starts, when ``name`` says it is one.

    Example:
        >>> pair_secret_start("LDAP_BIND", "cn=admin,dc=org:pw"), pair_secret_start("BIND", "h:80")
        (16, None)
    """
    parts = _NAME_SPLIT.split(name.upper())
    if not parts or parts[-1] not in PAIR_NAMES or "://" in value:
        return None
    colon = value.find(":")
    if colon <= 0 or colon == len(value) - 1 or value[colon + 1 :].isdigit():
        return None
    if any(c.isspace() for c in value):
        return None
    return colon + 1
