"""Google Secret Manager source: parallel batch fetch against one request at a time.

Target (issue 13): fetching 100 secrets from the Secret Manager protocol server with a
20 ms answer delay takes at most 4x the time of one fetch (parallel), where fetching them
one after another takes about 100x.

The server (``tests/servers/gcp_secret_manager.py``) runs in its own process so that its
work does not compete with the client's for this process's GIL; the client is the real
``google-cloud-secret-manager`` over REST.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _harness import Measurement, absolute, per_run, ratio, report  # noqa: E402
from confwarden.environment.detection import Environment  # noqa: E402
from confwarden.secrets.gcp import GoogleSecretManagerSource, make_client  # noqa: E402
from confwarden.secrets.mapping import SecretMappings  # noqa: E402

COUNT = 100
DELAY = 0.020
PROJECT = "bench-project"


def start_server() -> tuple[subprocess.Popen[str], str]:
    """The protocol server in a child process; returns it and its endpoint."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.servers.gcp_secret_manager", "--project", PROJECT,
         "--delay", str(DELAY), "--secrets", str(COUNT)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    endpoint = process.stdout.readline().strip()
    if not endpoint.startswith("http://127.0.0.1:"):
        process.kill()
        raise RuntimeError(f"the server did not start: {endpoint!r}")
    return process, endpoint


def source(endpoint: str, mappings: SecretMappings, client: object) -> GoogleSecretManagerSource:
    # A new source per run: an empty cache, so every run really fetches.
    return GoogleSecretManagerSource(
        PROJECT, mappings=mappings, environment=Environment.PRODUCTION, client=client,
        max_workers=COUNT,
    )  # fmt: skip


def main() -> None:
    process, endpoint = start_server()
    try:
        client = make_client(endpoint, anonymous=True, pool_size=COUNT)
        variables = [f"SECRET_{i:03d}" for i in range(COUNT)]
        mappings = SecretMappings({v: f"secret-{i:03d}" for i, v in enumerate(variables)})
        one = SecretMappings({variables[0]: "secret-000"})
        source(endpoint, mappings, client).prefetch(variables)  # warm the connection pool

        def fetch_one() -> None:
            source(endpoint, one, client).prefetch(variables[:1])

        def fetch_parallel() -> None:
            src = source(endpoint, mappings, client)
            src.prefetch(variables)
            assert src.lookup(variables[-1]) is not None

        def fetch_sequential() -> None:
            src = source(endpoint, mappings, client)
            for variable in variables:
                src.lookup(variable)

        t_one = per_run(fetch_one, repeat=7)
        t_parallel = per_run(fetch_parallel, repeat=5)
        t_sequential = per_run(fetch_sequential, repeat=1)
    finally:
        process.terminate()
        process.wait(timeout=10)
    measurements: list[Measurement] = [
        ratio(
            f"{COUNT} secrets in parallel vs one secret ({DELAY * 1000:.0f} ms answer delay)",
            t_parallel,
            t_one,
            at_most=4.0,
            detail=f"one {t_one * 1000:.1f} ms, {COUNT} in parallel {t_parallel * 1000:.1f} ms",
        ),
        absolute(
            f"{COUNT} secrets one after another, in units of one fetch",
            t_sequential / t_one,
            "x",
            at_most=COUNT * 1.5,
            detail=f"{t_sequential * 1000:.0f} ms (the behaviour without batching)",
        ),
    ]
    report("Google Secret Manager source", measurements)


if __name__ == "__main__":
    main()
