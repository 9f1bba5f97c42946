"""The set of secrets a set of variables holds, for masking copies of them anywhere.

A value is masked by its name, its shape or a marker (:mod:`confwarden.environment.masking`);
a **copy** of a secret has none of these (``COPY=${DB_PASSWORD}``, a validator quoting
``urlsplit(url).password``). Such copies are masked against the known secrets: the whole
values of sensitive variables and secret-shaped values, and the parts
:func:`~confwarden.environment.masking.mask_embedded` finds inside any value (URL passwords,
``password=`` of a DSN, JSON ``"password"`` members, webhook paths). Each value is scanned
once, in linear time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from confwarden.environment.formats import pair_secret_start
from confwarden.environment.known import MIN_KNOWN, forms_of
from confwarden.environment.masking import is_sensitive_name, looks_like_secret, secret_spans

__all__ = ["SecretValues", "secret_parts", "secrets_of"]


def secret_parts(value: str) -> list[str]:
    """The secrets masking hides inside ``value`` (by marker or shape), as strings.

    A URL password, a ``password=`` of a DSN, a JSON ``"password"`` member, a webhook path:
    once known, they are masked wherever they are copied (a validator quoting
    ``urlsplit(url).password``). One linear pass, as
    :func:`~confwarden.environment.masking.mask_embedded`.

    Example:
        >>> secret_parts("postgresql://app:s3cret@db/app")
        ['s3cret']
    """
    parts = []
    for start, end in secret_spans(value):
        part = value[start:end]
        parts.append(part)
        if "/" in part:
            # A webhook path: its last segment is the token a message may quote alone.
            parts.append(part.rstrip("/").rsplit("/", 1)[-1])
    return [part for part in parts if len(part) >= MIN_KNOWN]


def secrets_of(
    variables: Mapping[str, str | None], sensitive: Callable[[str], bool] = is_sensitive_name
) -> set[str]:
    """Every secret a set of variables holds: whole values of sensitive names (``sensitive``)
    and secret-shaped values, and the secret parts inside every value (a sensitive DSN's
    ``password=`` too: a message may quote the password alone).

    Example:
        >>> sorted(secrets_of({"DB_PASSWORD": "pw-one", "URL": "https://u:pw-two@h", "N": "3"}))
        ['pw-one', 'pw-two']
    """
    found: set[str] = set()
    for key, value in variables.items():
        if not value:
            continue
        if sensitive(key) or looks_like_secret(value):
            found.add(value)
        elif (start := pair_secret_start(key, value)) is not None:
            found.add(value[start:])  # the password of LDAP_BIND=cn=admin,dc=org:pw
        found.update(secret_parts(value))
    return found


class SecretValues:
    """The secrets of a set of variables, computed once and only when first asked for.

    A loaded configuration keeps one: its reprs and ``to_dict()`` mask a value copied from
    a secret (``COPY=${DB_PASSWORD}``, or a URL password copied alone) although the copy's
    own name says nothing. Loading stays as cheap as before: nothing is computed until a
    value is shown.

    Example:
        >>> SecretValues({"DB_PASSWORD": "pw-one", "COPY": "pw-one"}).values()
        frozenset({'pw-one'})
    """

    __slots__ = ("_forms", "_sensitive", "_values", "_variables")

    def __init__(
        self,
        variables: Mapping[str, str | None],
        sensitive: Callable[[str], bool] = is_sensitive_name,
    ) -> None:
        self._variables = variables
        self._sensitive = sensitive
        self._values: frozenset[str] | None = None
        self._forms: frozenset[str] | None = None

    def values(self) -> frozenset[str]:
        """The secret values (whole and parts), each at least 4 characters long."""
        if self._values is None:
            found = secrets_of(self._variables, self._sensitive)
            self._values = frozenset(v for v in found if len(v) >= MIN_KNOWN)
            self._variables = {}
        return self._values

    def forms(self) -> frozenset[str]:
        """Every form of every value (:func:`~confwarden.environment.known.forms_of`), once."""
        if self._forms is None:
            self._forms = forms_of(self.values())
        return self._forms

    def __repr__(self) -> str:
        return "<SecretValues>"
