"""What every request handler shares: settings, database, templates, and the current user's language."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from itsdangerous import BadSignature, URLSafeTimedSerializer
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy import func, select
from starlette.requests import Request
from starlette.responses import HTMLResponse

from models.review import Alert
from videre.core.config import Settings
from videre.services.sessions import CurrentUser, load
from videre.store.db import Database
from videre.web import bidi, i18n, labels, reasons
from videre.web.permissions import can

HERE = Path(__file__).parent
LOGIN_COOKIE = "videre_login"
LANG_COOKIE = "videre_lang"
LOGIN_FORM_SECONDS = 3600


def name_of(names: dict[str, str], code: object, fallback: object = None) -> str:
    """The translated display name of a stored code; an unknown code is shown as it is (escaped)."""
    if isinstance(code, str) and code in names:
        return i18n.gettext(names[code])
    return str(code if fallback is None else fallback)


def client_ip(request: Request) -> str:
    """The peer's address, or the forwarded one when the peer is a trusted proxy (web.trusted_proxies)."""
    return request.client.host if request.client else ""


def current(request: Request) -> CurrentUser | None:
    """The signed-in user, as the guard found them (None on the sign-in page and static files)."""
    return getattr(request.state, "user", None)


class Web:
    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self.tz = ZoneInfo(settings.schedule.timezone)
        self.env = self._environment()
        self.login_tokens = URLSafeTimedSerializer(settings.web.secret_key or secrets.token_hex(32),
                                                   salt="videre-login-form")
        # One re-index of the queue facets at a time in this process (see videre.services.facets).
        self.index_lock = threading.Lock()
        self._cache: dict[str, tuple[float, Any]] = {}

    def cached(self, key: str, seconds: float, compute: Callable[[], Any]) -> Any:
        """A value computed at most every `seconds` (filter choices, which change with re-scoring)."""
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is not None and now - hit[0] < seconds:
            return hit[1]
        value = compute()
        self._cache[key] = (now, value)
        return value

    def forget(self, key: str) -> None:
        self._cache.pop(key, None)

    def _environment(self) -> Environment:
        env = Environment(loader=FileSystemLoader(HERE / "templates"),
                          autoescape=select_autoescape(default=True, default_for_string=True),
                          extensions=["jinja2.ext.i18n"], undefined=StrictUndefined,
                          trim_blocks=True, lstrip_blocks=True)
        env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
        # Never hand stored text to _(): newstyle gettext marks its result safe. These return
        # plain strings, which autoescape escapes like any other value.
        env.globals["t"] = i18n.gettext
        env.globals["name_of"] = name_of
        env.filters["when"] = self.when
        # Stored text from ads (and notes quoting them): direction controls shown, not obeyed.
        env.filters["adtext"] = bidi.marked
        env.filters["adplain"] = bidi.plain
        env.filters["reason"] = reasons.sentence
        env.filters["reasonplain"] = reasons.sentence_plain
        env.filters["reasonphotos"] = reasons.photos_named
        env.filters["day"] = self.day
        env.globals.update(STATUS_NAMES=labels.STATUS_NAMES, LABEL_NAMES=labels.LABEL_NAMES,
                           ROLE_NAMES=labels.ROLE_NAMES, LANGUAGE_NAMES=labels.LANGUAGE_NAMES,
                           WATCH_KIND_NAMES=labels.WATCH_KIND_NAMES, AUDIT_ACTIONS=labels.AUDIT_ACTIONS,
                           REASON_TITLES=labels.REASON_TITLES)
        return env

    # -- formatting -------------------------------------------------------------------------
    def when(self, value: datetime | str | None) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                return value
        return value.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")

    def day(self, value: datetime | date | str | None) -> str:
        if isinstance(value, datetime):
            return value.astimezone(self.tz).strftime("%Y-%m-%d")
        if isinstance(value, date):
            return value.isoformat()
        return (value or "")[:10]

    # -- users and sessions -----------------------------------------------------------------
    def load_user(self, token: str | None, ip: str) -> CurrentUser | None:
        if not token:
            return None
        with self.db.session() as s:
            return load(s, token, self.settings.web, ip)

    def login_token(self, nonce: str) -> str:
        return self.login_tokens.dumps(nonce)

    def login_token_ok(self, token: str, nonce: str | None) -> bool:
        if not nonce or not token:
            return False
        try:
            signed = self.login_tokens.loads(token, max_age=LOGIN_FORM_SECONDS)
        except BadSignature:
            return False
        return secrets.compare_digest(str(signed).encode(), nonce.encode())

    def open_alerts(self, user: CurrentUser | None) -> int:
        if user is None or not can(user.role, "queue"):
            return 0
        with self.db.session() as s:
            return int(s.execute(select(func.count()).select_from(Alert).where(Alert.seen_at.is_(None))).scalar() or 0)

    # -- rendering --------------------------------------------------------------------------
    def language_for(self, request: Request) -> str:
        user = current(request)
        if user is not None:
            return i18n.pick_language(user.language)
        return i18n.pick_language(request.query_params.get("lang") or request.cookies.get(LANG_COOKIE))

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        user = current(request)
        lang = self.language_for(request)
        allowed: Callable[[str], bool] = (lambda p: can(user.role, p)) if user else (lambda p: False)
        base = {"user": user, "lang": lang, "path": request.url.path, "can": allowed,
                "csrf_token": user.csrf_token if user else "", "open_alerts": self.open_alerts(user)}
        with i18n.language(lang):
            html = self.env.get_template(name).render(**base, **context)
        return HTMLResponse(html, status_code=status)

    def error(self, request: Request, status: int, message: str, detail: str = "") -> HTMLResponse:
        return self.render(request, "error.html", status=status, status_code=status, message=message,
                           detail=detail)
