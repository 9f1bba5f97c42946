"""ConfigDependencyMap: built-in dependencies, impact, can_delete, register, from_fields."""

from __future__ import annotations

import json

import pytest

from confwarden.config.dependencies import (
    BUILTIN_DEPENDENCIES,
    ConfigDependency,
    ConfigDependencyMap,
    Impact,
)
from confwarden.config.spec import DEPLOYED, FieldSpec
from confwarden.environment.detection import Environment


@pytest.mark.parametrize(
    "variable",
    ["SERVICE_SECRET", "JWT_SECRET_KEY", "SECRET_KEY", "POSTGRES_HOST", "POSTGRES_PASSWORD"],
)
def test_dependency_map_builtin_critical_cannot_be_deleted(variable: str) -> None:
    deps = ConfigDependencyMap()
    impact = deps.impact(variable)
    assert not impact.can_delete
    assert impact.impact >= Impact.CRITICAL
    assert impact.dependency is not None
    assert impact.dependency.required_by


def test_dependency_map_service_secret_is_ultra_critical_without_fallback() -> None:
    entry = ConfigDependencyMap().get("SERVICE_SECRET")
    assert entry is not None
    assert entry.impact is Impact.ULTRA_CRITICAL
    assert not entry.fallback_allowed
    assert "ULTRA_CRITICAL" in ConfigDependencyMap().impact("SERVICE_SECRET").reason


def test_dependency_map_database_url_is_not_trusted() -> None:
    deps = ConfigDependencyMap()
    assert deps.can_delete("DATABASE_URL")
    assert "never" in deps.impact("DATABASE_URL").reason
    assert "DATABASE_URL" not in {d.variable for d in deps.critical()}


def test_dependency_map_unknown_variable_can_be_deleted() -> None:
    impact = ConfigDependencyMap().impact("LOG_LEVEL")
    assert impact.can_delete
    assert impact.impact is Impact.NONE
    assert impact.dependency is None


def test_dependency_map_environment_pattern_matches() -> None:
    deps = ConfigDependencyMap(
        [ConfigDependency("API_TOKEN_{ENVIRONMENT}", ("billing",), "Billing calls fail")]
    )
    entry = deps.get("API_TOKEN_PRODUCTION")
    assert entry is not None
    assert entry.variable == "API_TOKEN_{ENVIRONMENT}"
    assert "API_TOKEN_QA" not in deps


def test_dependency_map_core_names_no_service_or_vendor() -> None:
    required_by = {name for d in BUILTIN_DEPENDENCIES for name in d.required_by}
    assert not required_by & {"backend", "auth_service", "backend_auth"}
    assert not [d for d in BUILTIN_DEPENDENCIES if "GOOGLE" in d.variable]


def test_dependency_map_from_services_names_the_projects_services() -> None:
    from confwarden.config.common import ServiceConfig

    class ShopConfig(ServiceConfig):
        pass

    deps = ConfigDependencyMap.from_services({"shop": ShopConfig, "billing": ServiceConfig})
    entry = deps.get("POSTGRES_PASSWORD")
    assert entry is not None
    assert entry.required_by[:2] == ("shop", "billing")
    assert "backend" not in entry.required_by
    assert not deps.can_delete("POSTGRES_PASSWORD")


def test_dependency_map_fallback_allows_deletion_only_where_fallbacks_exist() -> None:
    deps = ConfigDependencyMap()
    assert deps.can_delete("POSTGRES_HOST", environment=Environment.DEVELOPMENT)
    assert not deps.can_delete("POSTGRES_HOST", environment=Environment.PRODUCTION)
    assert not deps.can_delete("SERVICE_SECRET", environment=Environment.DEVELOPMENT)


def test_dependency_map_register_extends_and_replaces() -> None:
    deps = ConfigDependencyMap()
    deps.register(ConfigDependency("BILLING_API_KEY", ("billing",), "No invoices", Impact.HIGH))
    assert not deps.can_delete("BILLING_API_KEY")
    deps.register(ConfigDependency("BILLING_API_KEY", (), "Nothing", Impact.NONE))
    assert deps.can_delete("BILLING_API_KEY")
    assert len(deps) == len(BUILTIN_DEPENDENCIES) + 1


def test_dependency_map_from_fields_derives_critical_and_required() -> None:
    fields = [
        FieldSpec(
            "stripe_key",
            ("STRIPE_SECRET_KEY", "STRIPE_KEY"),
            sensitive=True,
            critical=True,
            required_in=DEPLOYED,
            description="Stripe API key",
            group="billing",
            fallback_allowed=False,
        ),
        FieldSpec("log_level", ("LOG_LEVEL",)),
        FieldSpec("grafana_url", ("GRAFANA_URL",), required_in=frozenset({Environment.PRODUCTION})),
    ]
    deps = ConfigDependencyMap.from_fields(fields)
    stripe = deps.get("STRIPE_SECRET_KEY")
    assert stripe is not None
    assert stripe.impact is Impact.CRITICAL
    assert stripe.alternatives == ("STRIPE_KEY",)
    assert stripe.sensitive
    assert "billing configuration (stripe_key)" in stripe.required_by
    grafana = deps.get("GRAFANA_URL")
    assert grafana is not None
    assert grafana.impact is Impact.HIGH
    assert "LOG_LEVEL" not in deps
    assert "SERVICE_SECRET" in deps


def test_dependency_map_from_fields_can_tighten_builtin_fallback() -> None:
    field = FieldSpec("db_host", ("POSTGRES_HOST",), critical=True, fallback_allowed=False)
    deps = ConfigDependencyMap.from_fields([field])
    assert not deps.can_delete("POSTGRES_HOST", environment=Environment.DEVELOPMENT)


def test_dependency_map_from_fields_without_builtin() -> None:
    deps = ConfigDependencyMap.from_fields(
        [FieldSpec("a", ("A",), critical=True)], include_builtin=False
    )
    assert [d.variable for d in deps] == ["A"]


def test_dependency_map_iterates_worst_first_and_serialises() -> None:
    deps = ConfigDependencyMap()
    first = next(iter(deps))
    assert first.variable == "SERVICE_SECRET"
    data = json.loads(json.dumps(deps.to_dict()))
    assert data[0]["impact"] == "ULTRA_CRITICAL"
    assert json.loads(json.dumps(deps.impact("SECRET_KEY").to_dict()))["can_delete"] is False
