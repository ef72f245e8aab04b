"""Application factory: routes, templates, and the headers that keep hostile ad content inert."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from triage.queue import list_items, show_item
from videre.config import Settings
from videre.db import Database
from videre.errors import NotFound

HERE = Path(__file__).parent

# Ad text can hold HTML and script: nothing inline runs, nothing loads from elsewhere.
SECURITY_HEADERS = {
    b"content-security-policy": b"default-src 'none'; img-src 'self'; style-src 'self'; "
                                b"script-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                                b"base-uri 'none'",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",
    b"x-frame-options": b"DENY",
}


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k not in SECURITY_HEADERS]
                message["headers"] = headers + list(SECURITY_HEADERS.items())
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: Settings, db: Database) -> Starlette:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))

    def render(name: str, status: int = 200, **context: object) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**context), status_code=status)

    async def queue_page(request: Request) -> Response:
        try:
            page = max(1, int(request.query_params.get("page", "1")))
        except ValueError:
            raise HTTPException(400, "page must be a number") from None
        size = settings.web.page_size
        with db.session() as s:
            items = list_items(s, limit=size + 1, offset=(page - 1) * size)
        return render("queue.html", items=items[:size], page=page, more=len(items) > size)

    async def item_page(request: Request) -> Response:
        with db.session() as s:
            try:
                item = show_item(s, request.path_params["item_id"])
            except NotFound:
                raise HTTPException(404, "no such item") from None
        return render("item.html", item=item)

    routes = [
        Route("/", queue_page),
        Route("/items/{item_id:int}", item_page),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    return Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)])
