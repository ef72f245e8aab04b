"""Leads override the hub detector for a number, a photo or a template; triage reads it at the next re-score."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from models.entities import Phone, Photo, Template
from videre.core.errors import InputError, NotFound
from videre.services import audit
from videre.services.sessions import CurrentUser
from videre.web.context import Web
from videre.web.handlers import form, page

HUB_MODELS = {"phone": Phone, "photo": Photo, "template": Template}
CHOICES: dict[str, bool | None] = {"hub": True, "not_hub": False, "auto": None}


@page("hubs")
def set_override(web: Web, request: Request, user: CurrentUser) -> Response:
    kind, key = request.path_params["kind"], int(request.path_params["key"])
    model = HUB_MODELS.get(kind)
    if model is None:
        raise NotFound(f"nothing called {kind!r} can be a hub")
    f = form(request)
    choice = str(f.get("override", ""))
    if choice not in CHOICES:
        raise InputError(f"override must be one of {', '.join(CHOICES)}")
    back = str(f.get("back", ""))
    with web.db.session() as s:
        row = s.get(model, key)
        if row is None:
            raise NotFound(f"no {kind} {key}")
        old = row.hub_override
        row.hub_override = CHOICES[choice]
        audit.record(s, user, "hub_override", kind, key, old=old, new=row.hub_override)
    return RedirectResponse((back if back.startswith("/items/") else "/") + "?done=saved", 303)


def routes() -> list[Route]:
    return [Route("/hubs/{kind}/{key:int}", set_override, methods=["POST"])]
