"""An item and its ads: the item page, the review form, one ad with its versions, photos, exports."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from models.ads import Ad, AdVersion, Site
from models.entities import Photo
from models.review import LABELS, STATUSES, QueueItem, Watchlist
from models.users import User
from triage.link_graph import link_graph
from videre.core.errors import InputError, NotFound
from videre.services import audit, review
from videre.services.sessions import CurrentUser
from videre.web.context import Web
from videre.web.exports import graph_csv, graph_xml, item_csv, item_json
from videre.web.handlers import form, int_param, page
from videre.web.item_view import MAX_ADS, PAGE_SAMPLE, ItemView, load_item
from videre.web.permissions import can
from videre.web.routes.queue import COUNTS_KEY

MAX_NAME = 200
# Thumbnails are our own JPEGs, but the bytes are checked anyway before a type is claimed.
IMAGE_MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"),
               (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"))


def image_type(data: bytes) -> str | None:
    for magic, ctype in IMAGE_MAGIC:
        if data.startswith(magic):
            return ctype
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _users(web: Web) -> list[tuple[int, str]]:
    with web.db.session() as s:
        return [(u.id, u.username) for u in s.execute(
            select(User).where(User.disabled.is_(False), User.role != "outreach").order_by(User.username)).scalars()]


def _seen(item: ItemView) -> dict[str, object]:
    """What the user was shown, for the audit log."""
    shown = item.ads + [a for a in item.page_ads if a not in item.ads]
    return {"ads": [a.id for a in shown], "phones": [p.e164 for p in item.phones],
            "photos": sorted({pid for a in shown for pid in a.photo_ids} | {p for w in item.women for p in w.photo_ids}),
            "page": item.page, **({"woman": item.woman} if item.woman is not None else {})}


def _load(web: Web, request: Request, user: CurrentUser, action: str, sample: int = MAX_ADS,
          **extra: object) -> ItemView:
    item_id = int(request.path_params["item_id"])
    page = int_param(request.query_params.get("page"), "page", default=1)
    woman = request.query_params.get("woman")
    if woman is not None and len(woman) > MAX_NAME:
        raise InputError(f"woman: a name is at most {MAX_NAME} characters")
    with web.db.session() as s:
        item = load_item(s, item_id, page, woman, sample)
        audit.record(s, user, action, "item", item_id, **_seen(item), **extra)
    return item


def _usernames(web: Web) -> dict[str, str]:
    return {str(i): name for i, name in web.cached("usernames", 30.0, lambda: _users(web))}


@page("queue")
def item_page(web: Web, request: Request, user: CurrentUser) -> Response:
    item = _load(web, request, user, "view_item", PAGE_SAMPLE)
    users = _users(web)
    with web.db.session() as s:
        active = Watchlist.active.is_(True)
        watched: set[tuple[str, object]] = {
            (kind, value) for kind, value in s.execute(select(Watchlist.kind, Watchlist.value).where(active))}
        # Photos are watched by SHA-256 but shown by id.
        watched |= {("photo", pid) for pid in s.execute(
            select(Photo.id).join(Watchlist, Watchlist.value == Photo.sha256)
            .where(active, Watchlist.kind == "photo")).scalars()}
    return web.render(request, "item.html", item=item, users=users, usernames=dict((str(i), n) for i, n in users),
                      statuses=STATUSES, labels=LABELS, watched=watched,
                      done=request.query_params.get("done", ""))


@page("review")
def item_review(web: Web, request: Request, user: CurrentUser) -> Response:
    item_id = int(request.path_params["item_id"])
    f = form(request)
    with web.db.session() as s:
        item = review.get_item(s, item_id)
        changes = []
        if "status" in f:
            changes.append(review.set_status(s, item, user.id, str(f["status"])))
        if "label" in f:
            changes.append(review.set_label(s, item, user.id, str(f["label"]) or None))
        if "assignee" in f and can(user.role, "assign"):
            value = str(f["assignee"])
            changes.append(review.set_assignee(s, item, user.id, int_param(value, "assignee") if value else None))
        note = review.add_note(s, item, user.id, str(f.get("note", "")))
        done = [c for c in changes if c is not None]
        if done:
            audit.record(s, user, "change", "item", item_id,
                         changes={c.field: [c.old, c.new] for c in done})
        if note is not None:
            s.flush()
            audit.record(s, user, "note", "item", item_id, note_id=note.id, chars=len(note.text))
    web.forget(COUNTS_KEY)
    return RedirectResponse(f"/items/{item_id}?done=saved#review", 303)


@page("export")
def item_print(web: Web, request: Request, user: CurrentUser) -> Response:
    item = _load(web, request, user, "print_item")
    return web.render(request, "print.html", item=item, usernames=_usernames(web),
                      now=datetime.now(timezone.utc))


def _export(web: Web, request: Request, user: CurrentUser, fmt: str) -> Response:
    item = _load(web, request, user, "export_item", format=fmt)
    name = f"videre-item-{item.id}.{fmt}"
    headers = {"content-disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        return Response(item_csv(item), media_type="text/csv; charset=utf-8", headers=headers)
    assignee = _usernames(web).get(str(item.assignee_id)) if item.assignee_id else None
    body = json.dumps(item_json(item, assignee), ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json", headers=headers)


@page("export")
def item_csv_export(web: Web, request: Request, user: CurrentUser) -> Response:
    return _export(web, request, user, "csv")


@page("export")
def item_json_export(web: Web, request: Request, user: CurrentUser) -> Response:
    return _export(web, request, user, "json")


# The file name an investigator's tool receives, after /items/N/, by format.
GRAPH_FORMATS = {
    "graphml": ("graph.graphml", "application/graphml+xml"),
    "gexf": ("graph.gexf", "application/gexf+xml"),
    "i2-entities": ("graph-entities.csv", "text/csv; charset=utf-8"),
    "i2-links": ("graph-links.csv", "text/csv; charset=utf-8"),
}
GRAPH_FILES = {name: fmt for fmt, (name, _) in GRAPH_FORMATS.items()}


@page("export")
def graph_export(web: Web, request: Request, user: CurrentUser) -> Response:
    item_id = int(request.path_params["item_id"])
    fmt = GRAPH_FILES.get(request.path_params["name"])
    if fmt is None:
        raise NotFound(f"no export {request.path_params['name']!r}")
    with web.db.session() as s:
        item = s.get(QueueItem, item_id)
        if item is None:
            raise NotFound(f"no queue item {item_id}")
        g = link_graph(s, item.cluster_id, item_id)
        kinds: dict[str, int] = {}
        for _, kind in g.nodes(data="kind"):
            kinds[kind] = kinds.get(kind, 0) + 1
        audit.record(s, user, "export_item", "item", item_id, format=fmt, nodes=kinds, links=g.number_of_edges(),
                     truncated=g.graph["truncated"])
    suffix, ctype = GRAPH_FORMATS[fmt]
    headers = {"content-disposition": f'attachment; filename="videre-item-{item_id}-{suffix}"'}
    if fmt.startswith("i2-"):
        return Response(graph_csv(g, fmt[3:]), media_type=ctype, headers=headers)
    return Response(graph_xml(g, fmt), media_type=ctype, headers=headers)


@page("queue")
def ad_page(web: Web, request: Request, user: CurrentUser) -> Response:
    ad_id = int(request.path_params["ad_id"])
    with web.db.session() as s:
        row = s.execute(select(Ad, Site.slug).join(Site, Site.id == Ad.site_id).where(Ad.id == ad_id)).first()
        if row is None:
            raise NotFound(f"no ad {ad_id}")
        ad, site = row
        versions = list(s.execute(select(AdVersion).where(AdVersion.ad_id == ad_id)
                                  .order_by(AdVersion.version.desc())).scalars())
        item_id = s.execute(select(QueueItem.id).where(QueueItem.cluster_id == ad.cluster_id)).scalar() \
            if ad.cluster_id else None
        audit.record(s, user, "view_ad", "ad", ad_id, versions=[v.version for v in versions], item=item_id)
    return web.render(request, "ad.html", ad=ad, site=site, versions=versions, item_id=item_id)


@page("queue")
def photo(web: Web, request: Request, user: CurrentUser) -> Response:
    photo_id = int(request.path_params["photo_id"])
    with web.db.session() as s:
        data = s.execute(select(Photo.thumbnail).where(Photo.id == photo_id)).scalar()
    ctype = image_type(data) if data else None
    if data is None or ctype is None:
        raise NotFound(f"no thumbnail for photo {photo_id}")
    return Response(data, media_type=ctype, headers={"cache-control": "no-store",
                                                     "content-disposition": "inline"})


def routes() -> list[Route]:
    return [
        Route("/items/{item_id:int}", item_page, methods=["GET"]),
        Route("/items/{item_id:int}/review", item_review, methods=["POST"]),
        Route("/items/{item_id:int}/print", item_print, methods=["GET"]),
        Route("/items/{item_id:int}/export.csv", item_csv_export, methods=["GET"]),
        Route("/items/{item_id:int}/export.json", item_json_export, methods=["GET"]),
        # After the two above: graph.graphml, graph.gexf, graph-entities.csv, graph-links.csv.
        Route("/items/{item_id:int}/{name:str}", graph_export, methods=["GET"]),
        Route("/ads/{ad_id:int}", ad_page, methods=["GET"]),
        Route("/photos/{photo_id:int}", photo, methods=["GET"]),
    ]
