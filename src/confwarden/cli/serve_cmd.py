"""``confwarden serve``: the health API and live dashboard of one service's configuration."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from confwarden.cli._common import build_env, env_file_option, schema_option, service_option


@click.command("serve")
@service_option
@schema_option
@click.option(
    "--project",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The project whose [tool.confwarden] names the services.",
)
@click.option("--env", "environment", default=None, help="Environment (default: detected).")
@env_file_option
@click.option(
    "--secrets-dir",
    "secret_dirs",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A mounted secrets directory to read (repeatable); by default the project's "
    "[tool.confwarden.secrets_dirs] entry for the environment.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8700, show_default=True, type=int, help="Port (0: any free).")
@click.option(
    "--token",
    envvar="CONFWARDEN_SERVE_TOKEN",
    default=None,
    help="Required on every request; mandatory when --host is not a loopback address.",
)
@click.option(
    "--interval", default=30.0, show_default=True, help="Seconds between two validations."
)
def serve(  # noqa: PLR0917 - click passes every option positionally
    service: str,
    schema: str | None,
    project: Path,
    environment: str | None,
    env_files: tuple[Path, ...],
    secret_dirs: tuple[Path, ...],
    host: str,
    port: int,
    token: str | None,
    interval: float,
) -> None:
    """Serve /health, /metrics, /config, live events and a dashboard for one service.

    The configuration is validated again every --interval seconds; values are masked
    everywhere. Binds 127.0.0.1 unless --host says otherwise, and then needs a --token.
    Stops on Ctrl-C.
    """
    from confwarden.config.doctor import secret_dirs_of
    from confwarden.config.manager import UnifiedConfigManager
    from confwarden.config.services import find_service, load_schema_reference
    from confwarden.environment.detection import Environment
    from confwarden.monitoring.hub import MonitoringHub
    from confwarden.server.run import serve as run

    if schema:
        name, schema_class = schema, load_schema_reference(schema, project)
    else:
        name, schema_class = find_service(service, project)
    target = Environment.parse(environment, variable="--env") if environment else None
    manager = UnifiedConfigManager(
        schema_class, env=build_env(env_files), environment=target, secret_dirs=secret_dirs
    )
    if not secret_dirs:
        # The project's own mounted-secrets table, as `confwarden doctor` reads it.
        mounted = secret_dirs_of(project).get(manager.environment)
        if mounted is not None:
            manager.secret_dirs = (mounted,)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    hub = MonitoringHub(manager, health_interval=interval)

    def ready(url: str) -> None:
        shown = f"{url}#token=<token>" if token else url
        click.echo(
            f"confwarden serve: {name} ({manager.environment.value}) on {url}\n"
            f"  dashboard: {shown}\n  health: {url}health   metrics: {url}metrics\n"
            "  Ctrl-C to stop",
        )

    run(hub, host=host, port=port, token=token, on_ready=ready)
