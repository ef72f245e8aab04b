"""Server-side sign-in sessions: the browser holds a random token, the database its hash.

A session ends after `web.session_minutes` without a request, `web.session_max_hours` after it
began, at sign-out, or when the account is disabled, its role changes or its password is reset.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.users import User, WebSession
from videre.core.config import WebSettings

COOKIE = "videre_session"
# last_seen_at is written at most this often, not on every request.
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class CurrentUser:
    """Who is asking: what every handler and template gets instead of ORM objects."""

    id: int
    username: str
    role: str
    language: str
    session_id: str
    csrf_token: str
    ip: str


def token_id(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(session: Session, user: User, ip: str, now: datetime | None = None) -> str:
    """A new session for `user`; returns the token for the cookie."""
    now = now or datetime.now(timezone.utc)
    token = secrets.token_urlsafe(32)
    session.add(WebSession(id=token_id(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
                           created_at=now, last_seen_at=now, ip=ip[:64]))
    user.last_login_at = now
    return token


def load(session: Session, token: str | None, web: WebSettings, ip: str,
         now: datetime | None = None) -> CurrentUser | None:
    if not token or len(token) > 200:
        return None
    now = now or datetime.now(timezone.utc)
    row = session.execute(
        select(WebSession, User).join(User, User.id == WebSession.user_id)
        .where(WebSession.id == token_id(token))
    ).first()
    if row is None:
        return None
    ws, user = row
    idle = now - ws.last_seen_at > timedelta(minutes=web.session_minutes)
    too_old = now - ws.created_at > timedelta(hours=web.session_max_hours)
    if idle or too_old or user.disabled:
        session.delete(ws)
        return None
    if now - ws.last_seen_at > TOUCH_EVERY:
        ws.last_seen_at = now
    return CurrentUser(id=user.id, username=user.username, role=user.role, language=user.language,
                       session_id=ws.id, csrf_token=ws.csrf_token, ip=ip)


def end(session: Session, session_id: str) -> None:
    session.execute(delete(WebSession).where(WebSession.id == session_id))


def purge_expired(session: Session, web: WebSettings, now: datetime | None = None) -> int:
    now = now or datetime.now(timezone.utc)
    result = session.execute(delete(WebSession).where(
        (WebSession.last_seen_at < now - timedelta(minutes=web.session_minutes))
        | (WebSession.created_at < now - timedelta(hours=web.session_max_hours))))
    return int(result.rowcount or 0)
