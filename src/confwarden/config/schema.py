"""Typed configuration classes and the variables each field binds to.

A configuration class declares typed fields and says which variables feed them::

    class MyConfig(ConfigSchema):
        jwt_secret_key: Annotated[
            SecretStr | None,
            Env("JWT_SECRET_KEY", sensitive=True, critical=True, required_in=DEPLOYED),
        ] = None

The binding (variable names, metadata, list splitting) and the pydantic model that converts
values are computed **once per class**, when the class is created, into a tuple of
:class:`~confwarden.config.spec.FieldSpec` and a load plan per environment. pydantic-settings
re-inspects every annotation on every instantiation (3.6 ms for 150 fields); the loader here
only walks the precomputed plan. A loaded config is a plain immutable object, not a pydantic
model: pydantic's ``BaseModel.__getattr__`` makes every attribute read about 3x slower.

A subclass may change a default without repeating the binding (``debug: bool = True``): a
field without an :class:`Env` marker inherits its parent's binding.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Self, Union

from pydantic import BaseModel, ConfigDict, SecretStr, create_model

from confwarden.config.spec import FieldSpec
from confwarden.environment.detection import Environment

if TYPE_CHECKING:
    from confwarden.config.sources import LoadContext
    from confwarden.secrets.base import ValueSource

__all__ = ["ConfigSchema", "Env", "FieldPlan", "fields_of", "plan_of"]


class Env:
    """Binds a configuration field to its variables, with the metadata every tool reads.

    Args:
        *names: the variables, in lookup order; the first is canonical. ``{ENVIRONMENT}``
            is replaced by the upper-case environment (``JWT_SECRET_{ENVIRONMENT}``).
        deprecated: older names still read, with a warning naming the canonical one.
        sensitive: a secret: the field must be typed ``SecretStr`` and is masked everywhere.
        critical: a missing or invalid value stops startup under ENFORCE_CRITICAL.
        required_in: environments where the field must have a value.
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
        required_in: Iterable[Environment] = (),
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
        self.required_in = frozenset(required_in)
        self.restart_required = restart_required
        self.description = description
        self.example = example
        self.group = group
        self.fallback_allowed = fallback_allowed
        self.secret = secret

    def __repr__(self) -> str:
        return f"Env({', '.join(repr(n) for n in self.names)})"


class FieldPlan(typing.NamedTuple):
    """How the loader fills one field in one environment (precomputed per class)."""

    spec: FieldSpec
    variables: tuple[str, ...]  # canonical and aliases, then deprecated names
    deprecated: frozenset[str]
    convert: Callable[[str], Any] | None  # pre-conversion for collections (comma lists)


def _split_list(raw: str) -> Any:
    text = raw.strip()
    if text.startswith("["):
        return json.loads(text)
    return [part.strip() for part in text.split(",") if part.strip()]


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


def _is_secret(annotation: Any) -> bool:
    return any(
        isinstance(member, type) and issubclass(member, SecretStr) for member in _unwrap(annotation)
    )


def _marker(annotation: Any) -> Env | None:
    if typing.get_origin(annotation) is not Annotated:
        return None
    return next((m for m in annotation.__metadata__ if isinstance(m, Env)), None)


_REQUIRED: Any = ...


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


def _build_bindings(cls: type[ConfigSchema]) -> None:
    parent_specs: dict[str, FieldSpec] = {}
    for base in cls.__mro__[1:]:
        for spec in getattr(base, "__confwarden_fields__", ()):
            parent_specs.setdefault(spec.name, spec)
    annotations = _field_annotations(cls)
    inherited: dict[str, Any] = {}
    for base in reversed(cls.__mro__[1:]):
        inherited.update(getattr(base, "__confwarden_defaults__", {}))
    defaults = {
        name: cls.__dict__.get(name, inherited.get(name, _REQUIRED)) for name in annotations
    }
    # Defaults live in __confwarden_defaults__, not as class attributes: a class attribute
    # of the same name as an instance attribute defeats CPython's attribute-read fast path
    # (a field read would cost 2-3x a plain attribute read).
    for name in annotations:
        if name in cls.__dict__:
            delattr(cls, name)
    default_group = cls.__confwarden_group__
    specs: list[FieldSpec] = []
    for name, annotation in annotations.items():
        marker = _marker(annotation)
        if marker is None and name in parent_specs:
            spec = parent_specs[name]
        else:
            marker = marker or Env(name.upper())
            spec = FieldSpec(
                name=name,
                env_names=marker.names or (name.upper(),),
                deprecated_names=marker.deprecated,
                sensitive=marker.sensitive,
                critical=marker.critical,
                required_in=marker.required_in,
                restart_required=marker.restart_required,
                description=marker.description,
                example=marker.example,
                group=marker.group or default_group,
                fallback_allowed=marker.fallback_allowed,
                secret=marker.secret,
            )
        if spec.sensitive and not _is_secret(annotation):
            raise TypeError(
                f"{cls.__qualname__}.{name} is sensitive but typed {annotation!r}: "
                "type it SecretStr (or SecretStr | None) so repr and str never show it."
            )
        specs.append(spec)
    fields = tuple(specs)
    plans: dict[Environment, tuple[FieldPlan, ...]] = {}
    for environment in Environment:
        plans[environment] = tuple(
            FieldPlan(
                spec,
                spec.variable_names(environment),
                frozenset(spec.variable_names(environment)[len(spec.env_names) :]),
                _split_list if _is_collection(annotations[spec.name]) else None,
            )
            for spec in fields
        )
    model = create_model(  # type: ignore[call-overload]
        cls.__name__,
        __config__=_MODEL_CONFIG,
        __module__=cls.__module__,
        **{name: (annotations[name], defaults[name]) for name in annotations},
    )
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
    cls.__confwarden_model__ = model
    cls.__confwarden_storage__ = storage
    cls.__confwarden_setters__ = tuple(
        (name, storage.__dict__[name].__set__) for name in annotations
    )
    cls.__confwarden_fields__ = fields
    cls.__confwarden_plans__ = plans
    cls.__confwarden_env_vars__ = frozenset(
        variable for plan in plans.values() for item in plan for variable in item.variables
    )


_MODEL_CONFIG = ConfigDict(extra="ignore", frozen=True, validate_default=False)


class ConfigSchema:
    """Base of every configuration class: typed, immutable, bound to variables once.

    Fields are declared as annotated class attributes (with defaults), as for a dataclass.
    Values are converted and checked by pydantic (a model built once per class from the same
    annotations, so ``SecretStr``, ``Literal``, ``BeforeValidator``... all work), then stored
    on a plain object: reading a field is a plain attribute read, and the object refuses
    every change.

    Class attributes set on every subclass:

    * ``__confwarden_fields__``: one :class:`FieldSpec` per field (see :func:`fields_of`);
    * ``__confwarden_env_vars__``: every variable name the class binds, environment templates
      expanded for all four environments (the static checker reads it);
    * ``ENVIRONMENT``: the environment a profile class is for (None for a base class).

    Class attributes a schema may set: ``__confwarden_prefix__`` (the project's variable
    prefix, for unknown-variable checks) and ``__confwarden_group__`` (the default group).

    An instance's class is a hidden slotted subclass with the same name (``isinstance`` works,
    ``type(config) is ProductionConfig`` does not); copies and pickles rebuild the public class.
    Cross-field checks belong in validation rules, not in the class.

    Raises:
        pydantic.ValidationError: on construction, when a value cannot be converted.
    """

    ENVIRONMENT: ClassVar[Environment | None] = None
    __confwarden_group__: ClassVar[str] = "general"
    __confwarden_prefix__: ClassVar[str | None] = None
    __confwarden_fields__: ClassVar[tuple[FieldSpec, ...]] = ()
    __confwarden_plans__: ClassVar[dict[Environment, tuple[FieldPlan, ...]]] = {}
    __confwarden_env_vars__: ClassVar[frozenset[str]] = frozenset()
    __confwarden_annotations__: ClassVar[dict[str, Any]] = {}
    __confwarden_defaults__: ClassVar[dict[str, Any]] = {}
    __confwarden_model__: ClassVar[type[BaseModel]]
    __confwarden_storage__: ClassVar[type[ConfigSchema]]
    __confwarden_setters__: ClassVar[tuple[tuple[str, Callable[[Any, Any], None]], ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__dict__.get("__confwarden_is_storage__", False):
            _build_bindings(cls)

    def __new__(cls, **values: Any) -> Self:
        return cls.model_validate(values)

    def __init__(self, **values: Any) -> None:
        """Build a config from field values (converted and checked); see :meth:`model_validate`."""

    @classmethod
    def model_validate(cls, data: Mapping[str, Any]) -> Self:
        """Convert and check ``data`` (field name -> value) into an immutable config.

        Raises:
            pydantic.ValidationError: every value that cannot be converted.
        """
        validated = cls.__confwarden_model__.model_validate(data).__dict__
        instance: Any = object.__new__(cls.__confwarden_storage__)
        for name, set_slot in cls.__confwarden_setters__:
            set_slot(instance, validated[name])
        return typing.cast(Self, instance)

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` applied (and validated); this object is left unchanged."""
        return type(self).model_validate({**self.to_dict(), **changes})

    def to_dict(self) -> dict[str, Any]:
        """Field name -> value (secrets stay ``SecretStr``, masked when printed)."""
        return {name: getattr(self, name) for name in self.__confwarden_annotations__}

    def __reduce__(self) -> tuple[Any, ...]:
        # The hidden storage class is not importable by name: rebuild through the public one.
        public = next(c for c in type(self).__mro__ if "__confwarden_storage__" in c.__dict__)
        return (_rebuild, (public, self.to_dict()))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(
            f"{type(self).__name__} is immutable: {name} cannot be changed. "
            "Set the variable and reload, or use .replace() for a modified copy."
        )

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: {name} cannot be deleted.")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return False
        assert isinstance(other, ConfigSchema)
        return other.to_dict() == self.to_dict()

    def __hash__(self) -> int:
        return hash((type(self), tuple(self.to_dict().items())))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self.to_dict().items())
        return f"{type(self).__name__}({fields})"

    @classmethod
    def config_sources(cls, context: LoadContext) -> tuple[ValueSource, ...]:
        """The sources of this schema's values, highest precedence first.

        The one place precedence is defined (like pydantic-settings'
        ``settings_customise_sources``): override it in a subclass to add, drop or reorder
        sources, e.g. to put a remote secret store before the process environment.
        """
        from confwarden.config.sources import default_sources

        return default_sources(context)

    @classmethod
    def for_environment(cls, environment: Environment) -> type[ConfigSchema]:
        """The profile subclass of this class for ``environment``, or the class itself.

        Example:
            >>> from confwarden.presets.agent_platform import AppConfig
            >>> AppConfig.for_environment(Environment.STAGING).__name__
            'StagingConfig'
        """
        if cls.ENVIRONMENT is environment:
            return cls
        pending = list(cls.__subclasses__())
        while pending:
            sub = pending.pop(0)
            if sub.__dict__.get("__confwarden_is_storage__", False):
                continue
            if sub.ENVIRONMENT is environment:
                return sub
            pending.extend(sub.__subclasses__())
        return cls

    @classmethod
    def field_for_variable(cls, variable: str) -> FieldSpec | None:
        """The field bound to ``variable`` (any name, any environment), or None."""
        for plan in cls.__confwarden_plans__.values():
            for item in plan:
                if variable in item.variables:
                    return item.spec
        return None


def _rebuild(cls: type[ConfigSchema], values: dict[str, Any]) -> ConfigSchema:
    return cls.model_validate(values)


def fields_of(cls: type[ConfigSchema]) -> tuple[FieldSpec, ...]:
    """The field metadata of a configuration class, computed once when the class was created.

    Example:
        >>> from confwarden.presets.agent_platform import AppConfig
        >>> spec = next(f for f in fields_of(AppConfig) if f.name == "jwt_secret_key")
        >>> spec.canonical, spec.sensitive
        ('JWT_SECRET_KEY', True)
    """
    return cls.__confwarden_fields__


def plan_of(cls: type[ConfigSchema], environment: Environment) -> tuple[FieldPlan, ...]:
    """The precomputed load plan of ``cls`` in ``environment``."""
    return cls.__confwarden_plans__[environment]
