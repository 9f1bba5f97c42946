"""``confwarden serve``: the health API and live dashboard of one service's configuration."""

from __future__ import annotations

import logging
import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

from confwarden.cli._common import (
    build_env,
    env_file_option,
    env_option,
    parse_environment,
    project_of,
    project_option,
    schema_option,
    secrets_dir_option,
    service_option,
    services_of,
)

if TYPE_CHECKING:
    from confwarden.config.schema import ConfigSchema

__all__ = ["MIN_INTERVAL", "banner", "serve"]

TOKEN_VARIABLE = "CONFWARDEN_SERVE_TOKEN"

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
    envvar=TOKEN_VARIABLE,
    default=None,
    help=f"Required on every request; mandatory when --host is not a loopback address. "
    f"Prefer the {TOKEN_VARIABLE} variable: a command line is readable by every user.",
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
    from confwarden.config.resolution import dotenv_files, startup_inputs
    from confwarden.environment.policy import policy_for
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
    if click.get_current_context().get_parameter_source("token") is ParameterSource.COMMANDLINE:
        click.echo(
            "warning: --token on the command line is readable by every user of this machine "
            f"(ps, /proc/<pid>/cmdline); set {TOKEN_VARIABLE} instead",
            err=True,
        )
    # The same resolution path as the service's own bootstrap(): .env in development, the
    # project's [tool.confwarden.secrets_dirs] unless --secrets-dir is given. The environment
    # is found as validate finds it (an --env-file may say ENVIRONMENT=...) on a throwaway
    # copy; then each file is loaded once (--env-file first, then the defaults), so the
    # follower knows which variables the process environment really set.
    target = parse_environment(environment, build_env(env_files).get_all())
    env = build_env()
    if env_files and not policy_for(target).load_dotenv:
        raise click.UsageError(
            f"--env-file is not read in {target.value}: .env files are never loaded there, "
            "and serve shows what the running service would read. Export the variables "
            f"instead, or judge the file with: confwarden validate --env {target.value} "
            "--env-file FILE"
        )
    files = [*env_files, *dotenv_files(target, found.root)]
    inputs = startup_inputs(
        chosen,
        env,
        list(dict.fromkeys(os.path.abspath(f) for f in files)),
        environment=target,
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

    follower = DotenvFollower(env, inputs.dotenv.results, on_change=changed)

    def ready(url: str) -> None:
        click.echo(banner(name, manager.environment.value, url, host=host, token=bool(token)))

    follower.start()
    try:
        run(hub, host=host, port=port, token=token, on_ready=ready)
    finally:
        follower.stop()
        manager.close()


def banner(name: str, environment: str, url: str, *, host: str, token: bool) -> str:
    """The lines ``serve`` prints once listening: where to open it, never the token itself.

    A wildcard bind (``0.0.0.0``, ``::``) is no address to open: the machine's name is shown.

    Example:
        >>> print(banner("api", "staging", "http://127.0.0.1:8700/", host="127.0.0.1", token=False))
        confwarden serve: api (staging) on http://127.0.0.1:8700/
          dashboard: http://127.0.0.1:8700/
          health: http://127.0.0.1:8700/health   metrics: http://127.0.0.1:8700/metrics
          Ctrl-C to stop
    """
    if host.strip("[]") in ("0.0.0.0", "::", ""):
        port = url.rstrip("/").rsplit(":", 1)[1]
        url = f"http://{socket.gethostname()}:{port}/"
    lines = [f"confwarden serve: {name} ({environment}) on {url}", f"  dashboard: {url}"]
    if token:
        lines[1] += (
            f"#token=<token>  (the token given with --token or {TOKEN_VARIABLE}; "
            "the page keeps it in the URL fragment, never sent in a request line)"
        )
    lines += [f"  health: {url}health   metrics: {url}metrics", "  Ctrl-C to stop"]
    return "\n".join(lines)
