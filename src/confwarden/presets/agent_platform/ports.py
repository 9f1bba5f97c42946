"""The spec platform's services as other services reach them: development ports, compose names.

``PortDiscovery`` in the core knows no service; this is the table spec/003 describes (backend
on 8000, auth on 8081, the frontend on 3000), for a project shaped like that platform:
``PortDiscovery(env_vars, services=SERVICE_PORTS)``.

Example:
    >>> from confwarden.components.ports import PortDiscovery
    >>> PortDiscovery({}, services=SERVICE_PORTS, in_docker=False).get_service_url("auth")
    'http://localhost:8081'
"""

from __future__ import annotations

from confwarden.components.ports import ServiceSpec

__all__ = ["SERVICE_PORTS"]

SERVICE_PORTS: tuple[ServiceSpec, ...] = (
    ServiceSpec("backend", 8000, "backend"),
    ServiceSpec("auth", 8081, "auth"),
    ServiceSpec("frontend", 3000, "frontend"),
)
