"""The health API, metrics, live event stream and dashboard of a :class:`MonitoringHub`.

A Starlette application (``pip install 'confwarden[server]'``) that serves spec/003's
``/health`` (with the event monitor and dead agents in it) and its "Configuration Health
Dashboard". It runs alone (``confwarden serve``) or mounted inside the service's own
Starlette/FastAPI app::

    hub = MonitoringHub(manager)
    app.mount("/confwarden", create_app(hub, token=token, manage_hub=False))  # you start the hub

Without ``token`` (nor ``CONFWARDEN_SERVE_TOKEN``) only clients on the same machine are
served (:mod:`confwarden.server.auth`).

Routes (relative to where it is mounted):

==========================  =================================================================
``GET /health``             the :class:`HealthReport`; 503 when DOWN
``GET /health/live``        200 while the process answers (Kubernetes liveness)
``GET /health/ready``       200 when not DOWN and validated once (Kubernetes readiness)
``GET /config``             every field, masked, with its provenance
``GET /config/validation``  the last validation, the score history and the alerts
``GET /executions``         tracked executions and counts
``GET /metrics``            Prometheus text format
``WS /events``              backlog, then live events (agent_death, alerts, health_change,
                            reload, restart_required)
``GET /``                   the dashboard (plain HTML and JavaScript, no build step)
==========================  =================================================================
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterable
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from confwarden.environment.isolated import IsolatedEnvironment
from confwarden.environment.masking import mask_text
from confwarden.monitoring.bus import SLOW_CONSUMER, Subscription
from confwarden.monitoring.hub import MonitoringHub
from confwarden.monitoring.report import Status
from confwarden.server.auth import (
    AUTHORIZED,
    TOKEN_VARIABLE,
    WS_PROTOCOL,
    TokenGuard,
    check_token,
)
from confwarden.server.metrics import CONTENT_TYPE, ReloadLedger, render_metrics

__all__ = ["create_app"]

_NO_STORE = {"Cache-Control": "no-store"}
# The page loads its own script and talks to its own origin only.
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self' ws: wss:; base-uri 'none'; frame-ancestors 'none'"
)
_CLOSE_TIMEOUT = 1.0


def _static(name: str) -> bytes:
    return resources.files("confwarden.server").joinpath("static", name).read_bytes()


def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers=_NO_STORE)


def create_app(
    hub: MonitoringHub,
    *,
    token: str | None = None,
    allow_unauthenticated: bool = False,
    allowed_hosts: Iterable[str] = (),
    allowed_origins: Iterable[str] = (),
    manage_hub: bool = True,
) -> Starlette:
    """The server application for ``hub``, closed to strangers by default.

    Args:
        hub: the service's monitors.
        token: every request except the dashboard's static shell and the probes
            (``/health/live``, ``/health/ready``) needs it (``Authorization: Bearer <token>``;
            a WebSocket may offer it as a subprotocol instead, see
            :func:`~confwarden.server.auth.token_subprotocols`); at least 16 characters.
            Default: the ``CONFWARDEN_SERVE_TOKEN`` variable; without either (blank counts
            as unset), only loopback clients (the same machine) are served and others get
            401 saying how to set one.
        allow_unauthenticated: serve every client without a token (a network with its own
            gate): an explicit decision, never the default.
        allowed_hosts: ``Host`` names served besides the loopback ones (``"*.corp"``, ``"*"``);
            without a token the ``Host`` must be one of them (DNS rebinding).
        allowed_origins: WebSocket ``Origin`` values accepted besides the server's own.
        manage_hub: start the hub with the app and stop it on shutdown (standalone use).
            When mounted, Starlette does not run a sub-application's lifespan: start the
            hub in the host application's lifespan instead.

    Raises:
        ValueError: ``token`` is shorter than 16 characters (says how to make one).

    Example:
        >>> app = create_app(MonitoringHub(), token="a-long-random-token-0123")
        >>> sorted(r.path for r in app.routes)[:3]
        ['/', '/config', '/config/validation']
    """
    page, script = _static("dashboard.html"), _static("dashboard.js")

    async def dashboard(request: Request) -> Response:
        headers = {**_NO_STORE, "Content-Security-Policy": _CSP, "X-Frame-Options": "DENY"}
        return Response(page, media_type="text/html; charset=utf-8", headers=headers)

    async def dashboard_js(request: Request) -> Response:
        return Response(script, media_type="text/javascript; charset=utf-8", headers=_NO_STORE)

    async def health(request: Request) -> Response:
        report = hub.report()
        return _json(report.to_dict(), report.http_status)

    async def live(request: Request) -> Response:
        return _json({"status": Status.UP.value})

    async def ready(request: Request) -> Response:
        report = hub.report()
        validated = hub.config is None or hub.config.last_result is not None
        if report.status is Status.DOWN or not validated:
            body = {"status": Status.DOWN.value}
            if request.scope.get(AUTHORIZED):  # the reasons name variables: not for anyone
                body["reason"] = _down_reason(hub)
            return _json(body, 503)
        return _json({"status": report.status.value})

    async def config(request: Request) -> Response:
        return _json(hub.config_view())

    async def validation(request: Request) -> Response:
        return _json(hub.validation_view())

    async def executions(request: Request) -> Response:
        return _json(_masked_executions(hub))

    ledger = ReloadLedger(hub)

    async def metrics(request: Request) -> Response:
        body = render_metrics(hub, ledger)
        return Response(body, media_type=CONTENT_TYPE, headers=_NO_STORE)

    async def events(websocket: WebSocket) -> None:
        # Subscribed before the handshake completes: a client that sees it open gets every
        # event published from then on.
        subscription = hub.bus.subscribe()
        # A browser sending the token as a subprotocol needs one of its offers accepted.
        offered = websocket.scope.get("subprotocols") or ()
        try:
            await websocket.accept(subprotocol=WS_PROTOCOL if WS_PROTOCOL in offered else None)
        except BaseException:
            hub.bus.unsubscribe(subscription)
            raise
        await _stream(hub, websocket, subscription)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_hub:
            await asyncio.to_thread(hub.start)
        try:
            yield
        finally:
            if manage_hub:
                await asyncio.to_thread(hub.stop)

    # Blank means unset (``SHOP_MONITORING_TOKEN=`` in a .env): loopback clients only. A
    # short token is refused here, at start, not by Starlette on the first request.
    token = token.strip() or None if token is not None else _token_from_env(hub)
    if token is not None:
        check_token(token)
    guard = Middleware(
        TokenGuard,
        token=token,
        allow_unauthenticated=allow_unauthenticated,
        allowed_hosts=tuple(allowed_hosts),
        allowed_origins=tuple(allowed_origins),
    )
    return Starlette(
        routes=[
            Route("/", dashboard),
            Route("/dashboard.js", dashboard_js),
            Route("/health", health),
            Route("/health/live", live),
            Route("/health/ready", ready),
            Route("/config", config),
            Route("/config/validation", validation),
            Route("/executions", executions),
            Route("/metrics", metrics),
            WebSocketRoute("/events", events),
        ],
        middleware=[guard],
        lifespan=lifespan,
    )


def _known_secrets(hub: MonitoringHub) -> set[str]:
    """Every secret value the hub's configuration knows: loaded, in the variables, or replaced."""
    secrets: set[str] = set()
    manager = hub.manager
    if manager is None:
        return secrets
    env = manager.env
    if isinstance(env, IsolatedEnvironment):
        secrets |= env.known_secrets()
    inspection = hub.inspection
    if inspection is not None:
        load = inspection.load
        secrets.update(
            raw for spec in load.fields if spec.sensitive and (raw := load.values[spec.name].raw)
        )
    return secrets


def _masked_executions(hub: MonitoringHub) -> dict[str, Any]:
    """``GET /executions``: an execution's error is text its code wrote, masked here."""
    view = hub.executions_view()
    records = view["executions"]
    if any(record.get("error") for record in records):
        secrets = _known_secrets(hub)
        for record in records:
            if record.get("error"):
                record["error"] = mask_text(str(record["error"]), secrets)
    return view


def _token_from_env(hub: MonitoringHub) -> str | None:
    """``CONFWARDEN_SERVE_TOKEN`` from the variables the service reads, when set."""
    if hub.manager is not None:
        env = hub.manager.env
    else:
        from confwarden.environment.process import get_env

        env = get_env()
    value = env.get(TOKEN_VARIABLE)
    return value.strip() or None if value else None


def _down_reason(hub: MonitoringHub) -> str:
    report = hub.report()
    reasons = [f"{c.name}: {c.reason}" for c in report.components if c.status is Status.DOWN]
    return "; ".join(reasons) or "configuration not validated yet"


async def _stream(hub: MonitoringHub, websocket: WebSocket, subscription: Subscription) -> None:
    """Send the backlog, then live events, until the client leaves or is dropped as slow.

    The sender, the receiver (to notice the client leaving) and the drop signal run side by
    side: a client that stops reading blocks only its own sender, its queue fills, the bus
    drops it, and this connection is closed with the reason (1013, "try again later").
    """

    async def pump() -> None:
        while True:
            event = await subscription.get()
            if event is None:
                return
            await websocket.send_text(json.dumps(event))

    async def listen() -> None:
        with contextlib.suppress(WebSocketDisconnect):
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    return

    tasks = {
        asyncio.create_task(pump()),
        asyncio.create_task(listen()),
        asyncio.create_task(subscription.wait_closed()),
    }
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        hub.bus.unsubscribe(subscription)
    if subscription.closed_reason == SLOW_CONSUMER:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(
                websocket.close(code=1013, reason="slow consumer: dropped"), _CLOSE_TIMEOUT
            )
