"""The queue page: flagged items by score, with filters, paging and each item's top reasons."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from models.ads import Site
from models.entities import Place
from models.users import User
from videre.services import audit
from videre.services.facets import index_stale, refresh_queue_index
from videre.services.sessions import CurrentUser
from videre.services.weights import weights_in_force
from videre.web.context import Web
from videre.web.handlers import page
from videre.web.queue_query import STATUS_CHOICES, QueueFilter, fetch, status_counts

log = logging.getLogger(__name__)
CHOICES_SECONDS = 60.0
# Counting every flagged item per status costs tens of ms at 1M ads; the tabs may lag a little
# (this process forgets them at once after its own review changes).
COUNTS_SECONDS = 10.0
COUNTS_KEY = "queue-counts"


def ensure_index(web: Web) -> None:
    """Rebuild the filter index once after each re-score, before the first page that needs it."""
    with web.db.session() as s:
        if not index_stale(s):
            return
    with web.index_lock:
        try:
            with web.db.session() as s:
                if index_stale(s):
                    n = refresh_queue_index(s)
                    log.info("queue index refreshed: %d items rebuilt", n)
        except (IntegrityError, OperationalError) as exc:
            # Another process refreshed the same items at the same time; its result stands.
            log.warning("queue index refresh deferred: %s", exc.orig)


def filter_choices(web: Web) -> dict[str, Any]:
    # From the small tables, not from the filter index (millions of rows at scale): a choice may
    # then find nothing, which the page says.
    def compute() -> dict[str, Any]:
        with web.db.session() as s:
            users = s.execute(select(User.id, User.username).where(User.disabled.is_(False),
                                                                   User.role != "outreach")
                              .order_by(User.username)).all()
            return {"cities": list(s.execute(select(Place.name).distinct().order_by(Place.name)).scalars()),
                    "sites": list(s.execute(select(Site.slug).order_by(Site.slug)).scalars()),
                    "reasons": sorted(weights_in_force(s, web.settings)),
                    "users": [(u.id, u.username) for u in users]}

    return web.cached("queue-choices", CHOICES_SECONDS, compute)


def _counts(web: Web) -> dict[str, int]:
    with web.db.session() as s:
        return status_counts(s)


@page("queue")
def queue_page(web: Web, request: Request, user: CurrentUser) -> Response:
    f = QueueFilter.from_params(request.query_params)
    ensure_index(web)
    size = web.settings.web.page_size
    counts = web.cached(COUNTS_KEY, COUNTS_SECONDS, lambda: _counts(web))
    with web.db.session() as s:
        rows, more = fetch(s, f, user.id, web.settings.region, size)
        audit.record(s, user, "search" if f.is_search else "view_queue", "queue", "",
                     filters=f.as_json(), items=[r.id for r in rows])
    tabs = {"open": sum(n for s_, n in counts.items() if s_ != "closed"), "all": sum(counts.values()), **counts}
    return web.render(request, "queue.html", rows=rows, more=more, f=f, tabs=tabs,
                      choices=filter_choices(web), status_choices=STATUS_CHOICES,
                      clear_url=QueueFilter(status=f.status).url())


def routes() -> list[Route]:
    return [Route("/", queue_page, methods=["GET"])]
