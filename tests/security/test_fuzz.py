"""Fuzzing .env parsing and masking: no crash but DotenvError, no hang, no quadratic path.

Bounded (a fixed number of derandomized examples) so that it runs in ``make test`` in a few
seconds; the repeated-chunk strategy builds 5-80 KB inputs where a quadratic path would
take seconds, and every example is bounded in CPU time.
"""

from __future__ import annotations

import json
import re
import time
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from confwarden.environment.dotenv import parse_dotenv
from confwarden.environment.masking import MASK, mask_known, mask_text, mask_value
from confwarden.errors import DotenvError

SETTINGS = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CPU_BOUND = 1.0

# The characters that drive the lexer and the maskers.
SPECIAL = "=:@/?#&;'\"\\$ {}-_.\n\r\tAaZz09ëé\x00"
texts = st.text(alphabet=st.sampled_from(SPECIAL), max_size=400) | st.text(max_size=200)
hostile = st.builds(
    lambda chunk, times: chunk * times,
    st.text(alphabet=st.sampled_from(SPECIAL), min_size=1, max_size=8),
    st.integers(min_value=5_000, max_value=10_000),
)


def _cpu(call: object) -> float:
    start = time.process_time()
    call()  # type: ignore[operator]
    return time.process_time() - start


@SETTINGS
@given(text=texts | hostile)
def test_fuzz_parse_dotenv_raises_only_dotenv_error_quickly(text: str) -> None:
    def parse() -> None:
        lenient = parse_dotenv(text, environ={"HOME": "/h"}, strict=False)
        assert all(problem.line >= 1 for problem in lenient.problems)
        assert all(entry.key.isidentifier() for entry in lenient.entries)
        if lenient.problems:
            with pytest.raises(DotenvError) as error:
                parse_dotenv(text, environ={"HOME": "/h"}, strict=True)
            assert error.value.problems == lenient.problems
        else:
            strict = parse_dotenv(text, environ={"HOME": "/h"}, strict=True)
            assert strict.entries == lenient.entries

    assert _cpu(parse) < CPU_BOUND


@SETTINGS
@given(name=st.text(max_size=40), value=texts | hostile)
def test_fuzz_masking_never_crashes_and_stays_linear(name: str, value: str) -> None:
    def mask() -> None:
        shown = mask_value(name, value)
        assert isinstance(shown, str)
        assert isinstance(mask_text(value, [value[:12], name]), str)

    assert _cpu(mask) < CPU_BOUND


_PORT_LIKE = re.compile(r"\d{1,5}(?:[/?#\s]|\Z)")


def _readable(secret: str) -> bool:
    """Leave out the two shapes docs/masking.md lists as ambiguous: an '@' before a space
    (``u:a@b c@h``), and a space after digits and a delimiter, which reads as a port
    (``u:8000/ x@h`` is ``host:8000/`` followed by prose)."""
    if secret.strip() != secret or ("@" in secret and " " in secret):
        return False
    return not (" " in secret and _PORT_LIKE.match(secret))


password = st.text(
    alphabet=st.sampled_from("abcXYZ0189/#?@!$%^&()[]~+,;= "), min_size=8, max_size=24
).filter(_readable)
around = st.text(alphabet=st.sampled_from("ab :/=&?\n"), max_size=20)


@SETTINGS
@given(before=around, secret=password, after=around)
def test_fuzz_url_password_never_shows(before: str, secret: str, after: str) -> None:
    text = f"{before}postgresql://app:{secret}@db.internal/app{after}"
    # A password that the surrounding text also contains is not the password's leak.
    assume(secret not in f"{before}postgresql://app:***@db.internal/app{after}")
    shown = mask_value("SETTING", text)
    assert shown is not None
    assert secret not in shown


forms = st.sampled_from(
    [
        lambda s: s,
        lambda s: repr(s)[1:-1],
        str.upper,
        str.lower,
        lambda s: quote(s, safe=""),
        lambda s: json.dumps(s)[1:-1],
    ]
)


@SETTINGS
@given(
    secret=st.text(alphabet=st.sampled_from("abcXYZ019\\/ '\"\n%"), min_size=4, max_size=16),
    form=forms,
    before=st.text(max_size=20),
    after=st.text(max_size=20),
)
def test_fuzz_known_secret_never_shows_in_any_form(
    secret: str, form: object, before: str, after: str
) -> None:
    copied = form(secret)  # type: ignore[operator]
    shown = mask_known(f"{before}{copied}{after}", [secret])
    assert copied not in shown or copied in MASK
