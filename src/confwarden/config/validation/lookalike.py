"""Look-alike variable names: a Cyrillic letter or an invisible character in a name.

``РOSTGRES_USER`` (Cyrillic Er) and ``POSTGRES\u200b_DB`` (a zero-width space pasted from a
chat or a wiki) look right in every terminal and set nothing: the real name stays unset and
the service runs with a default, or fails on "POSTGRES_DB is not set" next to a line that
plainly sets it. :func:`skeleton` maps a name to what it looks like (Unicode NFKC, format
characters dropped, Cyrillic and Greek letters that look Latin replaced), so the unknown-variable
rule can say "did you mean POSTGRES_DB?" and show the odd characters escaped.
"""

from __future__ import annotations

import unicodedata

__all__ = ["CONFUSABLES", "odd_characters", "skeleton"]

# Letters drawn like Latin ones in common fonts (a subset of Unicode's confusables.txt that
# covers the Cyrillic and Greek letters seen in pasted variable names).
CONFUSABLES: dict[str, str] = {
    **dict(zip("АВЕЗІЈКМНОРСТУХЅԀҮ", "ABE3IJKMHOPCTYXSDY", strict=True)),
    **dict(zip("аеорсухіјѕԁһӏ", "aeopcyxijsdhl", strict=True)),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
    **dict(zip("οινρκ", "oivpk", strict=True)),
}


def skeleton(name: str) -> str:
    """What ``name`` looks like: NFKC, no format characters, look-alike letters made Latin.

    Example:
        >>> skeleton("\\u0420OSTGRES_USER"), skeleton("POSTGRES\\u200b_DB")
        ('POSTGRES_USER', 'POSTGRES_DB')
    """
    normalized = unicodedata.normalize("NFKC", name)
    kept = (c for c in normalized if unicodedata.category(c) != "Cf" and not c.isspace())
    return "".join(CONFUSABLES.get(c, c) for c in kept)


def odd_characters(name: str) -> str:
    """The non-ASCII characters of ``name``, described (``U+0420 CYRILLIC CAPITAL LETTER ER``).

    Example:
        >>> odd_characters("POSTGRES\\u200b_DB")
        'U+200B ZERO WIDTH SPACE'
    """
    seen = dict.fromkeys(c for c in name if not c.isascii())
    return ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'UNNAMED')}" for c in seen)
