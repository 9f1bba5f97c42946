"""The binding of a schema class, computed once when the class is created.

:class:`~confwarden.config.schema.ConfigSchema` calls :func:`build_bindings` from
``__init_subclass__``: it reads the annotations, names the variables of every field (the
class's ``env_prefix`` plus the upper-cased field name, unless an :class:`Env` marker names
them), precomputes a load plan per environment and chooses how values are converted: by
the converters of :mod:`~confwarden.config.convert` when every field has one (pydantic is
then never imported), by a pydantic model built from the same annotations otherwise.
Loading then only walks the plan (pydantic-settings re-inspects every annotation on every
instantiation).
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Union

from confwarden.config.convert import Converter, compile_converter, is_secret_type
from confwarden.config.spec import FieldSpec
from confwarden.environment.detection import Environment

if TYPE_CHECKING:
    from pydantic import BaseModel

    from confwarden.config.schema import ConfigSchema

__all__ = [
    "REQUIRED",
    "Env",
    "FieldPlan",
    "build_bindings",
    "pydantic_model",
    "sensitive_variables",
    "split_list",
]


class Env:
    """Binds a configuration field to its variables, with the metadata every tool reads.

    Without names, the field's variable is the class's ``env_prefix`` plus the upper-cased
    field name (``page_size`` in ``class ShopConfig(ConfigSchema, env_prefix="SHOP_")`` reads
    ``SHOP_PAGE_SIZE``); names given here are used as they are, without the prefix.

    Args:
        *names: the variables, in lookup order; the first is canonical. ``{ENVIRONMENT}``
            is replaced by the upper-case environment (``JWT_SECRET_{ENVIRONMENT}``).
        deprecated: older names still read, with a warning naming the canonical one.
        sensitive: a secret: the field must be typed ``SecretStr`` and is masked everywhere.
        critical: a missing or invalid value stops startup under ENFORCE_CRITICAL.
        required_in: environments where the field must have a value: ``Environment``
            members or their names and aliases (``("staging", "prod")``).
        restart_required: a change needs a restart (no hot reload).
        description: one line for docs and error messages.
        example: an example value for docs and ``.env.example`` (never a real secret).
        group: a section for docs and summaries.
        fallback_allowed: a development/testing fallback may fill it in.
        secret: the stored secret of this field in secret stores, for every one of its
            names (``"jwt-secret-key-{environment}"``); see ``confwarden.secrets.mapping``.

    Example:
        >>> Env("REDIS_URL", group="redis").names
        ('REDIS_URL',)
    """

    __slots__ = (
        "critical",
        "deprecated",
        "description",
        "example",
        "fallback_allowed",
        "group",
        "names",
        "required_in",
        "restart_required",
        "secret",
        "sensitive",
    )

    def __init__(
        self,
        *names: str,
        deprecated: Iterable[str] = (),
        sensitive: bool = False,
        critical: bool = False,
        required_in: Iterable[Environment | str] | Environment | str = (),
        restart_required: bool = False,
        description: str = "",
        example: str | None = None,
        group: str | None = None,
        fallback_allowed: bool = True,
        secret: str | None = None,
    ) -> None:
        self.names = names
        self.deprecated = tuple(deprecated)
        self.sensitive = sensitive
        self.critical = critical
        self.required_in = _environments(required_in, names)
        self.restart_required = restart_required
        self.description = description
        self.example = example
        self.group = group
        self.fallback_allowed = fallback_allowed
        self.secret = secret

    def __repr__(self) -> str:
        return f"Env({', '.join(repr(n) for n in self.names)})"


def _environments(
    given: Iterable[Environment | str] | Environment | str, names: tuple[str, ...]
) -> frozenset[Environment]:
    """``required_in`` as Environment members: every tool reads ``.value`` of them."""
    from confwarden.errors import EnvironmentDetectionError

    items = (given,) if isinstance(given, str) else tuple(given)
    result: set[Environment] = set()
    for item in items:
        if isinstance(item, Environment):
            result.add(item)
            continue
        try:
            result.add(Environment.parse(item) if isinstance(item, str) else Environment(item))
        except (EnvironmentDetectionError, ValueError):
            where = f"Env({', '.join(map(repr, names))})" if names else "Env()"
            raise TypeError(
                f"{where}: required_in={item!r} is not an environment; use Environment members "
                f"or their names: {', '.join(e.value for e in Environment)}."
            ) from None
    return frozenset(result)


class FieldPlan(typing.NamedTuple):
    """How the loader fills one field in one environment (precomputed per class)."""

    spec: FieldSpec
    variables: tuple[str, ...]  # canonical and aliases, then deprecated names
    deprecated: frozenset[str]
    convert: Callable[[str], Any] | None  # pre-conversion: comma lists, JSON objects
    nested: str | None = None  # "SHOP_PAYMENT__": the prefix of a nested group's variables


REQUIRED: Any = ...


def split_list(raw: str) -> Any:
    """A comma-separated list (``a, b``) or a JSON array (``["a", "b"]``) as a list."""
    text = raw.strip()
    if text.startswith("["):
        return json.loads(text)
    return [part.strip() for part in text.split(",") if part.strip()]


def _json_object(raw: str) -> Any:
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError("is not a JSON object")
    return value


def _strip_annotated(annotation: Any) -> Any:
    return (
        typing.get_args(annotation)[0] if typing.get_origin(annotation) is Annotated else annotation
    )


def _unwrap(annotation: Any) -> tuple[Any, ...]:
    """The member types of ``annotation`` (``X | None`` -> ``(X, NoneType)``)."""
    annotation = _strip_annotated(annotation)
    origin = typing.get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        return typing.get_args(annotation)
    return (annotation,)


def _is_collection(annotation: Any) -> bool:
    return any(
        typing.get_origin(member) in (list, tuple, set, frozenset) or member in (list, tuple)
        for member in _unwrap(annotation)
    )


def is_nested(annotation: Any) -> bool:
    """True for a nested group: a pydantic model or a dict (filled from JSON or ``__`` names)."""
    return any(
        hasattr(member, "__pydantic_fields__")
        or member is dict
        or typing.get_origin(member) is dict
        for member in _unwrap(annotation)
    )


def _is_secret(annotation: Any) -> bool:
    return any(is_secret_type(member) for member in _unwrap(annotation))


def _marker(annotation: Any) -> Env | None:
    if typing.get_origin(annotation) is not Annotated:
        return None
    return next((m for m in annotation.__metadata__ if isinstance(m, Env)), None)


def _field_annotations(cls: type[ConfigSchema]) -> dict[str, Any]:
    """Field name -> annotation, base classes first; a subclass re-annotating a field without
    an :class:`Env` marker changes its default only and keeps the parent's annotation."""
    inherited: dict[str, Any] = {}
    for base in reversed(cls.__mro__[1:]):
        inherited.update(getattr(base, "__confwarden_annotations__", {}))
    try:
        hints = typing.get_type_hints(cls, include_extras=True)
    except NameError as exc:
        raise TypeError(
            f"{cls.__qualname__}: cannot resolve the field annotations ({exc}). With "
            "'from __future__ import annotations', every type a field names must be importable "
            "from the module's globals: import it at module level."
        ) from None
    result: dict[str, Any] = {}
    for name, hint in hints.items():
        if name.startswith("_") or typing.get_origin(hint) is ClassVar or hint is ClassVar:
            continue
        if name in inherited and _marker(hint) is None:
            result[name] = inherited[name]
        else:
            result[name] = hint
    return result


def _spec(cls: type[ConfigSchema], name: str, annotation: Any, marker: Env | None) -> FieldSpec:
    marker = marker or Env(sensitive=_is_secret(annotation))
    prefix = cls.__confwarden_env_prefix__
    return FieldSpec(
        name=name,
        env_names=marker.names or (f"{prefix}{name}".upper(),),
        deprecated_names=marker.deprecated,
        # A secret type is a secret whatever the marker says: Env("X") without repeating
        # sensitive=True must not print a SecretStr in clear.
        sensitive=marker.sensitive or _is_secret(annotation),
        critical=marker.critical,
        required_in=marker.required_in,
        restart_required=marker.restart_required,
        description=marker.description,
        example=marker.example,
        group=marker.group or cls.__confwarden_group__,
        fallback_allowed=marker.fallback_allowed,
        secret=marker.secret,
        multiple=_is_collection(annotation),
        nested_delimiter=cls.__confwarden_nested_delimiter__ if is_nested(annotation) else None,
    )


def build_bindings(cls: type[ConfigSchema]) -> None:
    """Compute and store the binding of ``cls`` (its ``__confwarden_*__`` attributes)."""
    parent_specs: dict[str, FieldSpec] = {}
    for base in cls.__mro__[1:]:
        for spec in getattr(base, "__confwarden_fields__", ()):
            parent_specs.setdefault(spec.name, spec)
    annotations = _field_annotations(cls)
    inherited: dict[str, Any] = {}
    for base in reversed(cls.__mro__[1:]):
        inherited.update(getattr(base, "__confwarden_defaults__", {}))
    defaults = {name: cls.__dict__.get(name, inherited.get(name, REQUIRED)) for name in annotations}
    # Defaults live in __confwarden_defaults__, not as class attributes: a class attribute
    # of the same name as an instance attribute defeats CPython's attribute-read fast path
    # (a field read would cost 2-3x a plain attribute read).
    for name in annotations:
        if name in cls.__dict__:
            delattr(cls, name)
    for name in annotations:
        taken = next((b for b in cls.__mro__[1:] if name in b.__dict__), None)
        if taken is not None:
            raise TypeError(
                f"{cls.__qualname__}.{name}: a field cannot be named like "
                f"{taken.__qualname__}.{name}; rename the field and bind its variable with "
                f'Annotated[..., Env("{name.upper()}")].'
            )
    specs: list[FieldSpec] = []
    for name, annotation in annotations.items():
        marker = _marker(annotation)
        spec = parent_specs[name] if marker is None and name in parent_specs else None
        if spec is None:
            spec = _spec(cls, name, annotation, marker)
        if spec.sensitive and not _is_secret(annotation):
            raise TypeError(
                f"{cls.__qualname__}.{name} is sensitive but typed {annotation!r}: "
                "type it SecretStr (or SecretStr | None) so repr and str never show it."
            )
        specs.append(spec)
    fields = tuple(specs)
    delimiter = cls.__confwarden_nested_delimiter__
    plans: dict[Environment, tuple[FieldPlan, ...]] = {}
    for environment in Environment:
        items = []
        for spec in fields:
            annotation = annotations[spec.name]
            names = spec.variable_names(environment)
            nested = is_nested(annotation)
            pre = _json_object if nested else split_list if _is_collection(annotation) else None
            items.append(
                FieldPlan(
                    spec,
                    names,
                    frozenset(names[len(spec.env_names) :]),
                    pre,
                    f"{names[0]}{delimiter}" if nested and delimiter else None,
                )
            )
        plans[environment] = tuple(items)
    converters: dict[str, Converter] | None = {}
    for name, annotation in annotations.items():
        converter = compile_converter(annotation, marker=Env)
        if converter is None:
            converters = None
            break
        assert converters is not None
        converters[name] = converter
    # Instances are of a hidden slotted subclass: a field read is then a slot read, as fast
    # as a plain attribute read (pydantic's BaseModel.__getattr__, or a large instance
    # __dict__, makes it 2-3x slower).
    storage = type(
        cls.__name__,
        (cls,),
        {
            "__slots__": tuple(annotations),
            "__module__": cls.__module__,
            "__qualname__": cls.__qualname__,
            "__confwarden_is_storage__": True,
        },
    )
    cls.__confwarden_annotations__ = annotations
    cls.__confwarden_defaults__ = defaults
    # (name, converter, default, nullable): an optional field's converter is unwrapped, the
    # schema's loop handles None itself (one call less per field on the load path).
    cls.__confwarden_converters__ = (
        None
        if converters is None
        else tuple(
            (
                name,
                getattr(converters[name], "__wrapped__", converters[name]),
                defaults[name],
                hasattr(converters[name], "__wrapped__"),
            )
            for name in annotations
        )
    )
    cls.__confwarden_storage__ = storage
    cls.__confwarden_setters__ = tuple(
        (name, storage.__dict__[name].__set__) for name in annotations
    )
    cls.__confwarden_fields__ = fields
    cls.__confwarden_plans__ = plans
    cls.__confwarden_env_vars__ = frozenset(
        variable for plan in plans.values() for item in plan for variable in item.variables
    )
    if "__confwarden_model__" in cls.__dict__:
        delattr(cls, "__confwarden_model__")
    if converters is None:
        # Built now, not on first use: a type pydantic cannot handle fails at import time.
        pydantic_model(cls)


def sensitive_variables(cls: type[ConfigSchema]) -> frozenset[str]:
    """Every variable ``cls`` may read a secret from, whatever the variable is called.

    The names of every sensitive field in every environment (``{ENVIRONMENT}`` filled in),
    deprecated names included; for a nested group holding a secret, the group's variables
    and the key variables of its secret members (``SHOP_PAYMENT__API_TOKEN``). Tools showing
    raw environment values mask these besides the names that look secret.

    Example:
        >>> from confwarden import ConfigSchema, SecretStr
        >>> class Shop(ConfigSchema, env_prefix="SHOP_"):
        ...     signing: SecretStr | None = None
        ...     page_size: int = 50
        >>> sorted(sensitive_variables(Shop))
        ['SHOP_SIGNING']
    """
    names: set[str] = set()
    delimiter = cls.__confwarden_nested_delimiter__
    for spec in cls.__confwarden_fields__:
        variables = {name for env in Environment for name in spec.variable_names(env)}
        if spec.sensitive:
            names.update(variables)
            continue
        if spec.nested_delimiter is None:
            continue
        paths = _secret_paths(cls.__confwarden_annotations__[spec.name], depth=0)
        if paths:
            names.update(variables)
            for variable in variables:
                names.update(
                    delimiter.join((variable, *path)).upper() for path in paths if delimiter
                )
    return frozenset(names)


_MAX_NESTING = 8  # a self-referencing model must not recurse forever


def _secret_paths(annotation: Any, depth: int) -> list[tuple[str, ...]]:
    """The key paths of the secret members of a nested group (``()`` for a dict of secrets:
    its keys are not known, the group itself is the secret)."""
    paths: list[tuple[str, ...]] = []
    if depth > _MAX_NESTING:
        return paths
    for member in _unwrap(annotation):
        if typing.get_origin(member) is dict:
            if _is_secret(typing.get_args(member)[-1]):
                paths.append(())
            continue
        for key, info in getattr(member, "__pydantic_fields__", {}).items():
            if _is_secret(info.annotation):
                paths.append((key,))
            else:
                paths.extend((key, *sub) for sub in _secret_paths(info.annotation, depth + 1))
    return paths


def pydantic_model(cls: type[ConfigSchema]) -> type[BaseModel]:
    """The pydantic model of ``cls`` (built on first use; schemas with converters may never)."""
    if cls.__dict__.get("__confwarden_is_storage__", False):
        cls = cls.__mro__[1]
    model = cls.__dict__.get("__confwarden_model__")
    if model is None:
        from pydantic import ConfigDict, create_model

        annotations = cls.__confwarden_annotations__
        defaults = cls.__confwarden_defaults__
        model = create_model(  # type: ignore[call-overload]
            cls.__name__,
            __config__=ConfigDict(
                extra="ignore", frozen=True, validate_default=False, hide_input_in_errors=True
            ),
            __module__=cls.__module__,
            **{name: (annotations[name], defaults[name]) for name in annotations},
        )
        cls.__confwarden_model__ = model
    return typing.cast("type[BaseModel]", model)
