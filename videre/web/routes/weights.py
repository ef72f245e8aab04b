"""Scoring weights: leads see what each reason counts for and may change it for the next re-score."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from triage.learned_weights import adoptable, learn
from triage.score import DEFAULT_WEIGHTS
from videre.services import audit
from videre.services.sessions import CurrentUser
from videre.services.weights import set_weight, weight_overrides, weights_in_force
from videre.web.context import Web
from videre.web.handlers import form, page


@page("weights")
def weights_page(web: Web, request: Request, user: CurrentUser) -> Response:
    triage = web.settings.triage
    with web.db.session() as s:
        effective = weights_in_force(s, web.settings)
        overrides = weight_overrides(s)
        learned = learn(s, effective, triage.threshold, triage.learn_min_labels)
    # Reason codes the labelled items carry that this scorer does not know are shown, not adoptable.
    codes = sorted(set(effective) | set(learned.weights))
    rows = [(code, DEFAULT_WEIGHTS.get(code), triage.weights.get(code), overrides.get(code),
             effective.get(code), learned.weights.get(code), learned.coefficients.get(code)) for code in codes]
    return web.render(request, "weights.html", rows=rows, threshold=triage.threshold, learned=learned,
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


@page("weights")
def weights_adopt(web: Web, request: Request, user: CurrentUser) -> Response:
    """A lead adopts the weights learned from labels, as shown: one audited change."""
    triage = web.settings.triage
    with web.db.session() as s:
        before = weight_overrides(s)
        learned = learn(s, weights_in_force(s, web.settings), triage.threshold, triage.learn_min_labels)
        if not learned.fitted:
            return RedirectResponse("/weights?done=not-fitted", 303)
        new = adoptable(learned, DEFAULT_WEIGHTS)
        for code, weight in new.items():
            set_weight(s, code, str(weight), user.id)
        s.flush()
        audit.record(s, user, "adopt_learned_weights", "weights", "", before=before, after=weight_overrides(s),
                     labels=learned.n_labels, positive=learned.n_positive, precision=learned.precision,
                     recall=learned.recall, folds=learned.folds)
    return RedirectResponse("/weights?done=adopted", 303)


def routes() -> list[Route]:
    return [Route("/weights", weights_page, methods=["GET"]),
            Route("/weights", weights_save, methods=["POST"]),
            Route("/weights/adopt", weights_adopt, methods=["POST"])]
