"""A fleet on one etcd: 50 service processes watch one prefix; one change must reach them all.

Target (issue 13): record the 99th percentile of "etcd change -> new config in a service",
over every (change, process) pair, and the time until the last process has it. Each process
is a small Python service (an EtcdSource and a LiveConfig, ~50 MB) started by this script;
a single-node etcd on free loopback ports is started too. Everything is stopped by PID at
the end; the loop is bounded (20 changes, 30 s each at most).

Clocks: each member reports ``time.time()`` when its callback runs; the script compares with
``time.time()`` just before the put, on the same machine.
"""

from __future__ import annotations

import os
import queue
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from _harness import Measurement, absolute, report

PROCESSES = 50
CHANGES = 20
ROOT = Path(__file__).resolve().parents[1]

MEMBER = """
import sys, time
from typing import Annotated
from confwarden.config.live import LiveConfig
from confwarden.config.schema import ConfigSchema, Env
from confwarden.environment.detection import Environment
from confwarden.secrets.etcd import EtcdSource

class ServiceConfig(ConfigSchema):
    workers: Annotated[int, Env("WORKERS")] = 0

endpoint, prefix = sys.argv[1], sys.argv[2]
# 50 processes starting at once on a small machine: allow a slow first answer.
source = EtcdSource(endpoint, prefix, timeout=30)
live = LiveConfig(ServiceConfig, environment=Environment.PRODUCTION, env={}, remote=[source])
live.add_callback(lambda u: print(u.config.workers, time.time(), flush=True))
live.start()
print("ready", flush=True)
sys.stdin.read()  # until the script closes our stdin
live.close()
source.close()
"""


def percentile(samples: list[float], fraction: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure() -> tuple[list[float], list[float], float]:
    sys.path.insert(0, str(ROOT))
    from tests.servers.etcd import EtcdWriter, start_etcd

    cluster = start_etcd(1)
    writer = EtcdWriter(cluster.endpoints)
    prefix = "/confwarden/fleet/production/"
    writer.put(prefix + "WORKERS", "0")
    arrivals: queue.Queue[tuple[int, int, float]] = queue.Queue()
    members: list[subprocess.Popen[str]] = []
    readers: list[threading.Thread] = []
    environ = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    try:
        for index in range(PROCESSES):
            process = subprocess.Popen(
                [sys.executable, "-c", MEMBER, cluster.endpoints[0], prefix],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environ,
            )  # fmt: skip
            members.append(process)

            def read(index: int = index, process: subprocess.Popen[str] = process) -> None:
                assert process.stdout is not None
                for line in process.stdout:
                    first, _, second = line.strip().partition(" ")
                    if first == "ready":
                        arrivals.put((index, -1, 0.0))
                    else:
                        arrivals.put((index, int(first), float(second)))

            reader = threading.Thread(target=read, daemon=True)
            reader.start()
            readers.append(reader)
        for _ in range(PROCESSES):
            index, value, _ = arrivals.get(timeout=120)
            assert value == -1, f"member {index} reported before ready"
        memory = statistics.median(rss_mb(p.pid) for p in members)
        latencies: list[float] = []
        until_all: list[float] = []
        for n in range(1, CHANGES + 1):
            start = time.time()
            writer.put(prefix + "WORKERS", str(n))
            seen: dict[int, float] = {}
            while len(seen) < PROCESSES:
                index, value, at = arrivals.get(timeout=30)
                if value == n:
                    seen[index] = (at - start) * 1000
            latencies.extend(seen.values())
            until_all.append(max(seen.values()))
        return latencies, until_all, memory
    finally:
        for process in members:
            if process.stdin is not None:
                process.stdin.close()
        for process in members:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)
        for reader in readers:
            reader.join(timeout=10)
        for process in members:
            if process.stdout is not None:
                process.stdout.close()
        writer.close()
        cluster.stop()


def main() -> None:
    latencies, until_all, memory = measure()
    detail = (
        f"{PROCESSES} processes x {CHANGES} changes, one single-node etcd on 127.0.0.1, "
        f"median {statistics.median(latencies):.1f} ms, {memory:.0f} MB resident per process"
    )
    measurements: list[Measurement] = [
        absolute("fleet: change to new config per process, p99", percentile(latencies, 0.99),
                 "ms", at_most=500, detail=detail),
        absolute("fleet: change until the last process has it, p99",
                 percentile(until_all, 0.99), "ms", at_most=1000, detail=detail),
    ]  # fmt: skip
    report("etcd fleet fan-out", measurements)


if __name__ == "__main__":
    main()
