"""Watchlist entries (leads) and the alerts they raise (everyone who works the queue)."""

from __future__ import annotations

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from models.ads import Ad, Site
from models.review import WATCH_KINDS, Alert, QueueItem, Watchlist
from models.users import User
from videre.core.errors import InputError
from videre.services import audit
from videre.services import watchlists as watch
from videre.services.sessions import CurrentUser
from videre.web.context import Web
from videre.web.handlers import form, page

MAX_ALERTS_SHOWN = 200


@page("watch")
def watchlists_page(web: Web, request: Request, user: CurrentUser) -> Response:
    with web.db.session() as s:
        rows = s.execute(select(Watchlist, User.username).outerjoin(User, User.id == Watchlist.created_by)
                         .where(Watchlist.active.is_(True)).order_by(Watchlist.created_at.desc())).all()
        audit.record(s, user, "view_watchlists", "watchlist", "", entries=[w.id for w, _ in rows])
    return web.render(request, "watchlists.html", rows=rows, kinds=WATCH_KINDS,
                      error=request.query_params.get("error", ""))


@page("watch")
def watch_add(web: Web, request: Request, user: CurrentUser) -> Response:
    f = form(request)
    kind = str(f.get("kind", ""))
    label = str(f.get("label", ""))[:200]
    back = str(f.get("back", "")) or "/watchlists"
    back = back if back.startswith("/items/") or back == "/watchlists" else "/watchlists"
    with web.db.session() as s:
        if kind == "phone":
            entry = watch.watch_phone(s, str(f.get("value", "")), label, user.id, web.settings.region)
        elif kind == "photo":
            entry = watch.watch_photo(s, str(f.get("value", "")), label, user.id)
        elif kind == "template":
            entry = watch.watch_template(s, str(f.get("value", "")), label, user.id)
        else:
            raise InputError(f"unknown watchlist kind {kind!r}")
        audit.record(s, user, "watch_add", "watchlist", entry.id, kind=entry.kind, value=entry.value)
    return RedirectResponse(f"{back}?done=watched", 303)


@page("watch")
def watch_remove(web: Web, request: Request, user: CurrentUser) -> Response:
    watch_id = int(request.path_params["watch_id"])
    with web.db.session() as s:
        entry = watch.unwatch(s, watch_id)
        audit.record(s, user, "watch_remove", "watchlist", watch_id, kind=entry.kind, value=entry.value)
    return RedirectResponse("/watchlists", 303)


@page("queue")
def alerts_page(web: Web, request: Request, user: CurrentUser) -> Response:
    show_seen = request.query_params.get("seen") == "1"
    with web.db.session() as s:
        q = (select(Alert, Watchlist, Ad.name, Ad.city, Site.slug, Ad.first_seen, QueueItem.id)
             .join(Watchlist, Watchlist.id == Alert.watchlist_id).join(Ad, Ad.id == Alert.ad_id)
             .join(Site, Site.id == Ad.site_id)
             .outerjoin(QueueItem, QueueItem.cluster_id == Ad.cluster_id))
        if not show_seen:
            q = q.where(Alert.seen_at.is_(None))
        rows = s.execute(q.order_by(Alert.created_at.desc(), Alert.id.desc()).limit(MAX_ALERTS_SHOWN)).all()
        audit.record(s, user, "view_alerts", "alert", "", alerts=[r[0].id for r in rows],
                     ads=[r[0].ad_id for r in rows])
    return web.render(request, "alerts.html", rows=rows, show_seen=show_seen)


@page("review")
def alert_seen(web: Web, request: Request, user: CurrentUser) -> Response:
    alert_id = int(request.path_params["alert_id"])
    with web.db.session() as s:
        watch.mark_seen(s, alert_id, user.id)
        audit.record(s, user, "alert_seen", "alert", alert_id)
    return RedirectResponse("/alerts", 303)


def routes() -> list[Route]:
    return [
        Route("/watchlists", watchlists_page, methods=["GET"]),
        Route("/watchlists", watch_add, methods=["POST"]),
        Route("/watchlists/{watch_id:int}/remove", watch_remove, methods=["POST"]),
        Route("/alerts", alerts_page, methods=["GET"]),
        Route("/alerts/{alert_id:int}/seen", alert_seen, methods=["POST"]),
    ]
