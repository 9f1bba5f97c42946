"""The health server under load: /health latency and WebSocket event fan-out.

Targets (issue 15), on loopback, the server in its own process (uvicorn, one worker):
* ``GET /health`` p99 under 10 ms with 100 concurrent keep-alive clients, each probing every
  100 ms like a load balancer or Kubernetes probe (1,000 requests/s in all). Clients that
  send their next request the instant the previous answer arrives would measure queueing
  only: 100 requests always in flight need 10,000 requests/s to stay under 10 ms, more than
  one Python process serves;
* ``GET /health`` back to back on one reused keep-alive connection (``httpx.Client``), as a
  scraper or a test suite does: p99 under 10 ms too. This is what a socket without
  ``TCP_NODELAY`` costs ~40 ms per request (Nagle's algorithm meeting delayed ACKs), which
  spaced probes hide (the kernel acknowledges at once after an idle pause);
* one event fanned out to 200 ``WS /events`` clients: every delivery within 100 ms (p99),
  measured from the publish call in the server to the receipt in the client (same clock).

The clients run in one asyncio process (raw HTTP/1.1 for /health, ``websockets`` for the
stream), so their own scheduling delay is included: the figures are upper bounds.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import threading
import time

from _harness import Measurement, absolute, report

HEALTH_CLIENTS = 100
REQUESTS_PER_CLIENT = 30
PROBE_INTERVAL = 0.1
WS_CLIENTS = 200
EVENTS = 50
SEQUENTIAL_REQUESTS = 300
EVENT_GAP = 0.05


def _serve() -> None:
    """The server process: a hub with a loaded configuration, and a publisher thread that
    waits for every WebSocket client, then publishes stamped events."""
    from confwarden.config.manager import UnifiedConfigManager
    from confwarden.environment.detection import Environment
    from confwarden.environment.isolated import IsolatedEnvironment
    from confwarden.monitoring import MonitoringHub, MonitoringSettings
    from confwarden.server.run import serve

    env = IsolatedEnvironment(environ={}, isolated=True)
    manager = UnifiedConfigManager(MonitoringSettings, env=env, environment=Environment.TESTING)
    hub = MonitoringHub(manager)

    def publisher() -> None:
        while hub.bus.subscriber_count < WS_CLIENTS:
            time.sleep(0.01)
        for i in range(EVENTS):
            hub.bus.publish({"type": "bench", "i": i, "sent": time.time()})
            time.sleep(EVENT_GAP)

    threading.Thread(target=publisher, daemon=True).start()
    serve(hub, port=0, on_ready=lambda url: print(url, flush=True))


async def _health_client(host: str, port: int, offset: float, latencies: list[float]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    request = f"GET /health HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    loop = asyncio.get_running_loop()
    next_at = loop.time() + offset
    for _ in range(REQUESTS_PER_CLIENT):
        await asyncio.sleep(max(0.0, next_at - loop.time()))
        next_at += PROBE_INTERVAL
        start = time.perf_counter()
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await reader.readexactly(length)
        latencies.append(time.perf_counter() - start)
    writer.close()


async def _ws_client(url: str, delays: list[float]) -> None:
    from websockets.asyncio.client import connect

    async with connect(url, max_size=None) as ws:
        for _ in range(EVENTS):
            event = json.loads(await ws.recv())
            delays.append(time.time() - event["sent"])


async def _measure(url: str) -> tuple[list[float], list[float]]:
    host, port = url.split("//")[1].rstrip("/").split(":")
    latencies: list[float] = []
    # Probes spread evenly over the interval, as independent probers would be.
    await asyncio.gather(
        *(
            _health_client(host, int(port), i * PROBE_INTERVAL / HEALTH_CLIENTS, latencies)
            for i in range(HEALTH_CLIENTS)
        )
    )
    delays: list[float] = []
    ws_url = f"ws://{host}:{port}/events"
    await asyncio.gather(*(_ws_client(ws_url, delays) for _ in range(WS_CLIENTS)))
    return latencies, delays


def _sequential(url: str) -> list[float]:
    """Back-to-back requests on one keep-alive connection of a reused client."""
    import httpx2 as httpx

    latencies: list[float] = []
    with httpx.Client() as client:
        client.get(url + "health")  # connect outside the measurement
        for _ in range(SEQUENTIAL_REQUESTS):
            start = time.perf_counter()
            client.get(url + "health")
            latencies.append(time.perf_counter() - start)
    return latencies


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def main() -> None:
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        sequential = _sequential(url)
        latencies, delays = asyncio.run(_measure(url))
    finally:
        process.terminate()
        process.wait(10)
    measurements: list[Measurement] = [
        absolute(
            f"GET /health p99, {HEALTH_CLIENTS} clients probing every 100 ms",
            _p99(latencies) * 1000,
            "ms",
            at_most=10,
            detail=(
                f"{len(latencies)} requests, median {statistics.median(latencies) * 1000:.2f} ms"
            ),
        ),
        absolute(
            "GET /health p99, back to back on one keep-alive connection",
            _p99(sequential) * 1000,
            "ms",
            at_most=10,
            detail=(
                f"{len(sequential)} requests, median {statistics.median(sequential) * 1000:.2f} ms"
            ),
        ),
        absolute(
            f"event fan-out to {WS_CLIENTS} WebSocket clients, p99",
            _p99(delays) * 1000,
            "ms",
            at_most=100,
            detail=(
                f"{len(delays)} deliveries ({EVENTS} events), median "
                f"{statistics.median(delays) * 1000:.1f} ms, max {max(delays) * 1000:.1f} ms"
            ),
        ),
    ]
    report("Health server (bench/bench_server.py)", measurements)


if __name__ == "__main__":
    if "--serve" in sys.argv:
        _serve()
    else:
        main()
