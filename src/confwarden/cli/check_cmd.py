"""``confwarden check [PATH]``: the static compliance checker on the command line.

Thin on purpose: arguments become one :func:`confwarden.checker.run_check` call and the
result is printed by a reporter. Exit codes: 0 clean, 1 findings, 2 usage or internal error.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from confwarden.checker import CheckerConfigError, find_project_root, load_config, run_check
from confwarden.checker.baseline import write_baseline as save_baseline
from confwarden.checker.reporters import FORMATS, render
from confwarden.errors import ConfwardenError

# A bar only for runs long enough to wonder about (issue: "more than a second").
_PROGRESS_AFTER_S = 1.0


class _LazyProgress:
    """A rich progress bar that appears only on a terminal, once parsing takes > 1 s."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if time.perf_counter() - self.started < _PROGRESS_AFTER_S:
                return
            from rich.progress import Progress

            self.bar = Progress(transient=True)
            self.bar.start()
            self.task = self.bar.add_task("checking", total=total)
        self.bar.update(self.task, completed=done, total=total)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _common(paths: list[Path]) -> Path:
    resolved = [p.resolve() for p in paths]
    common = resolved[0]
    for item in resolved[1:]:
        while common not in (item, *item.parents):
            common = common.parent
    return common


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(sorted(FORMATS)), default="human", show_default=True
)
@click.option("--json", "as_json", is_flag=True, help="Shorthand for --format json.")
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Hide the findings recorded in FILE.",
)
@click.option(
    "--write-baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Record every current finding in FILE and exit 0.",
)
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=2, show_default=True)
@click.option("--no-cache", is_flag=True, help="Neither read nor write .confwarden-cache/.")
@click.option("--select", help="Comma-separated rule codes to run (default: all).")
@click.option("--ignore", help="Comma-separated rule codes not to run.")
@click.option(
    "--import-schema",
    is_flag=True,
    help="Import the [tool.confwarden] schema object (in a child process) instead of reading "
    "it from its source. This runs the checked tree's code.",
)
@click.option(
    "--fix",
    is_flag=True,
    help="Rewrite os.environ[...] reads, os.environ.get and os.getenv to the sanctioned "
    "accessor ([tool.confwarden.fix]); list what cannot be rewritten safely.",
)
@click.option("--diff", is_flag=True, help="Show what --fix would change; write nothing.")
def check(
    *,
    paths: tuple[Path, ...],
    fix: bool,
    diff: bool,
    fmt: str,
    as_json: bool,
    import_schema: bool,
    baseline: Path | None,
    write_baseline: Path | None,
    jobs: int,
    no_cache: bool,
    select: str | None,
    ignore: str | None,
) -> None:
    """Check the Python files at PATHS (default: the current directory) for configuration
    compliance (spec 000-004 incidents). The project root is the nearest directory whose
    pyproject.toml has [tool.confwarden]; finding paths are relative to it."""
    if as_json:
        fmt = "json"
    overrides: dict[str, object] = {}
    if select:
        overrides["select"] = [c.strip() for c in select.split(",") if c.strip()]
    if ignore:
        overrides["ignore"] = [c.strip() for c in ignore.split(",") if c.strip()]
    progress = _LazyProgress() if fmt == "human" and sys.stderr.isatty() else None
    targets = list(paths) or [Path(".")]
    if fix or diff:
        _fix(targets, overrides, fmt, jobs=jobs, no_cache=no_cache, write=fix and not diff)
        return
    try:
        root = find_project_root(_common(targets))
        config = load_config(root, overrides)
        result = run_check(
            targets,
            config,
            root=root,
            import_schema=import_schema,
            jobs=jobs,
            use_cache=not no_cache,
            baseline=None if write_baseline else baseline,
            progress=progress,
        )
    except (CheckerConfigError, ConfwardenError) as exc:
        click.echo(f"error: {exc}", err=True)
        raise click.exceptions.Exit(2) from exc
    except Exception as exc:  # an internal error must still exit 2, with a readable message
        click.echo(f"internal error in confwarden check: {type(exc).__name__}: {exc}", err=True)
        raise click.exceptions.Exit(2) from exc
    finally:
        if progress is not None:
            progress.stop()
    if write_baseline:
        count = save_baseline(write_baseline, result.findings)
        click.echo(f"wrote {count} finding(s) to the baseline {write_baseline}", err=True)
        raise click.exceptions.Exit(0)
    click.echo(render(result, fmt))
    raise click.exceptions.Exit(result.exit_code)


def _fix(
    targets: list[Path],
    overrides: dict[str, object],
    fmt: str,
    *,
    jobs: int,
    no_cache: bool,
    write: bool,
) -> None:
    """``--fix`` / ``--diff``: the summary goes to stderr, the diff or the report to stdout."""
    try:
        from confwarden.checker.fix import fix_tree

        root = find_project_root(_common(targets))
        config = load_config(root, overrides)
        report = fix_tree(
            targets, config, root=root, write=write, jobs=jobs, use_cache=not no_cache
        )
    except ImportError as exc:
        click.echo(f"error: {exc}", err=True)
        raise click.exceptions.Exit(2) from exc
    except (CheckerConfigError, ConfwardenError) as exc:
        click.echo(f"error: {exc}", err=True)
        raise click.exceptions.Exit(2) from exc
    verb = "fixed" if write else "would fix"
    click.echo(
        f"{verb} {report.rewritten} direct environment access(es) in {len(report.changed)} file(s)",
        err=True,
    )
    if report.untouched:
        click.echo(f"left {len(report.untouched)} as they are (not safe to rewrite):", err=True)
        for item in report.untouched:
            click.echo(f"  {item.path}:{item.line}  {item.why}", err=True)
    for path, why in sorted(report.refused.items()):
        click.echo(f"refused {path}: {why}", err=True)
    if not write:
        text = report.diff()
        if text:
            click.echo(text, nl=False)
        raise click.exceptions.Exit(1 if text else 0)
    assert report.result is not None
    click.echo(render(report.result, fmt))
    raise click.exceptions.Exit(report.result.exit_code)
