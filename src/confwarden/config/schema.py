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

As in pydantic-settings, a class-level prefix names every field without a marker::

    class ShopConfig(ConfigSchema, env_prefix="SHOP_"):
        page_size: int = 50          # SHOP_PAGE_SIZE
        payment: PaymentSettings     # SHOP_PAYMENT (JSON) or SHOP_PAYMENT__PROVIDER...
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Self, dataclass_transform

from confwarden.config.binding import (
    REQUIRED,
    Env,
    FieldPlan,
    build_bindings,
    pydantic_model,
)
from confwarden.config.convert import ConversionError, Converter, SecretStr
from confwarden.config.schema_errors import (
    FieldError,
    convert_with_pydantic,
    masked_errors,
    revealed,
    validation_error,
)
from confwarden.config.spec import FieldSpec
from confwarden.environment.detection import Environment
from confwarden.environment.known import forms_of, mask_forms
from confwarden.environment.masking import MASK, mask_value
from confwarden.environment.secret_values import SecretValues, secrets_of

if TYPE_CHECKING:
    from confwarden.config.sources import LoadContext
    from confwarden.secrets.base import ValueSource

__all__ = [
    "ConfigSchema",
    "Env",
    "FieldError",
    "FieldPlan",
    "SecretStr",
    "fields_of",
    "plan_of",
    "safe_value",
]


def safe_value(name: str, value: Any, forms: frozenset[str] = frozenset()) -> Any:
    """``value`` as it may be shown for variable ``name``: secrets and URL credentials masked.

    Strings go through :func:`~confwarden.environment.masking.mask_value` (a password in a
    URL typed ``str`` is masked) and are masked against ``forms``, the forms of the secrets
    known to the caller (:func:`~confwarden.environment.known.forms_of`: a value copied from
    a secret is hidden too); secret types become ``***``, containers and nested models are
    masked item by item.

    Example:
        >>> safe_value("METRICS_URL", "https://admin:hunter2@metrics.example.com")
        'https://admin:***@metrics.example.com'
    """
    if value is None or isinstance(value, bool | int | float):
        return value
    if hasattr(value, "get_secret_value"):
        return MASK
    if isinstance(value, str):
        shown = mask_value(name, value)
        return mask_forms(shown, forms) if forms and shown else shown
    if isinstance(value, list | tuple | set | frozenset):
        return type(value)(safe_value(name, item, forms) for item in value)
    if isinstance(value, dict):
        return {key: safe_value(f"{name}__{key}", item, forms) for key, item in value.items()}
    if hasattr(value, "__pydantic_fields__"):
        return {key: safe_value(f"{name}__{key}", item, forms) for key, item in dict(value).items()}
    return value


@dataclass_transform(kw_only_default=True, frozen_default=True)
class ConfigSchema:
    """Base of every configuration class: typed, immutable, bound to variables once.

    Fields are declared as annotated class attributes (with defaults), as for a dataclass;
    type checkers see them as keyword parameters of the constructor (PEP 681). Common types
    (``str``, ``int``, ``float``, ``bool``, ``SecretStr``, ``Literal``/enum choices,
    ``list[str]``/``list[int]``, ``Path``, optional) are converted without pydantic; any other
    annotation (validators, nested models, constrained types) makes the class use a pydantic
    model built once from the same annotations. Values are stored on a plain object: reading
    a field is a plain attribute read, and the object refuses every change.

    Class keyword arguments (as pydantic-settings' ``model_config``, inherited by subclasses):

    * ``env_prefix``: prefix of the variable of every field without an :class:`Env` name
      (``env_prefix="SHOP_"``: ``page_size`` reads ``SHOP_PAGE_SIZE``); also the prefix the
      unknown-variable check watches;
    * ``case_sensitive``: False to match variable names in any case (default True);
    * ``env_nested_delimiter``: the separator of nested group variables (default ``"__"``:
      ``SHOP_PAYMENT__PROVIDER`` sets ``payment.provider``; ``SHOP_PAYMENT`` may hold the whole
      group as JSON); ``None`` turns it off.

    Class attributes set on every subclass:

    * ``__confwarden_fields__``: one :class:`FieldSpec` per field (see :func:`fields_of`);
    * ``__confwarden_env_vars__``: every variable name the class binds, environment templates
      expanded for all four environments (the static checker reads it);
    * ``ENVIRONMENT``: the environment a profile class is for (None for a base class).

    An instance's class is a hidden slotted subclass with the same name (``isinstance`` works,
    ``type(config) is ProductionConfig`` does not); copies and pickles rebuild the public class.
    Cross-field checks belong in validation rules, not in the class.

    Example:
        >>> class ShopConfig(ConfigSchema, env_prefix="SHOP_"):
        ...     page_size: int = 50
        >>> ShopConfig(page_size="10").page_size
        10
        >>> fields_of(ShopConfig)[0].canonical
        'SHOP_PAGE_SIZE'

    Raises:
        pydantic.ValidationError: on construction, when a value cannot be converted (the
            message never shows the value).
    """

    ENVIRONMENT: ClassVar[Environment | None] = None
    __confwarden_group__: ClassVar[str] = "general"
    __confwarden_prefix__: ClassVar[str | None] = None
    __confwarden_env_prefix__: ClassVar[str] = ""
    __confwarden_case_sensitive__: ClassVar[bool] = True
    __confwarden_nested_delimiter__: ClassVar[str | None] = "__"
    __confwarden_fields__: ClassVar[tuple[FieldSpec, ...]] = ()
    __confwarden_plans__: ClassVar[dict[Environment, tuple[FieldPlan, ...]]] = {}
    __confwarden_env_vars__: ClassVar[frozenset[str]] = frozenset()
    __confwarden_annotations__: ClassVar[dict[str, Any]] = {}
    __confwarden_defaults__: ClassVar[dict[str, Any]] = {}
    __confwarden_converters__: ClassVar[tuple[tuple[str, Converter, Any, bool], ...] | None] = ()
    __confwarden_model__: ClassVar[type[Any]]  # a pydantic model, built on first use
    __confwarden_storage__: ClassVar[type[ConfigSchema]]
    __confwarden_setters__: ClassVar[tuple[tuple[str, Callable[[Any, Any], None]], ...]] = ()

    def __init_subclass__(
        cls,
        *,
        env_prefix: str | None = None,
        case_sensitive: bool | None = None,
        env_nested_delimiter: str | None = "",
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("__confwarden_is_storage__", False):
            return
        if env_prefix is not None:
            cls.__confwarden_env_prefix__ = env_prefix
            if "__confwarden_prefix__" not in cls.__dict__ and env_prefix:
                cls.__confwarden_prefix__ = env_prefix
        if case_sensitive is not None:
            cls.__confwarden_case_sensitive__ = case_sensitive
        if env_nested_delimiter != "":  # "" (the default): keep the inherited delimiter
            cls.__confwarden_nested_delimiter__ = env_nested_delimiter
        build_bindings(cls)

    def __new__(cls, **values: Any) -> Self:
        return cls.model_validate(values)

    def __init__(self, **values: Any) -> None:
        """Build a config from field values (converted and checked); see :meth:`model_validate`."""

    @classmethod
    def convert_values(cls, data: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
        """Convert ``data`` (field name -> value): the converted fields and every failure.

        Fields missing from ``data`` take their defaults (a field without one is a
        ``missing`` failure); a field that fails takes its default too, if it has one, so
        tools can still show a whole config. Failures never carry the value.
        """
        converters = cls.__confwarden_converters__
        if converters is None:
            return convert_with_pydantic(cls, data)
        result: dict[str, Any] = {}
        errors: list[FieldError] = []
        get = data.get
        for name, convert, default, nullable in converters:
            value = get(name, REQUIRED)
            if value is not REQUIRED:
                if value is None and nullable:
                    result[name] = None
                    continue
                try:
                    result[name] = convert(value)
                except ConversionError as exc:
                    errors.append((name, exc.kind, exc.message, exc.expected))
                    if default is not REQUIRED:
                        result[name] = default  # shown by tools; never used as the config
            elif default is REQUIRED:
                errors.append((name, "missing", "Field required", None))
            elif type(default) in _MUTABLE:
                result[name] = default.copy()  # as pydantic: no default shared between configs
            else:
                result[name] = default
        return result, errors

    @classmethod
    def model_validate(cls, data: Mapping[str, Any]) -> Self:
        """Convert and check ``data`` (field name -> value) into an immutable config.

        Raises:
            pydantic.ValidationError: every value that cannot be converted (never the value).
        """
        validated, errors = cls.convert_values(data)
        if errors:
            raise validation_error(cls, masked_errors(cls, errors, data))
        return cls._from_converted(validated)

    @classmethod
    def _from_converted(cls, validated: Mapping[str, Any]) -> Self:
        instance: Any = object.__new__(cls.__confwarden_storage__)
        for name, set_slot in cls.__confwarden_setters__:
            set_slot(instance, validated[name])
        return typing.cast(Self, instance)

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """The JSON schema of this configuration, each property naming its variables.

        Every property carries ``env`` (its variable names, canonical first) and
        ``sensitive``; what ``confwarden schema --json`` prints.

        Example:
            >>> class ShopConfig(ConfigSchema, env_prefix="SHOP_"):
            ...     page_size: int = 50
            >>> ShopConfig.json_schema()["properties"]["page_size"]["env"]
            ['SHOP_PAGE_SIZE']
        """
        schema = pydantic_model(cls).model_json_schema()
        properties = schema.setdefault("properties", {})
        for spec in cls.__confwarden_fields__:
            entry = properties.setdefault(spec.name, {})
            entry["env"] = list(spec.env_names)
            entry["sensitive"] = spec.sensitive
            if spec.description:
                entry.setdefault("description", spec.description)
            if spec.required_in:
                entry["required_in"] = sorted(e.value for e in spec.required_in)
        return schema

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` applied (and validated); this object is left unchanged.

        Unchanged secrets are passed on unwrapped, so a validator sees the real value (not
        ``SecretStr('**********')``); the copy masks what this object masks.
        """
        values = {name: revealed(value) for name, value in self._values().items()}
        copy = type(self).model_validate({**values, **changes})
        for kept in ("_confwarden_secrets", "_confwarden_loaded"):
            # variables() of the copy: its changed fields win over what was loaded.
            if (known := self.__dict__.get(kept)) is not None:
                object.__setattr__(copy, kept, known)
        return copy

    def _values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__confwarden_annotations__}

    def _known_forms(self) -> frozenset[str]:
        """The forms of every secret this config knows: its sensitive fields' values and,
        for a loaded config, every secret of the variables it was loaded from."""
        known = self.__dict__.get("_confwarden_secrets")
        sensitive = {
            spec.name: revealed(getattr(self, spec.name))
            for spec in self.__confwarden_fields__
            if spec.sensitive
        }
        forms = forms_of(
            secrets_of(
                {name: value for name, value in sensitive.items() if isinstance(value, str)},
                lambda _name: True,
            )
        )
        return forms | known.forms() if isinstance(known, SecretValues) else forms

    def _remember_secrets(self, secrets: SecretValues) -> None:
        """Mask every value of ``secrets`` in this config's outputs (the loader calls it)."""
        object.__setattr__(self, "_confwarden_secrets", secrets)

    def _remember_load(
        self,
        values: Mapping[str, Any],
        variables: Mapping[str, str],
        environment: Environment,
    ) -> None:
        """Keep what this config was loaded from, for :meth:`variables` (the loader calls it)."""
        object.__setattr__(self, "_confwarden_loaded", (values, variables, environment))

    def variables(self) -> Mapping[str, str]:
        """The variables this config resolved, for the component builders.

        Every variable it was loaded from (the process environment, ``.env`` files, mounted
        secrets, ``*_FILE`` files, remote stores, development fallbacks), each simple
        field's value (loaded or default) under its variable, and ``ENVIRONMENT``. What
        ``DatabaseURLBuilder.from_config(config)`` reads; ``repr`` masks the secrets.

        Example:
            >>> class Demo(ConfigSchema):
            ...     postgres_host: str = "db.internal"
            >>> Demo().variables()["POSTGRES_HOST"]
            'db.internal'
        """
        from confwarden.config.variables import resolved_variables

        return resolved_variables(self, self.__dict__.get("_confwarden_loaded"))

    def to_dict(self, *, reveal: bool = False) -> dict[str, Any]:
        """Field name -> value, safe to print: secrets ``***``, URL credentials masked.

        Args:
            reveal: return the real values instead (secrets unwrapped to ``str``): only for
                code that passes them on (a driver), never for output.

        Example:
            >>> class Demo(ConfigSchema):
            ...     api_key: SecretStr
            >>> Demo(api_key="k3y").to_dict(), Demo(api_key="k3y").to_dict(reveal=True)
            ({'api_key': '***'}, {'api_key': 'k3y'})
        """
        if reveal:
            return {name: revealed(value) for name, value in self._values().items()}
        forms = self._known_forms()
        return {
            spec.name: MASK
            if spec.sensitive
            else safe_value(spec.canonical, getattr(self, spec.name), forms)
            for spec in self.__confwarden_fields__
        }

    def __reduce__(self) -> tuple[Any, ...]:
        # The hidden storage class is not importable by name: rebuild through the public one.
        public = next(c for c in type(self).__mro__ if "__confwarden_storage__" in c.__dict__)
        return (_rebuild, (public, self._values()))

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
        return other._values() == self._values()

    def __hash__(self) -> int:
        return hash((type(self), tuple(self._values().items())))

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


_MUTABLE = (list, dict, set)


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
