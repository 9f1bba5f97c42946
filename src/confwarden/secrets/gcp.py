"""Google Secret Manager as a source of configuration values (extra ``gcp``).

pydantic-settings' Secret Manager source lists and fetches every secret of a project
eagerly, one request after another. This one fetches only the secrets the schema reads and
the project maps (:mod:`confwarden.secrets.mapping`), all at once in parallel
(:meth:`GoogleSecretManagerSource.prefetch`), keeps them for a TTL, and:

* verifies the CRC32C checksum the server sends with each payload (the client library does
  not), so a corrupted answer is refused, not used;
* retries 429 and 503 answers a bounded number of times with exponential backoff;
* names the secret (never the value) in every error: 403 "permission denied", 404 "not
  found or no enabled version", a timeout, an unreachable endpoint;
* reads pinned versions (``secret_versions`` in the mappings) or ``latest``, and reports the
  version read as the value's provenance;
* tells :meth:`~confwarden.secrets.base.ValueSource.status` whether the store answers and
  polls the ``latest`` versions' metadata in :meth:`watch` (no payload is read to notice a
  new version).

Example:
    >>> from confwarden.secrets.mapping import SecretMappings
    >>> source = GoogleSecretManagerSource(  # doctest: +SKIP
    ...     "my-project",
    ...     mappings=SecretMappings({"JWT_SECRET_KEY": "jwt-secret-key-{environment}"}),
    ...     environment=Environment.PRODUCTION,
    ... )
"""

from __future__ import annotations

import importlib
import ipaddress
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from confwarden.environment.detection import Environment
from confwarden.environment.provenance import Source, SourceKind
from confwarden.errors import MissingDependencyError
from confwarden.secrets._cache import SecretCache
from confwarden.secrets._crc32c import crc32c
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

__all__ = ["GoogleSecretManagerSource", "SecretManagerUnavailable", "make_client"]

_RETRIED = (429, 503)
_CREDENTIALS_RETRY = 30.0  # seconds a missing-credentials answer is reused before asking again
_MAX_PAYLOAD = 64 * 1024  # Secret Manager's own limit; anything larger is not a real payload


class SecretManagerUnavailable(SecretSourceError):
    """The store did not answer (unreachable, timed out, or still 429/503 after retries)."""


def _client_module() -> Any:
    try:
        return importlib.import_module("google.cloud.secretmanager")
    except ImportError:
        raise MissingDependencyError(
            "Google Secret Manager", "gcp", "google-cloud-secret-manager"
        ) from None


def make_client(
    endpoint: str | None = None, *, anonymous: bool = False, pool_size: int = 32
) -> Any:
    """A ``SecretManagerServiceClient``; with ``endpoint``, over REST to that address.

    Args:
        endpoint: ``host:port`` or ``http(s)://host:port`` (a private endpoint, a local test
            server); None for Google's (gRPC: parallel requests share one HTTP/2 channel).
        anonymous: send no credentials (local test servers only).
        pool_size: kept-alive REST connections; requests' default of 10 would open and
            drop a connection for every parallel fetch beyond the tenth.

    Raises:
        MissingDependencyError: the ``gcp`` extra is not installed.
        SourceNotConfigured: no Google credentials are found (application default
            credentials: ``GOOGLE_APPLICATION_CREDENTIALS``, gcloud, the metadata server).
    """
    module = _client_module()
    options: dict[str, Any] = {}
    if endpoint is not None:
        options = {"transport": "rest", "client_options": {"api_endpoint": endpoint}}
    if anonymous:
        from google.auth.credentials import AnonymousCredentials

        options["credentials"] = AnonymousCredentials()  # type: ignore[no-untyped-call]
    from google.auth import exceptions as auth_exceptions

    try:
        client = module.SecretManagerServiceClient(**options)
    except auth_exceptions.DefaultCredentialsError:
        raise SourceNotConfigured(_no_credentials()) from None
    session = getattr(getattr(client, "_transport", None), "_session", None)
    if endpoint is not None and session is not None:
        from requests.adapters import HTTPAdapter

        for scheme in ("http://", "https://"):
            session.mount(scheme, HTTPAdapter(pool_connections=1, pool_maxsize=pool_size))
        if _is_loopback(endpoint):
            # No proxy applies to a loopback address; skipping the per-request proxy lookup
            # in the environment saves a fifth of a local fetch's CPU time.
            session.trust_env = False
    return client


def _no_credentials() -> str:
    named = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    where = (
        f" (GOOGLE_APPLICATION_CREDENTIALS names {named!r}, which cannot be used)" if named else ""
    )
    return (
        f"Google Secret Manager: no Google credentials{where}: run `gcloud auth "
        "application-default login` or set GOOGLE_APPLICATION_CREDENTIALS (or use a service "
        "account)."
    )


def _is_loopback(endpoint: str) -> bool:
    host = endpoint.split("://", 1)[-1].rsplit(":", 1)[0].strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class GoogleSecretManagerSource(ValueSource):
    """Values from Google Secret Manager, for the variables the mappings name.

    Args:
        project: the Google Cloud project id (from configuration: ``[tool.confwarden.
            secret_sources.gcp] project`` or ``GOOGLE_CLOUD_PROJECT``).
        mappings: variable -> stored secret (and pinned versions).
        environment: the environment whose secrets are read.
        client: a ``SecretManagerServiceClient`` (default: one with application default
            credentials; tests pass one on a local endpoint).
        ttl: seconds a ``latest`` value is kept before it is fetched again; pinned versions
            never change and are kept for the life of the source.
        timeout: seconds one request may take.
        attempts: requests per secret when the store answers 429 or 503 (bounded).
        backoff: the first retry's wait in seconds, doubled on each retry.
        max_workers: parallel requests of one :meth:`prefetch`.
        poll_interval: seconds between two version checks of :meth:`watch`.
        clock: a monotonic clock (tests pass a fake one for the TTL).
        sleep: how retries wait (tests pass a recorder).
    """

    kind = SourceKind.SECRET
    consult_when_shadowed = False

    def __init__(
        self,
        project: str,
        *,
        mappings: SecretMappings,
        environment: Environment,
        client: Any = None,
        ttl: float = 300.0,
        timeout: float = 10.0,
        attempts: int = 4,
        backoff: float = 0.2,
        max_workers: int = 32,
        poll_interval: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not project:
            raise SecretSourceError(
                "Google Secret Manager: no project given. Set [tool.confwarden.secret_sources."
                "gcp] project or GOOGLE_CLOUD_PROJECT."
            )
        self.project = project
        self.name = f"Google Secret Manager (project {project})"
        self.environment = environment
        self._mapping = mappings.for_environment(environment)
        self._client = client
        self._ttl, self._timeout = ttl, timeout
        self._attempts, self._backoff = max(1, attempts), backoff
        self._poll_interval = poll_interval
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()  # guards the lazy client
        self._client_error: tuple[SourceNotConfigured, float] | None = None
        self._cache = SecretCache(
            self._fetch,
            ttl=ttl,
            clock=clock,
            max_workers=max_workers,
            thread_name="confwarden-gcp",
        )
        self._status = RemoteStatus(self.name)

    # -- the client -------------------------------------------------------------------------------

    @property
    def client(self) -> Any:
        """The Secret Manager client, created on first use (the import is lazy).

        Raises:
            SourceNotConfigured: no Google credentials; the source is marked down, and the
                answer is reused for 30 s (a parallel fetch asks once, not per secret).
        """
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._new_client()
        return self._client

    def _new_client(self) -> Any:
        failed = self._client_error
        if failed is not None and self._clock() - failed[1] < _CREDENTIALS_RETRY:
            raise failed[0]
        try:
            return make_client()
        except SourceNotConfigured as exc:
            self._client_error = (exc, self._clock())
            self._status.down(str(exc))
            raise

    def _path(self, ref: SecretRef) -> str:
        return f"projects/{self.project}/secrets/{ref.name}/versions/{ref.version}"

    def _call(self, method: str, ref: SecretRef) -> Any:
        """One API call with bounded retries on 429/503; every failure names the secret."""
        from google.api_core import exceptions as gexc

        what = f"secret {ref.name!r} (version {ref.version}, project {self.project})"
        client = self.client  # outside the catch-all below: missing credentials are no answer
        for attempt in range(self._attempts):
            try:
                answer = getattr(client, method)(
                    name=self._path(ref), retry=None, timeout=self._timeout
                )
            except gexc.GoogleAPICallError as exc:
                code = exc.code or 0
                if code in _RETRIED and attempt + 1 < self._attempts:
                    self._sleep(self._backoff * (2**attempt))
                    continue
                if code in _RETRIED or code >= 500:
                    error: SecretSourceError = SecretManagerUnavailable(
                        f"{what}: the store answered {code} "
                        f"{_reason(exc)} {self._attempts} time(s). Retry later, or check "
                        "the API quota of the project."
                    )
                    self._status.down(str(error))
                    raise error from None
                self._status.up()
                raise SecretSourceError(_client_error(what, exc)) from None
            except Exception as exc:  # requests' connection errors and timeouts, parse errors
                error = _transport_error(what, exc, self._timeout)
                if isinstance(error, SecretManagerUnavailable):
                    self._status.down(str(error))
                raise error from None
            self._status.up()
            return answer
        raise AssertionError("unreachable")  # pragma: no cover

    # -- fetching ---------------------------------------------------------------------------------

    def _fetch(self, ref: SecretRef) -> tuple[str, str, float]:
        answer = self._call("access_secret_version", ref)
        value = _verified(ref, answer.payload)
        return value, _version(answer) or ref.version, self._ttl

    def prefetch(self, variables: Iterable[str]) -> None:
        """Fetch the secrets of ``variables`` (those mapped) in parallel, into the cache.

        Failures are kept and raised by :meth:`lookup` for the variables asked for.
        """
        self._cache.prefetch(ref for v in variables if (ref := self._mapping.get(v)) is not None)

    def lookup(self, variable: str) -> SourceHit | None:
        """The value of the secret mapped to ``variable``, or None when it is not mapped.

        Raises:
            SecretSourceError: the secret cannot be read (naming it, never its value).
        """
        ref = self._mapping.get(variable)
        if ref is None:
            return None
        value, version = self._cache.value(ref)
        return SourceHit(
            variable,
            value,
            Source(SourceKind.SECRET, detail=ref.name, path=self.name, version=version),
        )

    def current_version(self, variable: str) -> str | None:
        """The version number ``variable``'s secret resolves to now (``latest`` resolved),
        from metadata only (no payload is read); None when unmapped.

        Raises:
            SecretSourceError: the version cannot be read.
        """
        ref = self._mapping.get(variable)
        if ref is None:
            return None
        return _version(self._call("get_secret_version", ref))

    # -- health and changes -----------------------------------------------------------------------

    def status(self) -> SourceStatus:
        """Up while the store answers; down (with the reason) after a failed request."""
        return self._status.snapshot()

    def watch(self, on_change: Callable[[frozenset[str]], None]) -> Subscription | None:
        """Poll the ``latest`` versions' metadata every ``poll_interval`` seconds.

        ``on_change`` receives the variables whose secret has a new version (the cached
        value is dropped first, so the next load reads the new one). Returns None when
        every mapped secret is pinned.
        """
        watched = {v: ref for v, ref in self._mapping.items() if not ref.pinned}
        if not watched:
            return None
        return self._cache.watch(
            watched,
            on_change,
            current=lambda ref: _version(self._call("get_secret_version", ref)),
            marker=lambda kept: kept.version,
            interval=self._poll_interval,
            name="confwarden-gcp-watch",
        )


def _version(answer: Any) -> str:
    """The version number at the end of an answer's resource name."""
    return str(answer.name).rsplit("/", 1)[-1]


def _reason(exc: Any) -> str:
    status = getattr(exc, "grpc_status_code", None)
    return f"({status.name})" if status is not None else ""


def _client_error(what: str, exc: Any) -> str:
    code = exc.code or 0
    if code == 403:
        return (
            f"{what}: permission denied. Grant the service account "
            "roles/secretmanager.secretAccessor on the secret, and check the secret exists."
        )
    if code == 404:
        return (
            f"{what}: not found, or no enabled version. Create it (gcloud secrets "
            "create / versions add) or fix the mapping."
        )
    if code == 400:
        return f"{what}: the version is disabled or destroyed. Pin an enabled version."
    return f"{what}: the store refused the request ({code}). Check the request."


def _transport_error(what: str, exc: Exception, timeout: float) -> SecretSourceError:
    name = type(exc).__name__
    if "Timeout" in name:
        return SecretManagerUnavailable(
            f"{what}: no answer within {timeout:g} s. Check the network path to "
            "the endpoint, or raise the timeout."
        )
    if isinstance(exc, OSError) or "Connection" in name:
        return SecretManagerUnavailable(
            f"{what}: cannot reach the endpoint ({name}). Check the network and the api_endpoint."
        )
    # A parse error may quote the malformed answer: only its type is shown.
    return SecretSourceError(
        f"{what}: malformed answer from the store ({name}). Check the endpoint is Secret Manager."
    )


def _verified(ref: SecretRef, payload: Any) -> str:
    """The payload as text, after checking its size, checksum and encoding."""
    data = bytes(payload.data)
    what = f"secret {ref.name!r} (version {ref.version})"
    if len(data) > _MAX_PAYLOAD:
        raise SecretSourceError(f"{what}: payload larger than 64 KiB; refused.")
    if "data_crc32c" in payload and crc32c(data) != int(payload.data_crc32c):
        raise SecretSourceError(
            f"{what}: the payload's CRC32C checksum does not match; the answer was "
            "corrupted on the way and is refused. Retry; if it persists, add a new version."
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise SecretSourceError(
            f"{what}: the payload is not UTF-8 text. Store it as text (base64-encode binary keys)."
        ) from None


_SETTINGS: dict[str, type | tuple[type, ...]] = {
    "project": str,
    "endpoint": str,
    "credentials": str,
    "ttl": (int, float),
    "timeout": (int, float),
    "attempts": int,
    "poll_interval": (int, float),
    "environments": list,
}


def from_settings(
    settings: Mapping[str, Any],
    *,
    mappings: SecretMappings,
    environment: Environment,
    environ: Mapping[str, str],
) -> GoogleSecretManagerSource:
    """A source from ``[tool.confwarden.secret_sources.gcp]`` (see
    :mod:`confwarden.secrets.registry`).

    ``project`` falls back to ``GOOGLE_CLOUD_PROJECT``; ``endpoint`` (REST, for a private
    endpoint or a local test server) and ``credentials = "anonymous"`` (local servers only)
    are optional.
    """
    values = checked(settings, "gcp", _SETTINGS)
    credentials = values.get("credentials", "default")
    if credentials not in ("default", "anonymous"):
        raise SecretSourceError(
            '[tool.confwarden.secret_sources.gcp] credentials must be "default" or "anonymous".'
        )
    endpoint = values.get("endpoint")
    client = None
    if endpoint is not None or credentials == "anonymous":
        client = make_client(endpoint, anonymous=credentials == "anonymous")
    options = {k: values[k] for k in ("ttl", "timeout", "attempts", "poll_interval") if k in values}
    return GoogleSecretManagerSource(
        values.get("project") or environ.get("GOOGLE_CLOUD_PROJECT", ""),
        mappings=mappings,
        environment=environment,
        client=client,
        **options,
    )
