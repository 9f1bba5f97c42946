"""The etcd part of `make demo`: the example backend reads staging from etcd and follows it.

Run by examples/demo-etcd.sh, which starts a throwaway etcd on a free loopback port and stops
it by PID afterwards. This script:

1. puts the staging deployment's variables (examples/platform/.env.staging) and its secrets
   (examples/platform/secrets/staging/) under /confwarden/example-platform/staging/;
2. starts the backend's configuration from etcd alone (the process environment only says
   ENVIRONMENT=staging) and prints where each value came from, secrets masked;
3. changes keys in etcd and shows what the running service does: a valid change is applied,
   a restart-required one is held back, an invalid one is rejected and the config stays.

Usage: python examples/demo_etcd.py 127.0.0.1:PORT
"""

from __future__ import annotations

import asyncio
import logging
import queue
import secrets
import sys
import tempfile
from pathlib import Path

import aetcd

PLATFORM = Path(__file__).resolve().parent / "platform"
sys.path.insert(0, str(PLATFORM))

from backend.config import BackendConfig  # noqa: E402

from confwarden.config.last_known_good import LastKnownGood  # noqa: E402
from confwarden.config.live import ConfigUpdate, LiveConfig  # noqa: E402
from confwarden.environment.detection import Environment  # noqa: E402
from confwarden.environment.dotenv import read_dotenv  # noqa: E402
from confwarden.secrets.etcd import EtcdSource, etcd_prefix  # noqa: E402

PREFIX = etcd_prefix("example-platform", "staging")


async def put(endpoint: str, values: dict[str, str]) -> None:
    host, _, port = endpoint.rpartition(":")
    async with aetcd.Client(host, int(port)) as client:
        for variable, value in values.items():
            await client.put((PREFIX + variable).encode(), value.encode())


def staging_values() -> dict[str, str]:
    values = {
        k: v
        for k, v in read_dotenv(PLATFORM / ".env.staging").as_dict().items()
        if k != "ENVIRONMENT"
    }
    for secret in sorted((PLATFORM / "secrets" / "staging").iterdir()):
        values[secret.name] = secret.read_text().strip()
    return values


def show(update: ConfigUpdate) -> None:
    if update.rejected:
        print(f"  rejected, generation {update.generation} stays:")
        for reason in update.rejected:
            print(f"    {reason}")
    for change in update.applied:
        print(f"  applied: {change.variable} {change.old} -> {change.new}")
    for change in update.restart_required:
        print(f"  needs a restart (not applied): {change.variable} {change.old} -> {change.new}")


def main() -> None:
    # The demo prints what happened itself; the library's log lines would repeat it.
    logging.getLogger("confwarden").addHandler(logging.NullHandler())
    logging.getLogger("confwarden").propagate = False
    # The last-known-good copy lives as long as the demo: nothing is left in /tmp.
    with tempfile.TemporaryDirectory(prefix="cw-demo-lkg-") as directory:
        run(sys.argv[1], Path(directory))


def run(endpoint: str, directory: Path) -> None:
    values = staging_values()
    asyncio.run(put(endpoint, values))
    print(f"Put {len(values)} keys under {PREFIX} (secrets included).\n")
    source = EtcdSource(endpoint, PREFIX)
    lkg = LastKnownGood(directory / "backend-staging.json")
    live = LiveConfig(
        BackendConfig,
        environment=Environment.STAGING,
        env={"ENVIRONMENT": "staging"},
        remote=[source],
        last_known_good=lkg,
    )
    with live:
        inspection = live.inspection
        assert inspection is not None
        print("The backend's staging configuration, from etcd:")
        for spec in inspection.load.fields:
            resolved = inspection.load.values[spec.name]
            if resolved.raw is not None:
                shown = inspection.load.shown_value(spec)
                print(f"  {spec.canonical:<36} {shown!s:<40.40} {resolved.source}")
        print(
            f"\nState: {live.status().state.value}; last-known-good copy (no secrets): {lkg.path}"
        )
        updates: queue.Queue[ConfigUpdate] = queue.Queue()
        live.add_callback(updates.put)
        for title, change in (
            ("A valid change", {"BACKEND_WORKER_COUNT": "6"}),
            (
                "A secret rotated (declared restart-required)",
                {"JWT_SECRET_KEY": secrets.token_urlsafe(48)},
            ),
            ("A restart-required key", {"PORT": "9000"}),
            ("An invalid value", {"BACKEND_WORKER_COUNT": "lots"}),
        ):
            print(f"\n{title}: etcd put {', '.join(change)}")
            asyncio.run(put(endpoint, change))
            show(updates.get(timeout=10))
        config = live.config
        print(f"\nThe running config: worker_count={config.worker_count}, port={config.port}")
    source.close()


if __name__ == "__main__":
    main()
