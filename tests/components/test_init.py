"""The public surface of confwarden.components: complete, sorted, importable."""

from __future__ import annotations

from confwarden import components


def test_components_all_is_sorted_and_importable() -> None:
    assert components.__all__ == sorted(components.__all__)
    for name in components.__all__:
        assert getattr(components, name) is not None


def test_components_all_has_the_names_the_spec_documents() -> None:
    assert {"DatabaseURLBuilder", "SharedJWTSecretManager", "PortDiscovery"} <= set(
        components.__all__
    )
