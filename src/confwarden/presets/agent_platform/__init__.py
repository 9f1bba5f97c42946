"""The spec platform (a backend and an auth service): its schema, mappings and defaults."""

__all__: list[str] = []
