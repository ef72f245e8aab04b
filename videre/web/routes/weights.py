"""Scoring weights: leads see what each reason counts for and may change it for the next re-score."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from triage.score import DEFAULT_WEIGHTS
from videre.services import audit
from videre.web.context import Web
from videre.web.handlers import form, page
from videre.services.sessions import CurrentUser
from videre.services.weights import effective_weights, set_weight, weight_overrides


@page("weights")
def weights_page(web: Web, request: Request, user: CurrentUser) -> Response:
    with web.db.session() as s:
        effective = effective_weights(s, web.settings)
        overrides = weight_overrides(s)
    rows = [(code, DEFAULT_WEIGHTS.get(code), web.settings.triage.weights.get(code), overrides.get(code),
             effective[code]) for code in sorted(effective)]
    return web.render(request, "weights.html", rows=rows, threshold=web.settings.triage.threshold,
                      done=request.query_params.get("done", ""))


@page("weights")
def weights_save(web: Web, request: Request, user: CurrentUser) -> Response:
    f = form(request)
    with web.db.session() as s:
        before = weight_overrides(s)
        for code in DEFAULT_WEIGHTS:
            if f"w_{code}" in f:
                set_weight(s, code, str(f[f"w_{code}"]), user.id)
        s.flush()
        after = weight_overrides(s)
        if after != before:
            audit.record(s, user, "weights", "weights", "", before=before, after=after)
    return RedirectResponse("/weights?done=saved", 303)


def routes() -> list[Route]:
    return [Route("/weights", weights_page, methods=["GET"]),
            Route("/weights", weights_save, methods=["POST"])]
