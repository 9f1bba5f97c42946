"""Platform presets: one platform's schema, secret mappings and defaults, imported on purpose.

The core knows no platform; a project opts into a preset by importing it.
"""

__all__: list[str] = []
