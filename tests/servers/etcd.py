"""A real etcd for integration tests: one node or a 3-node cluster on 127.0.0.1.

Each member is the Debian ``etcd`` binary with free loopback client and peer ports and a
temporary data directory; it is started, killed (SIGKILL, to lose a leader mid-watch),
paused (SIGSTOP: a server that accepts connections and never answers) and stopped by PID.
:class:`EtcdWriter` puts and deletes keys through the same client library the source uses.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aetcd
import pytest
from tests.servers import free_port
from tests.servers.process import LoggedProcess

from confwarden.secrets.base import ValueSource

__all__ = [
    "EtcdCluster",
    "EtcdMember",
    "EtcdWriter",
    "etcd_server",
    "eventually_down",
    "lone_etcd",
    "start_etcd",
]

_READY = "ready to serve client requests"


@dataclass
class EtcdMember:
    """One etcd process and how to reach it."""

    name: str
    client_port: int
    peer_port: int
    data_dir: str
    cluster: str = field(repr=False)
    running: LoggedProcess | None = field(default=None, repr=False)

    @property
    def endpoint(self) -> str:
        """``127.0.0.1:<client port>``."""
        return f"127.0.0.1:{self.client_port}"

    @property
    def pid(self) -> int:
        """The running process id."""
        assert self.running is not None
        return self.running.pid

    def start(self, *, wait: bool = True) -> threading.Event:
        """Start (or restart, keeping the data) and wait for the ready line."""
        executable = shutil.which("etcd")
        if executable is None:
            raise RuntimeError("etcd is not installed: run `make system-deps`")
        peer = f"http://127.0.0.1:{self.peer_port}"
        client = f"http://127.0.0.1:{self.client_port}"
        self.running = LoggedProcess.start(
            [executable, "--name", self.name, "--data-dir", self.data_dir,
             "--listen-client-urls", client, "--advertise-client-urls", client,
             "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
             "--initial-cluster", self.cluster, "--initial-cluster-state", "new",
             "--initial-cluster-token", "confwarden-tests",
             "--heartbeat-interval", "50", "--election-timeout", "500"],
            ready_line=_READY, name=f"etcd-log-{self.name}",
        )  # fmt: skip
        if wait:
            self.running.wait_ready(f"etcd {self.name}", timeout=60)
        return self.running.ready

    def kill(self) -> None:
        """SIGKILL by PID (a crash), and reap it."""
        self._end(signal.SIGKILL)

    def stop(self) -> None:
        """SIGTERM by PID, SIGKILL if it does not stop, and reap it."""
        self._end(signal.SIGTERM)

    def pause(self) -> None:
        """SIGSTOP: connections stay open, nothing answers (a slow or partitioned server)."""
        os.kill(self.pid, signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT after :meth:`pause`."""
        os.kill(self.pid, signal.SIGCONT)

    def _end(self, sig: signal.Signals) -> None:
        if self.running is not None:
            self.running.stop(sig)
            self.running = None


@dataclass
class EtcdCluster:
    """Members of one cluster (one for a single node)."""

    members: list[EtcdMember]
    base_dir: str

    @property
    def endpoints(self) -> list[str]:
        """Every member's ``host:port``."""
        return [m.endpoint for m in self.members]

    def leader(self) -> EtcdMember:
        """The current leader (asked of the first running member)."""
        for member in self.members:
            if member.running is None:
                continue
            name = asyncio.run(_leader_name(member))
            if name is not None:
                return next(m for m in self.members if m.name == name)
        raise RuntimeError("no etcd member knows a leader")

    def stop(self) -> None:
        """Stop every member by PID and remove the data."""
        for member in self.members:
            member.stop()
        shutil.rmtree(self.base_dir, ignore_errors=True)


async def _leader_name(member: EtcdMember) -> str | None:
    async with aetcd.Client("127.0.0.1", member.client_port, timeout=5) as client:
        status = await client.status()
        return None if status.leader is None else str(status.leader.name)


def start_etcd(size: int = 1) -> EtcdCluster:
    """Start ``size`` members on free loopback ports and wait until all are ready."""
    base = Path(tempfile.mkdtemp(prefix="cw-etcd", dir="/tmp"))
    ports: set[int] = set()
    while len(ports) < 2 * size:
        ports.add(free_port())
    pairs = list(zip(sorted(ports)[::2], sorted(ports)[1::2], strict=True))
    cluster = ",".join(f"m{i}=http://127.0.0.1:{peer}" for i, (_, peer) in enumerate(pairs))
    members = [
        EtcdMember(f"m{i}", client, peer, str(base / f"m{i}"), cluster)
        for i, (client, peer) in enumerate(pairs)
    ]
    events = [m.start(wait=False) for m in members]  # members need each other to elect
    for member, ready in zip(members, events, strict=True):
        if not ready.wait(timeout=60):
            for other in members:
                other.kill()
            shutil.rmtree(base, ignore_errors=True)
            raise RuntimeError(f"etcd {member.name} did not become ready")
    return EtcdCluster(members, str(base))


class EtcdWriter:
    """Put and delete keys from a test (aetcd on its own loop thread, every endpoint tried)."""

    def __init__(self, endpoints: list[str]) -> None:
        self.endpoints = endpoints
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._client: Any = None

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(60)

    async def _with_client(self, operation: str, *args: bytes | int) -> Any:
        last: Exception | None = None
        for _ in range(40):  # a cluster electing a new leader answers within a few seconds
            for endpoint in self.endpoints:
                if self._client is None:
                    host, _, port = endpoint.rpartition(":")
                    self._client = aetcd.Client(host, int(port), timeout=2)
                try:
                    return await getattr(self._client, operation)(*args)
                except Exception as exc:
                    last = exc
                    await self._client.close()
                    self._client = None
            await asyncio.sleep(0.25)
        raise RuntimeError(f"etcd {operation} failed on every endpoint: {last!r}")

    def put(self, key: str, value: str | bytes) -> int:
        """Put ``key`` and return the new revision."""
        data = value.encode() if isinstance(value, str) else value
        response = self._run(self._with_client("put", key.encode(), data))
        return int(response.header.revision)

    def delete(self, key: str) -> None:
        """Delete ``key``."""
        self._run(self._with_client("delete", key.encode()))

    def compact(self, revision: int) -> None:
        """Compact the history up to ``revision`` (older revisions can no longer be watched)."""
        self._run(self._with_client("compact", revision))

    def close(self) -> None:
        """Close the client and the loop thread."""
        if self._client is not None:
            self._run(self._client.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


def eventually_down(source: ValueSource, *, seconds: float) -> bool:
    """Whether ``source`` reports itself down within ``seconds``.

    Polled (every 50 ms): no event announces that a watch broke or that a member stopped
    answering.
    """
    deadline = time.monotonic() + seconds
    tick = threading.Event()
    while source.status().up:
        if time.monotonic() > deadline:
            return False
        tick.wait(0.05)
    return True


@pytest.fixture(scope="session")
def etcd_server() -> Iterator[EtcdCluster]:
    """A single-node etcd for the whole session of this (xdist) worker."""
    cluster = start_etcd(1)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def lone_etcd() -> Iterator[EtcdCluster]:
    """A single-node etcd of one test's own, which the test may kill, pause or restart."""
    cluster = start_etcd(1)
    try:
        yield cluster
    finally:
        cluster.stop()
