"""``confwarden serve``: the health API and live dashboard of one service's configuration."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import click

from confwarden.cli._common import (
    build_env,
    env_file_option,
    env_option,
    project_of,
    project_option,
    schema_option,
    secrets_dir_option,
    service_option,
    services_of,
)

if TYPE_CHECKING:
    from confwarden.config.schema import ConfigSchema

__all__ = ["MIN_INTERVAL", "serve"]

# Validating re-reads every source: more often than this is a busy loop, not monitoring.
MIN_INTERVAL = 1.0


@click.command("serve")
@service_option
@schema_option
@project_option()
@env_option
@env_file_option
@secrets_dir_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--port",
    default=8700,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port (0: any free).",
)
@click.option(
    "--token",
    envvar="CONFWARDEN_SERVE_TOKEN",
    default=None,
    help="Required on every request; mandatory when --host is not a loopback address.",
)
@click.option(
    "--interval",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=MIN_INTERVAL),
    help=f"Seconds between two validations (at least {MIN_INTERVAL:g}).",
)
def serve(  # noqa: PLR0917 - click passes every option positionally
    services: tuple[str, ...],
    schema: str | None,
    environment: str | None,
    env_files: tuple[Path, ...],
    secret_dirs: tuple[Path, ...],
    host: str,
    port: int,
    token: str | None,
    interval: float,
) -> None:
    """Serve /health, /metrics, /config, live events and a dashboard for one service.

    The configuration is validated again every --interval seconds and followed: a change
    of a .env file, a mounted secret file or a secret store is applied (or rejected) and
    shown at once as a reload. Values are masked everywhere. Binds 127.0.0.1 unless --host
    says otherwise, and then needs a --token. Stops on Ctrl-C.
    """
    from confwarden.config.manager import UnifiedConfigManager
    from confwarden.config.resolution import startup_inputs
    from confwarden.monitoring.hub import MonitoringHub
    from confwarden.project import load_schema
    from confwarden.server.follow import DotenvFollower, go_live
    from confwarden.server.run import serve as run

    found = project_of()
    if schema:
        chosen: str | type[ConfigSchema] | None = load_schema(schema, found.root)
    elif len(services) > 1:
        raise click.UsageError("serve runs one service: give one --service")
    else:
        chosen = services[0] if services else None
        if services:
            services_of(services)  # an unknown name is refused with the project's services
    # The same resolution path as the service's own bootstrap(): .env in development, the
    # project's [tool.confwarden.secrets_dirs] unless --secrets-dir is given.
    env = build_env()
    loaded = [env.load_from_file(path) for path in env_files]
    inputs = startup_inputs(
        chosen,
        env,
        environment=environment,
        root=found.root,
        secret_dirs=secret_dirs or None,
    )
    name = schema or inputs.service
    manager = UnifiedConfigManager(
        inputs.schema,
        env=inputs.env,
        environment=inputs.environment,
        secret_dirs=inputs.secret_dirs,
    )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    # Live before the hub exists, so the hub follows its reloads and stores; an invalid
    # configuration is served DOWN and goes live after the change that fixes it.
    go_live(manager)
    hub = MonitoringHub(manager, health_interval=interval)

    def changed(names: list[str]) -> None:
        go_live(manager, hub)
        if hub.config is not None:
            hub.config.check()  # the health follows the fix now, not an interval later
        hub.publish_health_change()

    follower = DotenvFollower(env, [*loaded, *inputs.dotenv.results], on_change=changed)

    def ready(url: str) -> None:
        shown = f"{url}#token=<token>" if token else url
        click.echo(
            f"confwarden serve: {name} ({manager.environment.value}) on {url}\n"
            f"  dashboard: {shown}\n  health: {url}health   metrics: {url}metrics\n"
            "  Ctrl-C to stop",
        )

    follower.start()
    try:
        run(hub, host=host, port=port, token=token, on_ready=ready)
    finally:
        follower.stop()
        manager.close()
