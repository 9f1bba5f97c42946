"""What a service reads when it starts, resolved once for ``bootstrap`` and the command line.

``confwarden explain`` and ``validate`` used to read other values than the running app: they
ignored ``.env`` in development and ``[tool.confwarden.secrets_dirs]``. Both now go through
:func:`startup_inputs`, the same function ``bootstrap()`` calls, so they cannot disagree.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from confwarden.environment.detection import Environment
from confwarden.project import find_project

if TYPE_CHECKING:
    from confwarden.config.schema import ConfigSchema
    from confwarden.environment.isolated import IsolatedEnvironment
    from confwarden.environment.process import DotenvLoadReport

__all__ = ["StartupInputs", "dotenv_files", "startup_inputs"]


@dataclass(frozen=True)
class StartupInputs:
    """What a service reads when it starts: the one resolution path of ``bootstrap`` and
    the command line (``explain`` and ``validate`` report what the running app would see).

    Attributes:
        service: the service name.
        schema: its schema base class.
        environment: the environment it starts in.
        env: the variables, with the ``.env`` files loaded where the policy allows.
        root: the directory ``.env`` files are read from (the project root when found).
        dotenv: what the ``.env`` loading did, and why.
        secret_dirs: the mounted secrets directories read for this environment.
    """

    service: str
    schema: type[ConfigSchema]
    environment: Environment
    env: IsolatedEnvironment
    root: Path
    dotenv: DotenvLoadReport
    secret_dirs: tuple[Path, ...]


def dotenv_files(environment: Environment, root: str | os.PathLike[str]) -> tuple[Path, ...]:
    """The ``.env`` files of ``root``, most specific first: ``.env.{environment}``, ``.env``.

    Example:
        >>> [p.name for p in dotenv_files(Environment.DEVELOPMENT, ".")]
        ['.env.development', '.env']
    """
    base = Path(root)
    return (base / f".env.{environment.value}", base / ".env")


def startup_inputs(
    service: str | type[ConfigSchema] | None = None,
    env: IsolatedEnvironment | Mapping[str, str] | None = None,
    env_files: Iterable[str | os.PathLike[str]] | None = None,
    *,
    environment: Environment | str | None = None,
    root: str | os.PathLike[str] | None = None,
    secret_dirs: Sequence[str | os.PathLike[str]] | None = None,
) -> StartupInputs:
    """Resolve everything a service start depends on, in the order ``bootstrap`` uses.

    1. the environment: given, else detected from ``env``;
    2. the project: the nearest ``[tool.confwarden]`` at or above ``root`` (default: cwd);
    3. the service's schema (None: the project's only service), whose secret variables are
       marked sensitive on ``env`` (:meth:`IsolatedEnvironment.mark_sensitive`): every
       output of the environment masks them, and the copies interpolated from them;
    4. ``.env`` files (default: the project root's) loaded where the policy allows;
    5. the secrets directories: given, else ``[tool.confwarden.secrets_dirs]``.

    Raises:
        EnvironmentDetectionError: the environment cannot be determined.
        DotenvError: a ``.env`` file has malformed lines.
        ProjectError: no project and no schema class, or an unknown service.
    """
    from confwarden.config.binding import sensitive_variables
    from confwarden.config.services import find_service
    from confwarden.environment.detection import EnvironmentDetector
    from confwarden.environment.isolated import IsolatedEnvironment
    from confwarden.environment.process import get_env, load_env_files

    if env is None:
        env = get_env()
    elif not isinstance(env, IsolatedEnvironment):
        if not isinstance(env, Mapping):
            raise TypeError(
                f"env must be an IsolatedEnvironment or a mapping of variables, not "
                f"{type(env).__name__}"
            )
        env = IsolatedEnvironment(environ=dict(env), isolated=True)
    if isinstance(environment, str):
        environment = Environment.parse(environment)
    if environment is None:
        environment = EnvironmentDetector(env.get_all()).detect().environment
    project = find_project(root)
    base = Path(root) if root is not None else project.root if project else Path.cwd()
    files = list(env_files) if env_files is not None else list(dotenv_files(environment, base))
    name, schema = find_service(service, base)
    # Before the files load: a value interpolated from a schema secret is masked as one.
    env.mark_sensitive(sensitive_variables(schema))
    report = load_env_files(env, files, environment=environment)
    if secret_dirs is not None:
        dirs = tuple(Path(d) for d in secret_dirs)
    else:
        dirs = project.secret_dirs_for(environment) if project is not None else ()
    return StartupInputs(name, schema, environment, env, base, report, dirs)
