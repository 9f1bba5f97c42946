"""Presets: one platform's schema, rules and defaults, imported on purpose.

The core knows no platform (DESIGN.md "Core and presets"). A preset bundles what one
platform adds on top: its schema and environment profiles, its service names, its rule
families and its dependency table. Nothing here is imported by the core; a project opts in
with ``from confwarden.presets.agent_platform import AppConfig``.

Presets:

* :mod:`confwarden.presets.agent_platform`: the spec platform (an API backend and an auth
  service with OAuth, LLM providers, monitoring and agent execution tracking).
"""

from __future__ import annotations

__all__: list[str] = []
