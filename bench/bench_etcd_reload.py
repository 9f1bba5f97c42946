"""etcd hot reload: a change in etcd until the application holds the new validated config.

Target (issue 13): over 200 changes on loopback, median under 100 ms and 99th percentile
under 500 ms. A local single-node etcd is started on free loopback ports in a temporary
directory and stopped by PID at the end; the loop is bounded (200 changes, 10 s each at most).

Each change is timed from just before the ``put`` (the writer's round trip included) to the
LiveConfig callback announcing the new snapshot: watch event, re-resolve, validation, swap.
"""

from __future__ import annotations

import queue
import statistics
import sys
import time
from pathlib import Path
from typing import Annotated

from _harness import Measurement, absolute, report
from confwarden.config.live import ConfigUpdate, LiveConfig
from confwarden.config.schema import ConfigSchema, Env
from confwarden.environment.detection import Environment
from confwarden.secrets.etcd import EtcdSource, etcd_prefix

CHANGES = 200


class ReloadConfig(ConfigSchema):
    workers: Annotated[int, Env("WORKERS")] = 1
    log_level: Annotated[str, Env("LOG_LEVEL")] = "INFO"
    feature_flags: Annotated[str, Env("FEATURE_FLAGS")] = ""


def percentile(samples: list[float], fraction: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def measure() -> list[float]:
    # The etcd test fixture starts and stops the server by PID (tests/servers/etcd.py).
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.servers.etcd import EtcdWriter, start_etcd

    cluster = start_etcd(1)
    writer = EtcdWriter(cluster.endpoints)
    prefix = etcd_prefix("bench", "production")
    source = EtcdSource(cluster.endpoints, prefix)
    try:
        writer.put(prefix + "WORKERS", "0")
        writer.put(prefix + "FEATURE_FLAGS", "a,b,c")
        latencies: list[float] = []
        live = LiveConfig(ReloadConfig, environment=Environment.PRODUCTION, env={}, remote=[source])
        with live:
            updates: queue.Queue[tuple[float, ConfigUpdate]] = queue.Queue()
            live.add_callback(lambda update: updates.put((time.perf_counter(), update)))
            for n in range(1, CHANGES + 1):
                start = time.perf_counter()
                writer.put(prefix + "WORKERS", str(n))
                while True:
                    arrived, update = updates.get(timeout=10)
                    if update.config.workers == n:
                        break
                latencies.append((arrived - start) * 1000)
        return latencies
    finally:
        source.close()
        writer.close()
        cluster.stop()


def main() -> None:
    latencies = measure()
    detail = f"{len(latencies)} changes, single-node etcd on 127.0.0.1"
    measurements: list[Measurement] = [
        absolute("etcd change to new config: median", statistics.median(latencies), "ms",
                 at_most=100, detail=detail),
        absolute("etcd change to new config: p99", percentile(latencies, 0.99), "ms",
                 at_most=500, detail=detail),
    ]  # fmt: skip
    report("etcd hot reload", measurements)


if __name__ == "__main__":
    main()
