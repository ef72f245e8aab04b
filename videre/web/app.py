"""Application factory: routes, the sign-in/CSRF guard, and the headers that keep ad content inert."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from models.users import LANGUAGES
from videre.core.config import Settings, WebSettings
from videre.store.db import Database
from videre.web.access_guard import Guard
from videre.web.context import HERE, Web
from videre.web.headers import SecurityHeaders
from videre.web.i18n import N_, translations
from videre.web.routes import admin, auth, hubs, items, outreach, queue, watch, weights

MESSAGES = {
    400: N_("The request could not be understood."),
    403: N_("Your role does not allow this."),
    404: N_("Not found."),
    405: N_("This request is not accepted."),
}


def server_options(web: WebSettings) -> dict[str, object]:
    """uvicorn's options for serving the UI. uvicorn believes X-Forwarded-For from 127.0.0.1 by
    default, which lets any local program choose the address we log and throttle: only the
    configured proxies are believed (docs/security.md)."""
    return {"proxy_headers": bool(web.trusted_proxies), "forwarded_allow_ips": list(web.trusted_proxies),
            # No access log: its URLs hold search terms (names, numbers). The audit log records them instead.
            "server_header": False, "access_log": False}


def settle(web: Web) -> None:
    """Compile every template and catalogue now, then move all that lives from start-up out of
    the collector's view (gc.freeze): a full collection otherwise walks it every few requests and
    costs a page ~100 ms of CPU at its tail (bench/README.md, the 12,000-ad item page)."""
    for name in web.env.list_templates():
        web.env.get_template(name)
    for code in LANGUAGES:
        translations(code)
    gc.collect()
    gc.freeze()


def create_app(settings: Settings, db: Database) -> Starlette:
    web = Web(settings, db)

    def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = MESSAGES.get(exc.status_code, N_("Something went wrong."))
        # Input errors name the problem (which field, which value); show that rather than a generic line.
        detail = exc.detail if exc.status_code == 400 and isinstance(exc.detail, str) else ""
        return web.render(request, "error.html", status=exc.status_code, status_code=exc.status_code,
                          message=message, detail=detail)

    routes = [
        *auth.routes(), *queue.routes(), *items.routes(), *watch.routes(), *outreach.routes(),
        *admin.routes(), *weights.routes(), *hubs.routes(),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        settle(web)
        yield

    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error}, lifespan=lifespan,
                    middleware=[Middleware(SecurityHeaders), Middleware(Guard, web=web)])
    app.state.web = web
    return app
