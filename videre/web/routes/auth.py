"""Signing in and out, and each user's own settings (language, password)."""

from __future__ import annotations

import secrets
from datetime import datetime, timezone

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from models.users import User
from videre.core.errors import InputError, Throttled
from videre.services import accounts, audit, sessions, throttle
from videre.services.sessions import COOKIE, CurrentUser
from videre.web.access_guard import safe_next
from videre.web.context import LANG_COOKIE, LOGIN_COOKIE, LOGIN_FORM_SECONDS, Web, client_ip, current
from videre.web.handlers import form, page
from videre.web.i18n import N_, pick_language
from videre.web.permissions import home_for


def _cookie_args(web: Web) -> dict[str, object]:
    return {"httponly": True, "samesite": "strict", "secure": web.settings.web.secure_cookies, "path": "/"}


def _login_form(web: Web, request: Request, status: int = 200, error: str = "", username: str = "") -> Response:
    nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    with web.db.session() as s:
        no_accounts = s.execute(select(User.id).limit(1)).first() is None
    response = web.render(request, "login.html", status=status, error=error, username=username,
                          no_accounts=no_accounts,
                          login_token=web.login_token(nonce),
                          next=safe_next(request.query_params.get("next")))
    response.set_cookie(LOGIN_COOKIE, nonce, max_age=LOGIN_FORM_SECONDS, **_cookie_args(web))
    lang = request.query_params.get("lang")
    if lang:
        response.set_cookie(LANG_COOKIE, pick_language(lang), max_age=365 * 86400, **_cookie_args(web))
    return response


def login_page(request: Request) -> Response:
    web: Web = request.app.state.web
    user = current(request)
    if user is not None:
        return RedirectResponse(home_for(user.role), 303)
    return _login_form(web, request)


def login(request: Request) -> Response:
    web: Web = request.app.state.web
    f = form(request)
    username = accounts.normalise_username(str(f.get("username", "")))[:64]
    password = str(f.get("password", ""))
    ip = client_ip(request)
    try:
        with web.db.session() as s:
            throttle.reserve(s, username, ip, web.settings.web)
    except Throttled:
        return _login_form(web, request, 429, N_("Too many failed attempts. Wait a few minutes and try again."),
                           username)
    with web.db.session() as s:
        user = accounts.authenticate(s, username, password)
        if user is None:
            audit.record(s, None, "login_failed", "user", username, username=username, ip=ip)
            failed = True
        else:
            failed = False
            throttle.succeeded(s, username, ip, web.settings.web)
            # Housekeeping on the way in: expired sessions and stale throttle rows go.
            sessions.purge_expired(s, web.settings.web)
            throttle.forget_before(s, datetime.now(timezone.utc) - throttle.FORGET_AFTER)
            token = sessions.start(s, user, ip)
            audit.record(s, CurrentUser(user.id, user.username, user.role, user.language, "", "", ip),
                         "login", "user", user.id)
            role = user.role
    if failed:
        return _login_form(web, request, 401, N_("Wrong username or password."), username)
    target = safe_next(str(f.get("next", "")))
    response = RedirectResponse(target if target != "/" else home_for(role), 303)
    response.set_cookie(COOKIE, token, max_age=web.settings.web.session_max_hours * 3600, **_cookie_args(web))
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@page("account")
def logout(web: Web, request: Request, user: CurrentUser) -> Response:
    with web.db.session() as s:
        sessions.end(s, user.session_id)
        audit.record(s, user, "logout", "user", user.id)
    response = RedirectResponse("/login", 303)
    response.delete_cookie(COOKIE, path="/")
    return response


def _current_password_ok(web: Web, user: CurrentUser, password: str) -> bool:
    """The account page's password check counts against the same throttle as signing in: a stolen
    session must not become an unthrottled password oracle."""
    with web.db.session() as s:
        throttle.reserve(s, user.username, user.ip, web.settings.web)
    with web.db.session() as s:
        if accounts.authenticate(s, user.username, password) is None:
            audit.record(s, user, "password_check_failed", "user", user.id)
            return False
        throttle.succeeded(s, user.username, user.ip, web.settings.web)
        return True


@page("account")
def account_page(web: Web, request: Request, user: CurrentUser) -> Response:
    return web.render(request, "account.html", done=request.query_params.get("done", ""), error="")


@page("account")
def account_save(web: Web, request: Request, user: CurrentUser) -> Response:
    f = form(request)
    with web.db.session() as s:
        row = s.get(User, user.id)
        assert row is not None
        if "language" in f:
            row.language = accounts.check_language(str(f["language"]))
            audit.record(s, user, "settings", "user", user.id, language=row.language)
            done = "language"
        else:
            try:
                if not _current_password_ok(web, user, str(f.get("current", ""))):
                    return web.render(request, "account.html", status=400, done="",
                                      error=N_("The current password is wrong."))
            except Throttled:
                return web.render(request, "account.html", status=429, done="",
                                  error=N_("Too many failed attempts. Wait a few minutes and try again."))
            try:
                accounts.set_password(s, row, str(f.get("new", "")), web.settings.web.min_password_length)
            except InputError:
                return web.render(request, "account.html", status=400, done="",
                                  error=N_("The new password is too short, too long, too easy to guess, or the same as the username."))
            audit.record(s, user, "settings", "user", user.id, password="changed")
            # Every session ended with the password change: sign this browser in again.
            return RedirectResponse("/login", 303)
    return RedirectResponse(f"/account?done={done}", 303)


def routes() -> list[Route]:
    return [
        Route("/login", login_page, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/account", account_page, methods=["GET"]),
        Route("/account", account_save, methods=["POST"]),
    ]
