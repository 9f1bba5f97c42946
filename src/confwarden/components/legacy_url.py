"""A legacy ``DATABASE_URL``: reported, and parsed into components only on request.

spec/003 forbids reading ``DATABASE_URL`` directly: a stale one in staging silently pointed a
service at the wrong database. Services migrating from it still have it set, so
DatabaseURLBuilder reports it (a warning naming the components to set instead) and, when the
caller opts in, parses it into ``POSTGRES_*`` components that are then validated like any
other; it is never trusted as is.
"""

from __future__ import annotations

from confwarden.components.problems import Problem
from confwarden.components.url import parse_secret_url
from confwarden.environment.policy import Severity

__all__ = ["merge_legacy_url"]


def merge_legacy_url(
    raw: str,
    parse: bool,
    values: dict[str, str | None],
    sources: dict[str, str],
    problems: list[Problem],
) -> None:
    """Report a legacy ``DATABASE_URL``; with ``parse``, merge its parts into ``values``.

    Components already set win; a part that disagrees with them is reported. Parsing problems
    are appended to ``problems`` without the URL, which may hold a password.

    Args:
        raw: the ``DATABASE_URL`` value ("" when unset).
        parse: the caller opted in to parsing (``parse_legacy_url=True``).
        values: ``POSTGRES_*`` name -> value (None when unset); filled in place.
        sources: ``POSTGRES_*`` name -> where its value came from; filled in place.
        problems: where problems are appended.
    """
    legacy = raw.strip()
    if not legacy:
        return
    if not parse:
        problems.append(
            Problem(
                variable="DATABASE_URL",
                message="is set but not read: database URLs are built from POSTGRES_* components",
                fix="Move its parts into POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER, "
                "POSTGRES_PASSWORD and POSTGRES_DB and unset DATABASE_URL "
                "(or opt in with parse_legacy_url=True)",
                severity=Severity.WARNING,
            )
        )
        return
    try:
        url = parse_secret_url(legacy)
    except ValueError as exc:
        problems.append(
            Problem(variable="DATABASE_URL", message=str(exc), fix="Fix or unset DATABASE_URL")
        )
        return
    if url.scheme.split("+")[0] not in {"postgresql", "postgres"}:
        problems.append(
            Problem(
                variable="DATABASE_URL",
                message=f"has scheme {url.scheme!r}, not postgresql",
                fix="Use a postgresql:// URL or the POSTGRES_* components",
            )
        )
        return
    params = url.query_params
    parsed = {
        "POSTGRES_HOST": params.get("host") or url.host or None,
        "POSTGRES_PORT": str(url.port) if url.port is not None else params.get("port"),
        "POSTGRES_USER": url.username or None,
        "POSTGRES_PASSWORD": url.password or None,
        "POSTGRES_DB": url.path or None,
        "POSTGRES_SSLMODE": params.get("sslmode") or params.get("ssl"),
    }
    for name, value in parsed.items():
        if value is None:
            continue
        if values[name] is None:
            values[name] = value
            sources[name] = "DATABASE_URL (parse_legacy_url=True)"
        elif values[name] != value:
            problems.append(
                Problem(
                    variable=f"DATABASE_URL/{name}",
                    message=f"DATABASE_URL and {name} disagree; {name} wins",
                    fix="Unset DATABASE_URL once the POSTGRES_* components are right",
                    severity=Severity.WARNING,
                )
            )
