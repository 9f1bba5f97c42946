"""Options and helpers shared by the commands (kept small: the CLI stays thin).

Three things every command does the same way live here: finding the project
(:func:`project_of`, ruff-style discovery from ``--project`` or the working directory),
choosing the services it acts on (:func:`services_of`: the named ones, else all of them),
and printing values safely (:class:`Output`: rich markup only in our own templates, every
value escaped, full names when the output is not a terminal).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.shell_completion import CompletionItem

from confwarden.environment.isolated import IsolatedEnvironment

if TYPE_CHECKING:
    from rich.console import Console

    from confwarden.config.inspection import ConfigInspection
    from confwarden.config.schema import ConfigSchema
    from confwarden.environment.detection import Environment
    from confwarden.project import Project

__all__ = [
    "Output",
    "build_env",
    "complete_environment",
    "complete_service",
    "env_file_option",
    "env_option",
    "esc",
    "inspect_as_started",
    "json_option",
    "parse_environment",
    "print_json",
    "project_of",
    "project_option",
    "project_secret_names",
    "schema_option",
    "secrets_dir_option",
    "service_option",
    "services_of",
]

F = TypeVar("F", bound=Callable[..., Any])


def env_file_option(func: F) -> F:
    """``--env-file PATH`` (repeatable): .env files to load, in order, never overriding."""
    return click.option(
        "--env-file",
        "env_files",
        multiple=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help="Load this .env file (repeatable). The process environment still wins.",
    )(func)


def secrets_dir_option(func: F) -> F:
    """``--secrets-dir DIR`` (repeatable): mounted secrets directories that replace the
    project's ``[tool.confwarden.secrets_dirs]`` entry; the value is ``secret_dirs``."""
    return click.option(
        "--secrets-dir",
        "secret_dirs",
        multiple=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="Read this mounted secrets directory (repeatable) instead of the project's "
        "[tool.confwarden.secrets_dirs] entry for the environment.",
    )(func)


def _remember_project(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.find_root().meta["confwarden.project"] = value


def project_option(*names: str) -> Callable[[F], F]:
    """The global ``--project DIR`` repeated after a subcommand (``serve --project DIR``).

    It only records where discovery starts, exactly as ``confwarden --project DIR`` does, so
    :func:`project_of` answers the same for both spellings. ``names`` adds older spellings
    (``--root``) that still work.
    """
    return click.option(
        "--project",
        *names,
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=None,
        expose_value=False,
        is_eager=True,
        callback=_remember_project,
        help="Start looking for pyproject.toml's [tool.confwarden] here (as `confwarden "
        "--project DIR`; default: the current directory, then its parents).",
    )


def json_option(func: F) -> F:
    """``--json``: machine-readable output on stdout."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(func)


def build_env(env_files: Sequence[Path] = (), *, override: bool = False) -> IsolatedEnvironment:
    """An isolated copy of the process environment with ``env_files`` loaded.

    Commands never change the real process environment. Every variable the project's schemas
    type as a secret is masked like one (:func:`project_secret_names`), marked before the
    files load so that values interpolated from it are masked too.
    """
    env = IsolatedEnvironment(isolated=True)
    env.mark_sensitive(project_secret_names())
    for path in env_files:
        env.load_from_file(path, override=override)
    return env


def project_secret_names() -> frozenset[str]:
    """Every variable a schema of the project found from here marks sensitive; empty without
    a project (name-based masking only). A schema that cannot be imported is named on stderr:
    its secrets can then only be masked by their names and shapes."""
    from confwarden.config.binding import sensitive_variables
    from confwarden.errors import ProjectError
    from confwarden.project import find_project

    ctx = click.get_current_context(silent=True)
    start = ctx.find_root().meta.get("confwarden.project") if ctx is not None else None
    try:
        project = find_project(start)
        if project is None:
            return frozenset()
        services = project.service_names
    except ProjectError as exc:
        click.echo(f"warning: {exc} Only names that look secret are masked.", err=True)
        return frozenset()
    names: set[str] = set()
    for service in services:
        try:
            _name, schema = project.schema(service)
        except ProjectError as exc:
            click.echo(f"warning: {exc} Only names that look secret are masked.", err=True)
            continue
        names.update(sensitive_variables(schema))
    return frozenset(names)


def print_json(data: object) -> None:
    """Write ``data`` as indented JSON to stdout."""
    click.echo(json.dumps(data, indent=2, sort_keys=False, default=str))


# -- the project and its services ---------------------------------------------------------------


def project_of(ctx: click.Context | None = None) -> Project:
    """The project of this invocation: ``--project DIR``, else found from the cwd.

    Raises:
        ProjectError: none found (the message says how to start: ``confwarden init``).
    """
    from confwarden.project import require_project

    ctx = ctx or click.get_current_context()
    start = ctx.find_root().meta.get("confwarden.project")
    return require_project(start)


def services_of(
    services: Sequence[str], schema: str | None = None
) -> dict[str, type[ConfigSchema]]:
    """The services a command acts on: ``--schema``, else ``--service`` names, else all.

    Raises:
        ProjectError: no project, an unknown service, or a schema that cannot be imported.
    """
    from confwarden.project import find_project, load_schema

    if schema:
        ctx = click.get_current_context()
        found = find_project(ctx.find_root().meta.get("confwarden.project"))
        return {schema: load_schema(schema, found.root if found else Path.cwd())}
    return project_of().schemas(tuple(services))


def complete_service(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion of ``--service``: the services of the project found from the cwd."""
    from confwarden.project import find_project

    try:
        project = find_project(ctx.find_root().meta.get("confwarden.project"))
        names = project.service_names if project is not None else ()
    except Exception:  # completion must never print a traceback into the shell
        names = ()
    return [CompletionItem(name) for name in names if name.startswith(incomplete)]


def complete_environment(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion of ``--env``/``--target``: the four environments."""
    from confwarden.environment.detection import Environment

    return [CompletionItem(e.value) for e in Environment if e.value.startswith(incomplete)]


service_option = click.option(
    "--service",
    "services",
    multiple=True,
    shell_complete=complete_service,
    help="A service of the project's [tool.confwarden.configs] (repeatable; default: all).",
)
schema_option = click.option(
    "--schema", default=None, help="Schema class as 'package.module:Class' (wins over --service)."
)


def refuse_blank(
    ctx: click.Context, param: click.Parameter, value: str | tuple[str, ...] | None
) -> str | tuple[str, ...] | None:
    """Click callback: a blank environment option is a usage error (exit 2), never "unset".

    ``--env "$TARGET"`` with ``TARGET`` unset passes an empty string; read as "not given",
    a CI gate validated development and passed. Like ``ENVIRONMENT=""``, it is refused.
    """
    values = value if isinstance(value, tuple) else (value,)
    for item in values:
        if item is not None and not item.strip():
            raise click.BadParameter(
                "is blank (an unset shell variable?); a blank environment is never read as "
                "'not given': pass development, testing, staging or production, or omit it"
            )
    return value


env_option = click.option(
    "--env",
    "environment",
    default=None,
    callback=refuse_blank,
    shell_complete=complete_environment,
    help="Target environment: development, testing, staging, production (default: detected).",
)


def inspect_as_started(
    schema: type[ConfigSchema],
    *,
    env_files: Sequence[Path] = (),
    environment: str | None = None,
    secret_dirs: Sequence[Path] = (),
    mode: str | None = None,
    full_chain: bool = False,
) -> ConfigInspection:
    """Load and validate ``schema`` exactly as ``bootstrap`` would start it.

    The same resolution path as the running service
    (:func:`~confwarden.config.resolution.startup_inputs`): the project root's ``.env`` files
    where the environment loads them, its ``[tool.confwarden.secrets_dirs]``. ``--env-file``
    files come on top, read even for a deployed ``--env`` (to judge what that file would do
    there); ``--secrets-dir`` replaces the configured directories.
    """
    from confwarden.config.inspection import inspect_service
    from confwarden.config.resolution import startup_inputs
    from confwarden.config.spec import ValidationMode
    from confwarden.project import find_project

    env = build_env(env_files)
    target = parse_environment(environment, env.get_all())
    project = find_project(click.get_current_context().find_root().meta.get("confwarden.project"))
    inputs = startup_inputs(
        schema,
        env,
        environment=target,
        root=project.root if project is not None else None,
        secret_dirs=secret_dirs or None,
    )
    return inspect_service(
        inputs.schema,
        inputs.env,
        inputs.environment,
        mode=ValidationMode(mode) if mode else None,
        secret_dirs=inputs.secret_dirs,
        full_chain=full_chain,
        include_dotenv=bool(env_files),
    )


def parse_environment(name: str | None, variables: dict[str, str]) -> Environment:
    """``--env`` parsed (aliases accepted), else the environment detected from ``variables``.

    Raises:
        EnvironmentDetectionError: an unknown name (exit 2).
    """
    from confwarden.environment.detection import Environment, EnvironmentDetector

    if name is not None:
        return Environment.parse(name, variable="--env")
    return EnvironmentDetector(variables).detect().environment


# -- output -------------------------------------------------------------------------------------


def esc(value: object) -> str:
    """``value`` as text that rich prints literally (``[red]x[/red]`` stays as typed)."""
    from rich.markup import escape

    return escape(str(value))


class Output:
    """Rich output for a terminal, plain full lines for a pipe.

    Our own templates may use rich markup; every value goes through :func:`esc`. When
    stdout is not a terminal, lines are written as they are (markup removed): nothing is
    truncated, wrapped or tab-expanded, tables become one tab-separated line per row, so
    ``confwarden ... | grep`` and ``cut -f2`` see whole names.
    """

    def __init__(self) -> None:
        import rich.console

        stream = sys.stdout
        self.tty = stream.isatty()
        # soft_wrap: long origins (paths) and fixes stay on one line, whole and copyable.
        self.console: Console = rich.console.Console(highlight=False, soft_wrap=True, file=stream)

    def print(self, markup: str = "") -> None:
        """Print a line written in rich markup (values already escaped)."""
        if self.tty:
            self.console.print(markup)
        else:
            click.echo(_unmarkup(markup))

    def plain(self, text: str) -> None:
        """Print ``text`` exactly as it is (no markup interpreted)."""
        if self.tty:
            self.console.print(text, markup=False)
        else:
            click.echo(text)

    def heading(self, markup: str) -> None:
        """A section heading: a rule on a terminal, a plain line in a pipe."""
        if self.tty:
            self.console.rule(markup, align="left")
        else:
            click.echo(f"== {_unmarkup(markup)} ==")

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """A table of escaped cells: boxed on a terminal, one tab-separated line per row in
        a pipe (whole names, never truncated)."""
        if not self.tty:
            click.echo("\t".join(headers))
            for row in rows:
                click.echo("\t".join(_unmarkup(cell) for cell in row))
            return
        from rich.table import Table

        table = Table(*headers)
        for row in rows:
            table.add_row(*row)
        self.console.print(table)


def _unmarkup(cell: str) -> str:
    from rich.text import Text

    return Text.from_markup(cell).plain
