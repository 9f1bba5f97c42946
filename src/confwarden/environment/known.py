"""Known secrets in free text: the forms a secret takes when copied, and their masking.

An exception message or a log line is not a ``name=value`` pair: the only way to hide a
secret in it is to know the secret. This module masks every known secret in the forms it is
usually copied in (``repr`` and JSON escapes, percent-encoding, base64, hex, bytes ``repr``)
and in any letter case, with substring searches only (linear in the text per form).
:mod:`confwarden.environment.masking` re-exports both functions; the rules for values by
name, shape and marker live there.
"""

from __future__ import annotations

from collections.abc import Iterable

from confwarden.environment.scanning import apply_spans

__all__ = ["MIN_KNOWN", "forms_of", "known_forms", "mask_forms", "mask_known"]

MIN_KNOWN = 4  # masking "a" everywhere would destroy the text and reveal more than it hides


def known_forms(secret: str) -> set[str]:
    """The forms a secret takes when copied into a message, besides itself.

    ``repr`` and JSON escapes, percent-encoding (both flavours), base64 (standard and
    URL-safe, padded or not), hex and the ``repr`` of its UTF-8 bytes. Case variants are
    matched by :func:`mask_known` directly.

    Example:
        >>> sorted(known_forms("a/b c"))[:3]
        ['612f622063', 'YS9iIGM', 'YS9iIGM=']
    """
    # Imported here: only an error message being built needs them, never an import or a read.
    import base64
    import json
    from urllib.parse import quote, quote_plus

    forms = {
        secret,
        repr(secret)[1:-1],
        json.dumps(secret)[1:-1],
        quote(secret, safe=""),
        quote_plus(secret, safe=""),
    }
    raw = secret.encode("utf-8", "surrogatepass")
    forms.add(raw.hex())
    forms.add(repr(raw)[2:-1])
    for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        text = encoded.decode("ascii")
        forms.add(text)
        forms.add(text.rstrip("="))
    return {form for form in forms if len(form) >= MIN_KNOWN}


def forms_of(secrets: Iterable[str | None]) -> frozenset[str]:
    """Every form of every secret long enough to be masked (see :func:`known_forms`)."""
    forms: set[str] = set()
    for secret in secrets:
        if secret and len(secret) >= MIN_KNOWN:
            forms |= known_forms(secret)
    return frozenset(forms)


def mask_known(text: str, secrets: Iterable[str | None]) -> str:
    """Replace every known secret in ``text``, in any of its usual forms and any letter case.

    Args:
        text: a message about to be shown (exception, log line).
        secrets: every sensitive value the caller knows of; ``None``, empty and values
            shorter than 4 characters are ignored.

    Example:
        >>> mask_known("bad value 'S3CRET\\\\n' (s3cret%0a)", ["s3cret\\n"])
        "bad value '***' (***)"
    """
    return mask_forms(text, forms_of(secrets))


def mask_forms(text: str, forms: frozenset[str]) -> str:
    """:func:`mask_known` with the forms computed once (:func:`forms_of`), for many texts."""
    if not forms or not text:
        return text
    ascii_text = text.isascii()
    haystack = text.lower() if ascii_text else text
    spans: list[tuple[int, int]] = []
    for form in forms:
        variants = (form.lower(),) if ascii_text else (form, form.lower(), form.upper())
        for variant in variants:
            start = haystack.find(variant)
            while start >= 0:
                spans.append((start, start + len(variant)))
                start = haystack.find(variant, start + len(variant))
    return apply_spans(text, spans)
