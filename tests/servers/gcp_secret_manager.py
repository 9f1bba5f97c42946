"""A local server speaking Google Secret Manager's REST protocol, with faults on demand.

Google ships no Secret Manager emulator, so the tests run the real client library (REST
transport, anonymous credentials, ``api_endpoint="http://127.0.0.1:PORT"``) against this
server. It answers the two calls confwarden makes:

* ``GET /v1/projects/{p}/secrets/{s}/versions/{v}:access`` -> ``{"name", "payload": {"data",
  "dataCrc32c"}}`` (``v`` a number or ``latest``);
* ``GET /v1/projects/{p}/secrets/{s}/versions/{v}`` -> the version's metadata;

and errors in Google's JSON shape (``{"error": {"code", "message", "status"}}``). Faults:
an answer delay, a wrong checksum, permission denied, a deleted secret, queued 429/503
answers, and stopping/restarting the server on the same port ("server killed").
"""

from __future__ import annotations

import base64
import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from tests.servers import free_port

__all__ = ["FakeSecretManager", "crc32c_bitwise", "gcp_secret_manager", "no_google_credentials"]

_STATUS = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


def crc32c_bitwise(data: bytes) -> int:
    """CRC32C (Castagnoli) computed bit by bit: independent of the library's table version."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


@dataclass
class _Version:
    data: bytes
    state: str = "ENABLED"


@dataclass
class FakeSecretManager:
    """The server's state; tests change it while the server runs (under ``lock``).

    Attributes:
        project: the project id the secrets live in.
        delay: seconds every answer waits (slow store; a large value makes the client time out).
        permission_denied: secret names answered with 403.
        wrong_crc: secret names answered with a checksum that does not match the payload.
        bad_base64: secret names whose payload is not valid base64 (a malformed answer).
        queued: secret name -> HTTP codes to answer (first) before the real answer.
        requests: every request path, in order.
        max_in_flight: the most requests served at the same time (parallel fetches).
    """

    project: str = "test-project"
    port: int = 0
    delay: float = 0.0
    permission_denied: set[str] = field(default_factory=set)
    wrong_crc: set[str] = field(default_factory=set)
    bad_base64: set[str] = field(default_factory=set)
    queued: dict[str, list[int]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    max_in_flight: int = 0
    _in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _secrets: dict[str, list[_Version]] = field(default_factory=dict, repr=False)
    _connections: set[socket.socket] = field(default_factory=set, repr=False)
    _server: ThreadingHTTPServer | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def endpoint(self) -> str:
        """The ``api_endpoint`` the client is given."""
        return f"http://127.0.0.1:{self.port}"

    def add_version(self, secret: str, value: str | bytes) -> int:
        """Store a new version of ``secret`` (created on first use); returns its number."""
        data = value.encode("utf-8") if isinstance(value, str) else value
        with self.lock:
            versions = self._secrets.setdefault(secret, [])
            versions.append(_Version(data))
            return len(versions)

    def delete_secret(self, secret: str) -> None:
        """Delete ``secret`` and every version (later reads answer 404)."""
        with self.lock:
            self._secrets.pop(secret, None)

    def disable_version(self, secret: str, version: int) -> None:
        """Disable one version (reads of it answer 400 FAILED_PRECONDITION, as Google does)."""
        with self.lock:
            self._secrets[secret][version - 1].state = "DISABLED"

    def access_count(self, secret: str) -> int:
        """How many ``:access`` requests asked for ``secret``."""
        with self.lock:
            return sum(1 for p in self.requests if f"/secrets/{secret}/" in p and ":access" in p)

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> None:
        """Listen on ``port`` (a free one on the first start, the same one on a restart)."""
        if not self.port:
            self.port = free_port()
        state = self

        class Handler(_Handler):
            fake = state

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop listening and drop open connections (the "server killed" fault)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        with self.lock:
            connections, self._connections = list(self._connections), set()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    # -- protocol ---------------------------------------------------------------------------------

    def answer(self, path: str) -> tuple[int, dict[str, object]]:
        """The status and JSON body for one GET ``path``."""
        with self.lock:
            self.requests.append(path)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            if self.delay:
                time.sleep(self.delay)
            return self._answer(path)
        finally:
            with self.lock:
                self._in_flight -= 1

    def _answer(self, path: str) -> tuple[int, dict[str, object]]:
        prefix = f"/v1/projects/{self.project}/secrets/"
        if not path.startswith(prefix):
            return _error(404, f"Project or resource {path} not found.")
        rest = path[len(prefix) :]
        access = rest.endswith(":access")
        if access:
            rest = rest[: -len(":access")]
        secret, _, tail = rest.partition("/versions/")
        if not secret or not tail or "/" in tail:
            return _error(404, f"Resource {path} not found.")
        full = f"projects/{self.project}/secrets/{secret}"
        with self.lock:
            queued = self.queued.get(secret)
            if queued:
                code = queued.pop(0)
                return _error(code, f"Temporary failure for {full}.")
            if secret in self.permission_denied:
                return _error(
                    403,
                    f"Permission 'secretmanager.versions.access' denied for resource "
                    f"'{full}/versions/{tail}' (or it may not exist).",
                )
            versions = list(self._secrets.get(secret, ()))
        if not versions:
            return _error(404, f"Secret [{full}] not found or has no versions.")
        if tail == "latest":
            enabled = [i for i, v in enumerate(versions) if v.state == "ENABLED"]
            if not enabled:
                return _error(404, f"Secret [{full}] not found or has no versions.")
            number = enabled[-1] + 1
        elif tail.isdigit() and 1 <= int(tail) <= len(versions):
            number = int(tail)
        else:
            return _error(404, f"Secret Version [{full}/versions/{tail}] not found.")
        version = versions[number - 1]
        name = f"{full}/versions/{number}"
        if not access:
            return 200, {"name": name, "state": version.state, "etag": f'"{number}"'}
        if version.state != "ENABLED":
            return _error(
                400, f"Secret Version [{name}] is in {version.state} state.", "FAILED_PRECONDITION"
            )
        crc = crc32c_bitwise(version.data)
        if secret in self.wrong_crc:
            crc ^= 0x1
        data = base64.b64encode(version.data).decode("ascii")
        if secret in self.bad_base64:
            data = "!!not base64!!"
        return 200, {"name": name, "payload": {"data": data, "dataCrc32c": str(crc)}}


def _error(code: int, message: str, status: str | None = None) -> tuple[int, dict[str, object]]:
    return code, {
        "error": {"code": code, "message": message, "status": status or _STATUS.get(code, "")}
    }


class _Handler(BaseHTTPRequestHandler):
    fake: FakeSecretManager
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in two writes: without this, Nagle's algorithm and the
        # client's delayed ACK add 40 ms to every answer on a kept-alive connection.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.fake.lock:
            self.fake._connections.add(self.connection)

    def finish(self) -> None:
        with self.fake.lock:
            self.fake._connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def do_GET(self) -> None:
        code, body = self.fake.answer(self.path.split("?", 1)[0])
        payload = json.dumps(body).encode("utf-8")
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            pass  # the client gave up (timeout) before the answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def gcp_secret_manager() -> Iterator[FakeSecretManager]:
    """A fresh Secret Manager server for one test, stopped at its end."""
    fake = FakeSecretManager()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture(params=["missing file", "nothing set"])
def no_google_credentials(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: Any
) -> list[str]:
    """A process without Google credentials, where ``google.auth.default()`` can reach nothing.

    Two cases: ``GOOGLE_APPLICATION_CREDENTIALS`` naming a missing file, and nothing set at
    all (no gcloud configuration either). The metadata-server check is switched off (its
    flag is read at import, so the module attribute is set too) and the metadata address
    points at a closed loopback port; the yielded list records any ping attempt, which the
    test asserts stayed empty.
    """
    from google.auth.compute_engine import _metadata

    pings: list[str] = []
    home = tmp_path_factory.mktemp("no-gcloud")
    for name in ("GOOGLE_CLOUD_PROJECT", "GOOGLE_API_KEY", "GAE_RUNTIME", "GCE_METADATA_ROOT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(home))
    monkeypatch.setenv("NO_GCE_CHECK", "True")
    monkeypatch.setenv("GCE_METADATA_HOST", "127.0.0.1:1")
    monkeypatch.setenv("GCE_METADATA_IP", "127.0.0.1:1")
    monkeypatch.setattr(_metadata, "_NO_GCE_CHECK", True)
    monkeypatch.setattr(_metadata, "ping", lambda *_a, **_k: pings.append("ping") or False)
    if request.param == "missing file":
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(home / "missing.json"))
    else:
        monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    return pings


def main(argv: list[str] | None = None) -> None:
    """Run the server in its own process (benchmarks): prints its endpoint, serves until killed.

    ``python -m tests.servers.gcp_secret_manager --delay 0.02 --secrets 100`` stores
    ``secret-000`` ... ``secret-099``.
    """
    import argparse
    import signal

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--project", default="test-project")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--secrets", type=int, default=0)
    args = parser.parse_args(argv)
    fake = FakeSecretManager(project=args.project, delay=args.delay)
    for i in range(args.secrets):
        fake.add_version(f"secret-{i:03d}", f"value-{i:03d}-" + "x" * 40)
    fake.start()
    print(fake.endpoint, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    fake.stop()


if __name__ == "__main__":
    main()
