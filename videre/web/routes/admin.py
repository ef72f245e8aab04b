"""Administration: accounts, the audit log (view and export), retention; run history for leads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from models.ads import Ad
from models.ops import Run
from models.users import AuditEvent, User
from videre.core.errors import InputError, NotFound
from videre.services import accounts, audit
from videre.services.sessions import CurrentUser
from videre.web.context import Web
from videre.web.exports import AUDIT_COLUMNS, rows_csv, rows_jsonl
from videre.web.handlers import form, int_param, page
from videre.web.queue_query import parse_day

AUDIT_PAGE = 100
RUNS_SHOWN = 100


@page("users")
def users_page(web: Web, request: Request, user: CurrentUser) -> Response:
    with web.db.session() as s:
        users = accounts.list_users(s)
        audit.record(s, user, "view_users", "user", "", users=[u.id for u in users])
    return web.render(request, "users.html", users=users, done=request.query_params.get("done", ""),
                      error="", min_length=web.settings.web.min_password_length)


@page("users")
def user_add(web: Web, request: Request, user: CurrentUser) -> Response:
    f = form(request)
    try:
        with web.db.session() as s:
            new = accounts.add_user(s, str(f.get("username", "")), str(f.get("password", "")),
                                    str(f.get("role", "")), web.settings.web.min_password_length,
                                    language=str(f.get("language", "sv")))
            audit.record(s, user, "user_add", "user", new.id, username_added=new.username, role=new.role)
    except InputError as exc:
        with web.db.session() as s:
            users = accounts.list_users(s)
        return web.render(request, "users.html", status=400, users=users, done="", error=str(exc),
                          min_length=web.settings.web.min_password_length)
    return RedirectResponse("/admin/users?done=added", 303)


@page("users")
def user_update(web: Web, request: Request, user: CurrentUser) -> Response:
    f = form(request)
    target_id = int(request.path_params["user_id"])
    action = str(f.get("action", ""))
    with web.db.session() as s:
        target = s.get(User, target_id)
        if target is None:
            raise NotFound(f"no user {target_id}")
        if target.id == user.id and action in ("disable", "role"):
            raise InputError("you cannot disable your own account or change your own role")
        if action == "disable":
            accounts.set_disabled(s, target, True)
        elif action == "enable":
            accounts.set_disabled(s, target, False)
        elif action == "role":
            accounts.set_role(s, target, str(f.get("role", "")))
        elif action == "password":
            accounts.set_password(s, target, str(f.get("password", "")), web.settings.web.min_password_length)
        elif action == "language":
            target.language = accounts.check_language(str(f.get("language", "")))
        else:
            raise InputError(f"unknown action {action!r}")
        audit.record(s, user, "user_update", "user", target_id, change=action,
                     role=target.role, disabled=target.disabled)
    return RedirectResponse("/admin/users?done=saved", 303)


def _audit_filter(request: Request) -> audit.AuditFilter:
    p = request.query_params
    return audit.AuditFilter(username=p.get("user", "")[:64], action=p.get("action", "")[:32],
                             object_type=p.get("type", "")[:32], object_id=p.get("object", "")[:64],
                             day_from=parse_day(p.get("from", ""), "from"), day_to=parse_day(p.get("to", ""), "to"))


@page("audit")
def audit_page(web: Web, request: Request, user: CurrentUser) -> Response:
    f = _audit_filter(request)
    page_no = int_param(request.query_params.get("page"), "page", default=1, hi=100_000)
    with web.db.session() as s:
        events = audit.page(s, f, (page_no - 1) * AUDIT_PAGE, AUDIT_PAGE + 1)
        audit.record(s, user, "view_audit", "audit", "", filters=f.params(), page=page_no)
    return web.render(request, "audit.html", events=events[:AUDIT_PAGE], more=len(events) > AUDIT_PAGE,
                      f=f, page_no=page_no)


def _audit_rows(web: Web, f: audit.AuditFilter) -> Iterator[dict[str, Any]]:
    with web.db.session() as s:
        for e in audit.stream(s, f):
            yield audit.as_json(e)


@page("audit")
def audit_export(web: Web, request: Request, user: CurrentUser) -> Response:
    fmt = request.path_params["fmt"]
    if fmt not in ("csv", "jsonl"):
        raise NotFound(f"no export format {fmt!r}")
    f = _audit_filter(request)
    with web.db.session() as s:
        audit.record(s, user, "export_audit", "audit", "", filters=f.params(), format=fmt)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    headers = {"content-disposition": f'attachment; filename="videre-audit-{stamp}.{fmt}"'}
    rows = _audit_rows(web, f)
    if fmt == "csv":
        return StreamingResponse(rows_csv(AUDIT_COLUMNS, rows), media_type="text/csv; charset=utf-8",
                                 headers=headers)
    return StreamingResponse(rows_jsonl(rows), media_type="application/x-ndjson", headers=headers)


@page("retention")
def retention_page(web: Web, request: Request, user: CurrentUser) -> Response:
    days = web.settings.retention.days
    cutoff = datetime.now(timezone.utc) - timedelta(days=days)
    with web.db.session() as s:
        older = int(s.execute(select(func.count()).select_from(Ad).where(Ad.last_seen < cutoff)).scalar() or 0)
        purges = list(s.execute(select(Run).where(Run.kind == "purge").order_by(Run.started_at.desc())
                                .limit(20)).scalars())
        purge_events = list(s.execute(select(AuditEvent).where(AuditEvent.action.like("purge%"))
                                      .order_by(AuditEvent.id.desc()).limit(20)).scalars())
    return web.render(request, "retention.html", days=days, cutoff=cutoff, older=older, purges=purges,
                      purge_events=purge_events, keep_statuses=web.settings.retention.keep_statuses)


@page("runs")
def runs_page(web: Web, request: Request, user: CurrentUser) -> Response:
    with web.db.session() as s:
        runs = list(s.execute(select(Run).order_by(Run.started_at.desc(), Run.id.desc()).limit(RUNS_SHOWN)).scalars())
        audit.record(s, user, "view_runs", "run", "", runs=[r.id for r in runs])
    return web.render(request, "runs.html", runs=runs)


def routes() -> list[Route]:
    return [
        Route("/admin/users", users_page, methods=["GET"]),
        Route("/admin/users", user_add, methods=["POST"]),
        Route("/admin/users/{user_id:int}", user_update, methods=["POST"]),
        Route("/admin/audit", audit_page, methods=["GET"]),
        Route("/admin/audit/export.{fmt}", audit_export, methods=["GET"]),
        Route("/admin/retention", retention_page, methods=["GET"]),
        Route("/runs", runs_page, methods=["GET"]),
    ]
