"""Documentation generated from the schema: a Markdown reference and a ``.env.example``.

Hand-written variable lists drift from the code within a release; these are rendered from
the same :class:`~confwarden.config.spec.FieldSpec` records the loader and the validator use,
so they cannot. Only metadata is rendered (names, types, defaults of non-secret fields,
examples): never a value from any environment, so no secret can reach the output.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Iterable, Iterator
from typing import Any

from confwarden.config.convert import is_secret_type
from confwarden.config.schema import ConfigSchema, fields_of, safe_value
from confwarden.config.spec import DEPLOYED, FieldSpec
from confwarden.environment.detection import Environment
from confwarden.environment.masking import is_sensitive_name

__all__ = [
    "describe_fields",
    "group_keys",
    "json_schema_of",
    "render_env_example",
    "render_markdown",
]


def _type_name(annotation: Any) -> str:
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    args = typing.get_args(annotation)
    if args and type(None) in args:
        inner = [a for a in args if a is not type(None)]
        return " | ".join(_type_name(a) for a in inner) + " (optional)"
    if is_secret_type(annotation):
        return "secret"
    if typing.get_origin(annotation) is typing.Literal:
        return " / ".join(str(a) for a in args)
    if typing.get_origin(annotation) in (list, tuple):
        return "comma-separated list"
    return getattr(annotation, "__name__", str(annotation))


def _default(schema: type[ConfigSchema], spec: FieldSpec) -> str:
    if spec.sensitive:
        return "-"
    value = schema.__confwarden_defaults__[spec.name]
    if value is None or value == () or value is ...:
        return "-"
    return _text(spec.canonical, value)


def _text(variable: str, value: Any) -> str:
    """A default written as the variable would hold it: a group as JSON (its secrets
    masked), a boolean lower-case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "model_dump"):
        return json.dumps(safe_value(variable, value), default=str)
    return str(getattr(value, "value", value))


def _model_of(annotation: Any) -> Any:
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    candidates = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    return next((c for c in candidates if hasattr(c, "model_fields")), None)


def group_keys(schema: type[ConfigSchema], spec: FieldSpec) -> Iterator[tuple[str, str, str, bool]]:
    """``(variable, type, default, secret)`` of every ``PREFIX__KEY`` variable of a nested
    group field (none for other fields); a secret key's default is never shown.

    Example (``payment: Payment`` with ``provider: str = "stripe"`` under ``SHOP_``)::

        list(group_keys(ShopConfig, spec_of_payment))
        # [('SHOP_PAYMENT__PROVIDER', 'str', 'stripe', False)]
    """
    delimiter = spec.nested_delimiter
    model = _model_of(schema.__confwarden_annotations__[spec.name]) if delimiter else None
    if model is None or delimiter is None:
        return
    yield from _keys(model, f"{spec.canonical}{delimiter}", delimiter, spec.sensitive)


def _keys(
    model: Any, prefix: str, delimiter: str, secret: bool
) -> Iterator[tuple[str, str, str, bool]]:
    for name, info in model.model_fields.items():
        variable = f"{prefix}{name.upper()}"
        inner = _model_of(info.annotation)
        if inner is not None:
            yield from _keys(inner, f"{variable}{delimiter}", delimiter, secret)
            continue
        kinds = (info.annotation, *typing.get_args(info.annotation))
        hidden = secret or is_sensitive_name(variable) or any(is_secret_type(k) for k in kinds)
        default = info.default
        shown = "-" if hidden or default is None or default is ... else _text(variable, default)
        yield variable, _type_name(info.annotation), shown, hidden


def _required(spec: FieldSpec) -> str:
    if not spec.required_in:
        return "no"
    if spec.required_in == DEPLOYED:
        return "staging, production"
    return ", ".join(e.value for e in Environment if e in spec.required_in)


def _groups(fields: Iterable[FieldSpec]) -> dict[str, list[FieldSpec]]:
    groups: dict[str, list[FieldSpec]] = {}
    for spec in fields:
        groups.setdefault(spec.group, []).append(spec)
    return groups


def render_markdown(schema: type[ConfigSchema]) -> str:
    """A Markdown reference of every variable of ``schema``, grouped.

    Example:
        >>> from confwarden.config.common import ServiceConfig
        >>> "| `SERVICE_SECRET` |" in render_markdown(ServiceConfig)
        True
    """
    lines = [
        f"# Configuration reference: {schema.__name__}",
        "",
        "Generated by `confwarden docs` from the schema; do not edit by hand.",
        "Precedence, highest first: values set in code, process environment, secret sources,",
        "`.env` files (development only), fallbacks (development/testing), defaults.",
        "",
        "Legend: **critical** problems stop startup in staging (ENFORCE_CRITICAL); "
        "**secret** values are masked everywhere; **restart** changes need a restart.",
    ]
    for group, specs in _groups(fields_of(schema)).items():
        lines += [
            "",
            f"## {group}",
            "",
            "| Variable | Type | Default | Required in | Flags | Description |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for spec in specs:
            names = [f"`{spec.canonical}`"]
            aliases = [f"`{n}`" for n in spec.env_names[1:]]
            deprecated = [f"`{n}` (deprecated)" for n in spec.deprecated_names]
            also = ", ".join(aliases + deprecated)
            variable = names[0] + (f" (also {also})" if also else "")
            flags = ", ".join(
                flag
                for flag, on in (
                    ("critical", spec.critical),
                    ("secret", spec.sensitive),
                    ("restart", spec.restart_required),
                    ("no fallback", not spec.fallback_allowed),
                )
                if on
            )
            description = spec.description.replace("|", "\\|")
            if description:
                description = description.rstrip(".") + "."
            if spec.example and not spec.sensitive:
                description += f" Example: `{spec.example}`."
            annotation = schema.__confwarden_annotations__[spec.name]
            lines.append(
                f"| {variable} | {_type_name(annotation)} | {_default(schema, spec)} | "
                f"{_required(spec)} | {flags or '-'} | {description or '-'} |"
            )
            for key, kind, default, secret in group_keys(schema, spec):
                lines.append(
                    f"| `{key}` | {kind} | {default} | no | {'secret' if secret else '-'} | "
                    f"One key of `{spec.canonical}` (JSON); wins over the JSON's key. |"
                )
    return "\n".join(lines) + "\n"


def render_env_example(schema: type[ConfigSchema]) -> str:
    """A ``.env.example`` with every variable of ``schema``, secrets left empty.

    Example:
        >>> from confwarden.config.common import ServiceConfig
        >>> "SERVICE_SECRET=\\n" in render_env_example(ServiceConfig)
        True
    """
    lines = [
        f"# .env.example for {schema.__name__}, generated by `confwarden docs "
        "--format env-example`.",
        "# Copy to .env.development; .env files are never read in staging or production.",
    ]
    for group, specs in _groups(fields_of(schema)).items():
        lines += ["", f"# --- {group} ---"]
        for spec in specs:
            notes = []
            if spec.description:
                notes.append(spec.description)
            if spec.required_in:
                notes.append(f"required in {_required(spec)}")
            if spec.sensitive:
                notes.append("secret: set it from your secret store, never commit it")
            lines.append(f"# {'; '.join(notes)}" if notes else f"# {spec.name}")
            if spec.sensitive:
                value = ""
            elif spec.example:
                value = spec.example
            else:
                value = "" if _default(schema, spec) == "-" else _default(schema, spec)
            prefix = "" if spec.sensitive or spec.required_in or spec.example else "# "
            lines.append(f"{prefix}{spec.canonical}={value}")
            for key, kind, default, secret in group_keys(schema, spec):
                note = "; secret: set it from your secret store, never commit it" if secret else ""
                lines.append(f"# {kind}: one key of {spec.canonical}{note}")
                shown = "" if default == "-" else default
                lines.append(f"{key}=" if secret else f"# {key}={shown}")
    return "\n".join(lines) + "\n"


def describe_fields(schema: type[ConfigSchema]) -> list[tuple[str, str, str, str, str]]:
    """One row per field: variable, type, default (never a secret's), required in, secret.

    Example:
        >>> from confwarden.config.common import ServiceConfig
        >>> ("SERVICE_SECRET", "secret (optional)", "-", "staging, production", "yes") in (
        ...     describe_fields(ServiceConfig))
        True
    """
    return [
        (
            spec.canonical,
            _type_name(schema.__confwarden_annotations__[spec.name]),
            _default(schema, spec),
            _required(spec) if spec.required_in else "-",
            "yes" if spec.sensitive else "no",
        )
        for spec in fields_of(schema)
    ]


def json_schema_of(schema: type[ConfigSchema]) -> dict[str, Any]:
    """The JSON Schema of ``schema``'s values, each property naming its variables.

    Uses the schema's own ``json_schema()`` when it has one; otherwise pydantic's JSON
    Schema of the model behind the class, where each property gains ``env`` (the variables
    it reads, canonical first) and ``sensitive``, and secret fields lose their default, so
    no secret can reach the document.

    Example:
        >>> from confwarden.config.common import ServiceConfig
        >>> json_schema_of(ServiceConfig)["properties"]["service_secret"]["env"]
        ['SERVICE_SECRET']
    """
    own = getattr(schema, "json_schema", None)
    if callable(own):
        return dict(own())
    document: dict[str, Any] = schema.__confwarden_model__.model_json_schema()
    document.setdefault("title", schema.__name__)
    properties = document.get("properties", {})
    for spec in fields_of(schema):
        prop = properties.get(spec.name)
        if prop is None:
            continue
        prop["env"] = [*spec.env_names, *spec.deprecated_names]
        prop["sensitive"] = spec.sensitive
        if spec.sensitive:
            prop.pop("default", None)
    return document
