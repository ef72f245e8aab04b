"""Sign-in throttling: too many failures for one account, or from one address, lock it for a while."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from models.users import LoginAttempt
from videre.core.config import WebSettings
from videre.core.errors import Throttled

# One address may try several accounts (a shared office), but not endlessly.
ADDRESS_FACTOR = 4


def _failures(session: Session, column: object, value: str, since: datetime,
              reset_on_success: bool) -> tuple[int, datetime | None]:
    start = since
    if reset_on_success:
        last_ok = session.execute(
            select(func.max(LoginAttempt.at)).where(column == value, LoginAttempt.ok.is_(True),
                                                    LoginAttempt.at >= since)
        ).scalar()
        start = max(since, last_ok) if last_ok else since
    count, oldest = session.execute(
        select(func.count(), func.min(LoginAttempt.at))
        .where(column == value, LoginAttempt.ok.is_(False), LoginAttempt.at > start)
    ).one()
    return int(count), oldest


def check(session: Session, username: str, ip: str, web: WebSettings, now: datetime | None = None) -> None:
    """Raise Throttled when the account or the address has failed too often in the window."""
    now = now or datetime.now(timezone.utc)
    window = timedelta(minutes=web.login_window_minutes)
    since = now - window
    # A success clears the account's count, but not the address's: someone holding one valid
    # account must not be able to reset the counter while guessing another's password.
    for column, value, limit, reset in (
            (LoginAttempt.username, username, web.login_max_failures, True),
            (LoginAttempt.ip, ip, web.login_max_failures * ADDRESS_FACTOR, False)):
        count, oldest = _failures(session, column, value, since, reset)
        if count >= limit and oldest is not None:
            wait = max(1, int((oldest + window - now).total_seconds() // 60) + 1)
            raise Throttled(f"too many failed sign-ins; try again in {wait} minutes")


def record(session: Session, username: str, ip: str, ok: bool, now: datetime | None = None) -> None:
    session.add(LoginAttempt(at=now or datetime.now(timezone.utc), username=username[:64], ip=ip[:64], ok=ok))


def forget_before(session: Session, cutoff: datetime) -> None:
    """Old attempts say nothing about throttling; keep the table small."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < cutoff))
