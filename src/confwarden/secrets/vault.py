"""HashiCorp Vault and OpenBao KV stores as a source of configuration values (extra ``vault``).

The project's mappings (:mod:`confwarden.secrets.mapping`) name a KV path and a key per
variable: ``"app/{environment}/db#password"`` reads key ``password`` of the secret at
``app/staging/db``; without ``#key`` the key is ``value`` (so one mapping table,
``jwt-secret-key-{environment}``, serves Google Secret Manager and Vault alike). A pinned
version (``secret_versions``) reads that KV v2 version.

What the source takes care of:

* **KV v1 and v2** (``kv_version``), on any mount;
* **authentication**: a token, or AppRole (``role_id`` + ``secret_id``), logged in lazily;
* **leases**: the token is renewed once two thirds of its TTL have passed, and AppRole logs
  in again when it cannot be renewed (max TTL reached); a KV v1 value is re-read before its
  ``lease_duration`` (the refresh interval Vault gives) runs out;
* **changes**: :meth:`VaultSource.watch` polls KV v2 metadata (``current_version``, no value
  read) or re-reads KV v1 values and compares digests;
* **failures** name the path, never a value: permission denied, not found or deleted,
  sealed or unreachable store, timeouts, malformed values.

Example:
    >>> from confwarden.secrets.mapping import SecretMappings
    >>> source = VaultSource(  # doctest: +SKIP
    ...     "https://vault.internal:8200",
    ...     auth=AppRoleAuth(role_id="...", secret_id="..."),
    ...     mappings=SecretMappings({"POSTGRES_PASSWORD": "app/{environment}/db#password"}),
    ...     environment=Environment.STAGING,
    ... )
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from confwarden.environment.detection import Environment
from confwarden.environment.masking import mask_url
from confwarden.environment.provenance import Source, SourceKind
from confwarden.errors import MissingDependencyError
from confwarden.secrets._cache import SecretCache
from confwarden.secrets._remote import RemoteStatus
from confwarden.secrets.base import (
    SecretSourceError,
    SourceHit,
    SourceNotConfigured,
    SourceStatus,
    Subscription,
    ValueSource,
)
from confwarden.secrets.mapping import SecretMappings, SecretRef
from confwarden.secrets.registry import checked

__all__ = ["AppRoleAuth", "TokenAuth", "VaultSource", "VaultUnavailable"]

DEFAULT_KEY = "value"
_MAX_VALUE = 1 << 20  # a larger value is a mistake (a whole document mapped as one secret)
_REFUSALS = {  # hvac's exception class name -> what to tell the user
    "InvalidPath": "not found, or its latest version is deleted. Write it, or fix the mapping.",
}
_BAD_CREDENTIALS = {"Forbidden": "permission denied", "Unauthorized": "not authenticated"}
_BAD_LOGIN = {**_BAD_CREDENTIALS, "InvalidRequest": "invalid request"}  # AppRole: 400


class VaultUnavailable(SecretSourceError):
    """Vault did not answer (unreachable, timed out, sealed or failing)."""


@dataclass(frozen=True)
class TokenAuth:
    """Authenticate with a token (``VAULT_TOKEN``); never shown by ``repr``."""

    token: str = field(repr=False)


@dataclass(frozen=True)
class AppRoleAuth:
    """Authenticate with AppRole (``VAULT_ROLE_ID`` / ``VAULT_SECRET_ID``)."""

    role_id: str = field(repr=False)
    secret_id: str = field(repr=False)
    mount: str = "approle"


def _hvac() -> Any:
    try:
        import hvac
    except ImportError:
        raise MissingDependencyError("Vault/OpenBao", "vault", "hvac") from None
    return hvac


def split_ref(ref: SecretRef) -> tuple[str, str]:
    """``(path, key)`` of a mapped secret name ``path#key`` (key ``value`` by default)."""
    path, _, key = ref.name.partition("#")
    return path.strip("/"), key or DEFAULT_KEY


class VaultSource(ValueSource):
    """Values from a Vault/OpenBao KV mount, for the variables the mappings name.

    Args:
        url: the server address (``VAULT_ADDR``).
        auth: :class:`TokenAuth` or :class:`AppRoleAuth`.
        mappings: variable -> ``path#key`` (and pinned KV v2 versions).
        environment: the environment whose secrets are read.
        mount: the KV mount point.
        kv_version: 1 or 2.
        namespace: a Vault Enterprise / OpenBao namespace.
        timeout: seconds one request may take.
        ttl: seconds a value is kept before it is read again.
        poll_interval: seconds between two checks of :meth:`watch`.
        verify: TLS verification (True, False or a CA bundle path).
        clock: a monotonic clock (tests pass a fake one).
    """

    kind = SourceKind.SECRET
    consult_when_shadowed = False

    def __init__(
        self,
        url: str,
        *,
        auth: TokenAuth | AppRoleAuth,
        mappings: SecretMappings,
        environment: Environment,
        mount: str = "secret",
        kv_version: int = 2,
        namespace: str | None = None,
        timeout: float = 10.0,
        ttl: float = 300.0,
        poll_interval: float = 60.0,
        verify: bool | str = True,
        max_workers: int = 16,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if kv_version not in (1, 2):
            raise SecretSourceError(f"Vault: kv_version must be 1 or 2, got {kv_version!r}.")
        self.url = url
        self.mount = mount.strip("/")
        self.kv_version = kv_version
        self._shown_url = mask_url(url)  # a URL may carry a password: never in a name
        self.name = f"Vault {self._shown_url} ({self.mount}/, KV v{kv_version})"
        self.environment = environment
        self._auth = auth
        self._mapping = mappings.for_environment(environment)
        self._namespace, self._timeout, self._verify = namespace, timeout, verify
        self._ttl, self._poll_interval = ttl, poll_interval
        self._clock = clock
        self._lock = threading.Lock()  # guards the client, its login and token renewal
        self._client: Any = None
        self._token_renew_at: float | None = None
        self._cache = SecretCache(
            self._fetch,
            ttl=ttl,
            clock=clock,
            max_workers=max_workers,
            thread_name="confwarden-vault",
        )
        self._status = RemoteStatus(self.name)

    # -- authentication and leases ----------------------------------------------------------------

    def _logged_in(self) -> Any:
        """The client, logged in, with its token renewed when two thirds of its TTL passed."""
        with self._lock:
            if self._client is None:
                hvac = _hvac()
                self._client = hvac.Client(
                    url=self.url,
                    namespace=self._namespace,
                    timeout=self._timeout,
                    verify=self._verify,
                )
                try:
                    self._login()
                except SecretSourceError:
                    self._client = None  # not logged in: the next request tries again
                    raise
            elif self._token_renew_at is not None and self._clock() >= self._token_renew_at:
                self._renew()
            return self._client

    def _schedule_renewal(self, ttl: float, renewable: bool) -> None:
        if ttl > 0 and (renewable or isinstance(self._auth, AppRoleAuth)):
            self._token_renew_at = self._clock() + ttl * 2 / 3
        else:
            self._token_renew_at = None

    def _login(self) -> None:
        client = self._client
        auth_method = self._auth
        if isinstance(auth_method, AppRoleAuth):
            answer = self._guard(
                "AppRole login",
                lambda: client.auth.approle.login(
                    auth_method.role_id, auth_method.secret_id, mount_point=auth_method.mount
                ),
                refused=self._approle_refused,
            )
            auth = answer["auth"]
            self._schedule_renewal(float(auth["lease_duration"]), bool(auth["renewable"]))
            return
        client.token = auth_method.token
        data = self._guard(
            "token lookup", client.auth.token.lookup_self, refused=self._token_refused
        )["data"]
        self._schedule_renewal(float(data.get("ttl") or 0), bool(data.get("renewable")))

    def _renew(self) -> None:
        client = self._client
        try:
            answer = self._guard("token renewal", client.auth.token.renew_self)
            granted = float(answer["auth"]["lease_duration"])
        except VaultUnavailable:
            raise  # the schedule stays: renewal is tried again on the next request
        except SecretSourceError:
            granted = 0.0  # refused: the token is expired, revoked or not renewable
        if granted <= 0 or (isinstance(self._auth, AppRoleAuth) and granted < 1):
            if isinstance(self._auth, AppRoleAuth):
                self._login()  # the token reached its max TTL: a new one
                return
            self._token_renew_at = None
            return
        self._schedule_renewal(granted, True)

    def _token_refused(self, reason: str) -> SecretSourceError:
        return SourceNotConfigured(  # the token itself is refused: no policy can help
            f"VAULT_TOKEN is not a valid token for {self._shown_url} ({reason} on token "
            "lookup): it is wrong, expired or revoked; create a new one (`bao token create "
            "-policy=...`, `vault login`) and set VAULT_TOKEN."
        )

    def _approle_refused(self, reason: str) -> SecretSourceError:
        mount = self._auth.mount if isinstance(self._auth, AppRoleAuth) else "approle"
        return SourceNotConfigured(
            f"VAULT_ROLE_ID / VAULT_SECRET_ID were refused by {self._shown_url} ({reason} on "
            "AppRole login): the secret_id is wrong, expired or used up, or the role_id is "
            f"wrong; create a new secret_id (`bao write -f auth/{mount}/role/<role>/secret-id`) "
            "and set VAULT_SECRET_ID."
        )

    def _policy_path(self, path: str) -> str:
        return f"{self.mount}/data/{path}" if self.kv_version == 2 else f"{self.mount}/{path}"

    def _guard(
        self,
        what: str,
        call: Callable[[], Any],
        *,
        refused: Callable[[str], SecretSourceError] | None = None,
        policy: str | None = None,
    ) -> Any:
        """Run one request; every failure becomes a secret-free SecretSourceError.

        ``refused`` builds the error of a request refused for its credentials (a login);
        ``policy`` is the policy path to grant when a read is denied.
        """
        hvac = _hvac()
        exc_types = hvac.exceptions
        try:
            answer = call()
        except (exc_types.VaultDown, exc_types.InternalServerError, exc_types.BadGateway) as exc:
            error = VaultUnavailable(f"{what}: sealed or failing ({type(exc).__name__}).")
            self._status.down(str(error))
            raise error from None
        except exc_types.VaultError as exc:
            self._status.up()  # it answered: the request is what was refused
            kind = type(exc).__name__
            reason = _BAD_CREDENTIALS.get(kind) or _REFUSALS.get(kind, f"refused ({kind}).")
            if refused is not None and kind in _BAD_LOGIN:
                bad = refused(_BAD_LOGIN[kind])
                self._status.down(str(bad))  # no request can succeed without a login
                raise bad from None
            if kind in _BAD_CREDENTIALS:
                grant = f"read on {policy}" if policy else "read on that path"
                reason = (
                    f"{reason}. Grant the token's policy {grant} (or, if the token was "
                    "revoked since the service started, set a new one)."
                )
            raise SecretSourceError(f"{what}: {reason}") from None
        except Exception as exc:  # requests' connection errors and timeouts
            name = type(exc).__name__
            reason = (
                f"no answer within {self._timeout:g} s"
                if "Timeout" in name
                else f"cannot reach the server ({name})"
            )
            error = VaultUnavailable(f"{what}: {reason}. Check VAULT_ADDR.")
            self._status.down(str(error))
            raise error from None
        self._status.up()
        return answer

    # -- reading ----------------------------------------------------------------------------------

    def _read(self, ref: SecretRef) -> tuple[dict[str, Any], str | None, float]:
        """``(data, version, lease seconds)`` of the secret at ``ref``'s path."""
        path, _ = split_ref(ref)
        what = f"secret {path!r}" + (f" version {ref.version}" if ref.pinned else "")
        client = self._logged_in()
        if self.kv_version == 1:
            answer = self._guard(
                what,
                lambda: client.secrets.kv.v1.read_secret(path, mount_point=self.mount),
                policy=self._policy_path(path),
            )
            return answer.get("data") or {}, None, float(answer.get("lease_duration") or 0)
        version = int(ref.version) if ref.pinned else None
        answer = self._guard(
            what,
            lambda: client.secrets.kv.v2.read_secret_version(
                path, version=version, mount_point=self.mount, raise_on_deleted_version=True
            ),
            policy=self._policy_path(path),
        )
        body = answer.get("data") or {}
        metadata = body.get("metadata") or {}
        number = metadata.get("version")
        return body.get("data") or {}, None if number is None else str(number), 0.0

    def _fetch(self, ref: SecretRef) -> tuple[str, str | None, float]:
        path, key = split_ref(ref)
        data, version, lease = self._read(ref)
        if key not in data:
            raise SecretSourceError(
                f"secret {path!r} has no key {key!r} (it has "
                f"{len(data)} key(s)). Fix the mapping's '#key' or write the key."
            )
        raw = data[key]
        if isinstance(raw, bool) or not isinstance(raw, str | int | float):
            raise SecretSourceError(
                f"secret {path!r} key {key!r} is a {type(raw).__name__}, not "
                "text. Store the value as a string."
            )
        text = str(raw)
        if len(text) > _MAX_VALUE:
            raise SecretSourceError(
                f"secret {path!r} key {key!r} holds {len(text)} characters, more than the "
                "1 MiB a secret can be. Check the mapping points at the secret itself."
            )
        # A KV v1 value is read again before its lease (Vault's refresh interval) runs out.
        return text, version, self._ttl if lease <= 0 else min(self._ttl, lease * 2 / 3)

    def prefetch(self, variables: Iterable[str]) -> None:
        """Read the secrets of ``variables`` (those mapped) in parallel, into the cache."""
        self._cache.prefetch(
            (ref for v in variables if (ref := self._mapping.get(v)) is not None),
            before_parallel=self._logged_in,  # log in once, not in every thread
        )

    def lookup(self, variable: str) -> SourceHit | None:
        """The value mapped to ``variable``, or None when it is not mapped.

        Raises:
            SecretSourceError: the secret cannot be read (naming its path, never its value).
        """
        ref = self._mapping.get(variable)
        if ref is None:
            return None
        value, version = self._cache.value(ref)
        path, key = split_ref(ref)
        return SourceHit(
            variable,
            value,
            Source(
                SourceKind.SECRET,
                detail=f"{self.mount}/{path}#{key}",
                path=self.name,
                version=version,
            ),
        )

    def current_version(self, variable: str) -> str | None:
        """The current KV v2 version of ``variable``'s secret (metadata only); None for KV v1
        or an unmapped variable."""
        ref = self._mapping.get(variable)
        if ref is None or self.kv_version == 1:
            return None
        return self._metadata_version(ref)

    def _metadata_version(self, ref: SecretRef) -> str:
        path, _ = split_ref(ref)
        client = self._logged_in()
        answer = self._guard(
            f"metadata of {path!r}",
            lambda: client.secrets.kv.v2.read_secret_metadata(path, mount_point=self.mount),
            policy=f"{self.mount}/metadata/{path}",
        )
        return str((answer.get("data") or {}).get("current_version"))

    # -- health and changes -----------------------------------------------------------------------

    def status(self) -> SourceStatus:
        """Up while Vault answers; down (with the reason) after a failed request."""
        return self._status.snapshot()

    def watch(self, on_change: Callable[[frozenset[str]], None]) -> Subscription | None:
        """Poll for new versions (KV v2 metadata) or changed values (KV v1 digests).

        Returns None when every mapped secret is a pinned KV v2 version.
        """
        watched = {
            v: ref for v, ref in self._mapping.items() if self.kv_version == 1 or not ref.pinned
        }
        if not watched:
            return None

        def digest(value: object) -> str:
            return hashlib.sha256(str(value).encode("utf-8")).hexdigest()

        def current(ref: SecretRef) -> str:
            if self.kv_version == 2:
                return self._metadata_version(ref)
            data, _, _ = self._read(ref)
            return digest(data.get(split_ref(ref)[1]))

        return self._cache.watch(
            watched,
            on_change,
            current=current,
            marker=lambda kept: kept.version if self.kv_version == 2 else digest(kept.value),
            interval=self._poll_interval,
            name="confwarden-vault-watch",
        )


_SETTINGS: dict[str, type | tuple[type, ...]] = {
    "url": str,
    "mount": str,
    "kv_version": int,
    "namespace": str,
    "auth": str,
    "approle_mount": str,
    "role_id": str,
    "timeout": (int, float),
    "ttl": (int, float),
    "poll_interval": (int, float),
    "verify": (bool, str),
    "environments": list,
}


def _env(environ: Mapping[str, str], *names: str) -> str | None:
    return next((environ[n] for n in names if environ.get(n)), None)


def from_settings(
    settings: Mapping[str, Any],
    *,
    mappings: SecretMappings,
    environment: Environment,
    environ: Mapping[str, str],
) -> VaultSource:
    """A source from ``[tool.confwarden.secret_sources.vault]`` (see
    :mod:`confwarden.secrets.registry`).

    ``url`` falls back to ``VAULT_ADDR`` (``BAO_ADDR``); credentials come from the
    environment only: ``VAULT_TOKEN`` for ``auth = "token"`` (the default when it is set),
    ``VAULT_ROLE_ID`` and ``VAULT_SECRET_ID`` for ``auth = "approle"``.
    """
    values = checked(settings, "vault", _SETTINGS)
    url = values.get("url") or _env(environ, "VAULT_ADDR", "BAO_ADDR")
    if not url:
        raise SecretSourceError(
            "Vault: no address. Set [tool.confwarden.secret_sources.vault] url or VAULT_ADDR."
        )
    token = _env(environ, "VAULT_TOKEN", "BAO_TOKEN")
    method = values.get("auth", "token" if token else "approle")
    auth: TokenAuth | AppRoleAuth
    if method == "token":
        if not token:
            raise SecretSourceError("Vault: auth is 'token' but VAULT_TOKEN is not set.")
        auth = TokenAuth(token)
    elif method == "approle":
        role_id = values.get("role_id") or _env(environ, "VAULT_ROLE_ID", "BAO_ROLE_ID")
        secret_id = _env(environ, "VAULT_SECRET_ID", "BAO_SECRET_ID")
        if not role_id or not secret_id:
            raise SecretSourceError(
                "Vault: auth is 'approle' but VAULT_ROLE_ID or VAULT_SECRET_ID is not set."
            )
        auth = AppRoleAuth(role_id, secret_id, values.get("approle_mount", "approle"))
    else:
        raise SecretSourceError(f"Vault: auth must be 'token' or 'approle', got {method!r}.")
    options = {
        k: values[k]
        for k in ("mount", "kv_version", "timeout", "ttl", "poll_interval", "verify")
        if k in values
    }
    return VaultSource(
        url,
        auth=auth,
        mappings=mappings,
        environment=environment,
        namespace=values.get("namespace") or _env(environ, "VAULT_NAMESPACE"),
        **options,
    )
