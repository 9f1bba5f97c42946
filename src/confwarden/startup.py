"""bootstrap(): the one startup sequence every service runs (spec/000).

Each service used to load ``.env`` and detect "staging" its own way, and two of them
disagreed. Every service now starts with the same five steps::

    config = bootstrap()            # the project's only service, or bootstrap(service="shop")

1. detect the environment (``ENVIRONMENT``, test context, Cloud Run) once, and find the
   project (the nearest ``pyproject.toml`` with ``[tool.confwarden]``);
2. load ``.env`` files only where the environment's policy allows it (development), never
   overriding the process environment, and read the environment's mounted secrets
   directory (``[tool.confwarden.secrets_dirs]``);
3. build the service's profile class through the precedence tuple and validate it in the
   environment's mode;
4. log a masked summary (source counts, warnings, health score; never a value);
5. return the immutable config, installed as the process-wide one behind
   ``get_unified_config()``, or fail fast with one ``ConfigurationError`` listing every problem.

The secret stores come from the project's ``[tool.confwarden.secret_sources]`` unless
``secret_sources=`` names them. ``bootstrap(MyConfig, live=True)`` runs the same steps and
returns a started :class:`~confwarden.config.live.LiveConfig` that follows its sources (hot
reload); ``get_unified_config()`` then answers its current snapshot.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from confwarden.config.manager import UnifiedConfigManager, set_unified_manager
from confwarden.config.resolution import dotenv_files, startup_inputs
from confwarden.config.schema import ConfigSchema
from confwarden.config.spec import ValidationMode
from confwarden.environment.detection import Environment
from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.environment.process import DotenvLoadReport
from confwarden.secrets.base import ValueSource

if TYPE_CHECKING:
    from confwarden.config.last_known_good import LastKnownGood
    from confwarden.config.live import LiveConfig

__all__ = ["bootstrap", "default_env_files"]

C = TypeVar("C", bound=ConfigSchema)

logger = logging.getLogger("confwarden.startup")


def default_env_files(
    environment: Environment, root: str | os.PathLike[str] = "."
) -> tuple[Path, ...]:
    """The ``.env`` files a service reads by default, most specific first.

    ``.env.{environment}`` then ``.env``; the first file to define a variable wins (and the
    process environment wins over both).

    Example:
        >>> [p.name for p in default_env_files(Environment.DEVELOPMENT)]
        ['.env.development', '.env']
    """
    return dotenv_files(environment, root)


@overload
def bootstrap(
    service: type[C],
    env: IsolatedEnvironment | Mapping[str, str] | None = ...,
    env_files: Iterable[str | os.PathLike[str]] | None = ...,
    *,
    environment: Environment | str | None = ...,
    root: str | os.PathLike[str] | None = ...,
    mode: ValidationMode | None = ...,
    overrides: Mapping[str, str] | None = ...,
    secret_dirs: Sequence[str | os.PathLike[str]] | None = ...,
    secret_sources: Sequence[ValueSource] | None = ...,
    install: bool = ...,
    last_known_good: LastKnownGood | None = ...,
    live: Literal[False] = ...,
) -> C: ...
@overload
def bootstrap(
    service: type[C],
    env: IsolatedEnvironment | Mapping[str, str] | None = ...,
    env_files: Iterable[str | os.PathLike[str]] | None = ...,
    *,
    environment: Environment | str | None = ...,
    root: str | os.PathLike[str] | None = ...,
    mode: ValidationMode | None = ...,
    overrides: Mapping[str, str] | None = ...,
    secret_dirs: Sequence[str | os.PathLike[str]] | None = ...,
    secret_sources: Sequence[ValueSource] | None = ...,
    install: bool = ...,
    last_known_good: LastKnownGood | None = ...,
    live: Literal[True],
) -> LiveConfig[C]: ...
@overload
def bootstrap(
    service: str | None = ...,
    env: IsolatedEnvironment | Mapping[str, str] | None = ...,
    env_files: Iterable[str | os.PathLike[str]] | None = ...,
    *,
    environment: Environment | str | None = ...,
    root: str | os.PathLike[str] | None = ...,
    mode: ValidationMode | None = ...,
    overrides: Mapping[str, str] | None = ...,
    secret_dirs: Sequence[str | os.PathLike[str]] | None = ...,
    secret_sources: Sequence[ValueSource] | None = ...,
    install: bool = ...,
    last_known_good: LastKnownGood | None = ...,
    live: Literal[False] = ...,
) -> ConfigSchema: ...
@overload
def bootstrap(
    service: str | None = ...,
    env: IsolatedEnvironment | Mapping[str, str] | None = ...,
    env_files: Iterable[str | os.PathLike[str]] | None = ...,
    *,
    environment: Environment | str | None = ...,
    root: str | os.PathLike[str] | None = ...,
    mode: ValidationMode | None = ...,
    overrides: Mapping[str, str] | None = ...,
    secret_dirs: Sequence[str | os.PathLike[str]] | None = ...,
    secret_sources: Sequence[ValueSource] | None = ...,
    install: bool = ...,
    last_known_good: LastKnownGood | None = ...,
    live: Literal[True],
) -> LiveConfig[ConfigSchema]: ...
@overload
def bootstrap(
    service: type[C],
    env: IsolatedEnvironment | Mapping[str, str] | None = ...,
    env_files: Iterable[str | os.PathLike[str]] | None = ...,
    *,
    environment: Environment | str | None = ...,
    root: str | os.PathLike[str] | None = ...,
    mode: ValidationMode | None = ...,
    overrides: Mapping[str, str] | None = ...,
    secret_dirs: Sequence[str | os.PathLike[str]] | None = ...,
    secret_sources: Sequence[ValueSource] | None = ...,
    install: bool = ...,
    last_known_good: LastKnownGood | None = ...,
    live: bool,
) -> C | LiveConfig[C]: ...
@overload
def bootstrap(
    service: str | None = ...,
    env: IsolatedEnvironment | Mapping[str, str] | None = ...,
    env_files: Iterable[str | os.PathLike[str]] | None = ...,
    *,
    environment: Environment | str | None = ...,
    root: str | os.PathLike[str] | None = ...,
    mode: ValidationMode | None = ...,
    overrides: Mapping[str, str] | None = ...,
    secret_dirs: Sequence[str | os.PathLike[str]] | None = ...,
    secret_sources: Sequence[ValueSource] | None = ...,
    install: bool = ...,
    last_known_good: LastKnownGood | None = ...,
    live: bool,
) -> ConfigSchema | LiveConfig[ConfigSchema]: ...
def bootstrap(
    service: str | type[ConfigSchema] | None = None,
    env: IsolatedEnvironment | Mapping[str, str] | None = None,
    env_files: Iterable[str | os.PathLike[str]] | None = None,
    *,
    environment: Environment | str | None = None,
    root: str | os.PathLike[str] | None = None,
    mode: ValidationMode | None = None,
    overrides: Mapping[str, str] | None = None,
    secret_dirs: Sequence[str | os.PathLike[str]] | None = None,
    secret_sources: Sequence[ValueSource] | None = None,
    install: bool = True,
    last_known_good: LastKnownGood | None = None,
    live: bool = False,
) -> ConfigSchema | LiveConfig[Any]:
    """Start a service: detect, load ``.env`` where allowed, build, validate, log, return.

    Args:
        service: the service name (named in the project's ``[tool.confwarden.configs]`` or
            registered with :func:`~confwarden.config.services.register_service`) or its
            schema class; None for the project's only service.
        env: the environment to read and load ``.env`` into; by default ``get_env()``. A
            plain mapping (``{"SHOP_PAGE_SIZE": "10"}``) is read as the process environment
            of an isolated copy (never changed).
        env_files: the ``.env`` files; by default :func:`default_env_files` under ``root``.
            Loaded only where the environment's policy allows (development).
        environment: force the environment instead of detecting it.
        root: where the project is looked for and the default ``.env`` files are read;
            by default the project root found from the working directory.
        mode: the validation mode; by default the environment's (DESIGN.md).
        overrides: values set in code (highest precedence).
        secret_dirs: mounted secret directories (``/run/secrets``...); by default the
            environment's entry of ``[tool.confwarden.secrets_dirs]``.
        secret_sources: remote secret stores (:mod:`confwarden.secrets.gcp`,
            :mod:`confwarden.secrets.vault`, :mod:`confwarden.secrets.etcd`); one that
            cannot answer stops a deployed start, naming the store and the secrets. By
            default the stores the project's ``[tool.confwarden.secret_sources]`` configures
            for the environment (staging and production unless a store lists
            ``environments``); ``[]`` for none.
        install: make this the process-wide config behind ``get_unified_config()``.
        last_known_good: with ``live``, where to keep the copy that lets a restart survive
            a store outage (:class:`~confwarden.config.last_known_good.LastKnownGood`).
        live: follow the sources while the service runs (etcd, mounted secret swaps, new
            store versions, ``env.set()``): return a started ``LiveConfig`` instead of a
            config. Close it (``live.close()``) when the service stops.

    Returns:
        The validated, immutable configuration (the service's profile class), or with
        ``live=True`` a started :class:`~confwarden.config.live.LiveConfig` whose ``config``
        is the current snapshot.

    Raises:
        ConfigurationError: the configuration has errors in this environment's mode; the
            message lists every one (variable, origin, problem, fix), never a value.
        EnvironmentDetectionError: the environment cannot be determined.
        DotenvError: a ``.env`` file has malformed lines (all listed).

    Example:
        >>> from confwarden.config.schema import ConfigSchema
        >>> from confwarden.environment.isolated import IsolatedEnvironment
        >>> class ShopConfig(ConfigSchema):
        ...     shop_page_size: int = 50
        >>> env = IsolatedEnvironment(environ={"SHOP_PAGE_SIZE": "10"}, isolated=True)
        >>> bootstrap(ShopConfig, env=env, environment="testing", install=False).shop_page_size
        10
    """
    inputs = startup_inputs(
        service, env, env_files, environment=environment, root=root, secret_dirs=secret_dirs
    )
    environment, report = inputs.environment, inputs.dotenv
    manager = UnifiedConfigManager(
        inputs.schema,
        env=inputs.env,
        environment=environment,
        mode=mode,
        overrides=overrides,
        secret_dirs=inputs.secret_dirs,
        secret_sources=secret_sources,
        root=inputs.root,
    )
    manager.service = inputs.service
    try:
        started: ConfigSchema | LiveConfig[Any] = (
            manager.start_live(last_known_good=last_known_good) if live else manager.get_config()
        )
    except Exception:
        logger.error(
            "confwarden: %s configuration for %s rejected (see the error for every problem)",
            manager.service,
            environment.value,
        )
        raise
    _log_summary(manager, report)
    if install:
        set_unified_manager(manager)
    return started


def _log_summary(manager: UnifiedConfigManager, report: DotenvLoadReport) -> None:
    inspection = manager.last_inspection
    if inspection is None:  # pragma: no cover - get_config() always inspects first
        return
    by_kind: dict[str, int] = {}
    for resolved in inspection.load.values.values():
        by_kind[resolved.source.kind.value] = by_kind.get(resolved.source.kind.value, 0) + 1
    loaded = ", ".join(r.path for r in report.results) or "none"
    validation = inspection.validation
    logger.info(
        "confwarden: %s started in %s (%s, mode %s): %d fields by source %s; .env files: %s "
        "(%s); %d warning(s); health %d/100",
        manager.service,
        inspection.load.environment.value,
        inspection.load.schema.__name__,
        validation.mode.value,
        len(inspection.load.values),
        dict(sorted(by_kind.items())),
        loaded,
        report.reason,
        len(validation.warnings),
        validation.health_score,
    )
    for problem in validation.warnings:
        logger.warning("confwarden: %s", problem)
