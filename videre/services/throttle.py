"""Sign-in throttling: lock an account after repeated failures (with back-off), rate-limit an address.

Every password check (sign-in, and the current password on the account page) first *reserves*
its attempt: in one transaction, holding the account's and the address's rows locked, it checks
the limits and counts the attempt as a failure. Only then is the password checked, outside any
lock (argon2 is slow); a success undoes the count. Parallel guesses therefore queue on the row
lock and at most `login_max_failures` checks run per account before it locks (docs/security.md).

- An account locks for `login_window_minutes` after `login_max_failures` failures; each further
  failure after a lock doubles the next lock, up to a day. A success clears it; failures older
  than a day are forgotten.
- An address has a token bucket of `login_max_failures * ADDRESS_FACTOR` attempts that refills
  at that many per window. It slows a guesser trying many accounts, but it is a rate, not a
  lock: it never stops an address for longer than one token takes to refill.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models.users import LoginThrottle
from videre.core.config import WebSettings
from videre.core.errors import Throttled

# One address may try several accounts (a shared office), but not endlessly.
ADDRESS_FACTOR = 4
MAX_LOCK = timedelta(days=1)
FORGET_AFTER = timedelta(days=1)
KEY_CHARS = 64


def _keys(username: str, ip: str) -> tuple[str, str]:
    return f"account:{username[:KEY_CHARS]}", f"address:{ip[:KEY_CHARS]}"


def _capacity(web: WebSettings) -> float:
    return float(web.login_max_failures * ADDRESS_FACTOR)


def _tokens(row: LoginThrottle, web: WebSettings, now: datetime) -> float:
    capacity = _capacity(web)
    if row.tokens is None:
        return capacity
    refill = (now - row.updated_at).total_seconds() * capacity / (web.login_window_minutes * 60)
    return min(capacity, row.tokens + max(0.0, refill))


def _locked_rows(session: Session, keys: tuple[str, str], now: datetime) -> dict[str, LoginThrottle]:
    """Both rows, created if missing, locked until the transaction ends.

    On PostgreSQL the rows are locked FOR UPDATE (always in key order, so two sign-ins cannot
    deadlock). On SQLite the INSERT takes the database's write lock, which serialises just as well.
    """
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(LoginThrottle)
                    .values([{"key": k, "failures": 0, "updated_at": now} for k in sorted(keys)])
                    .on_conflict_do_nothing(index_elements=["key"]))
    rows = session.execute(select(LoginThrottle).where(LoginThrottle.key.in_(keys))
                           .order_by(LoginThrottle.key).with_for_update()
                           .execution_options(populate_existing=True)).scalars()
    return {row.key: row for row in rows}


def _minutes(delta: timedelta) -> int:
    return max(1, int(delta.total_seconds() // 60) + 1)


def reserve(session: Session, username: str, ip: str, web: WebSettings, now: datetime | None = None) -> None:
    """Count one password check against the account and the address, or raise Throttled.

    Commit the session before checking the password: the reservation must be visible to the
    next request at once.
    """
    now = now or datetime.now(timezone.utc)
    account_key, address_key = _keys(username, ip)
    rows = _locked_rows(session, (account_key, address_key), now)
    account, address = rows[account_key], rows[address_key]
    if account.failures and now - account.updated_at > FORGET_AFTER:
        account.failures, account.locked_until = 0, None
    if account.locked_until is not None and account.locked_until > now:
        raise Throttled(f"too many failed sign-ins; try again in {_minutes(account.locked_until - now)} minutes")
    tokens = _tokens(address, web, now)
    if tokens < 1:
        wait = timedelta(minutes=web.login_window_minutes) * (1 - tokens) / _capacity(web)
        raise Throttled(f"too many failed sign-ins from this address; try again in {_minutes(wait)} minutes")
    account.failures += 1
    over = account.failures - web.login_max_failures
    if over >= 0:
        account.locked_until = now + min(MAX_LOCK, timedelta(minutes=web.login_window_minutes) * 2 ** min(over, 16))
    account.updated_at = now
    address.tokens, address.updated_at = tokens - 1, now


def succeeded(session: Session, username: str, ip: str, web: WebSettings) -> None:
    """The reserved check found the right password: clear the account, give the address its token back.

    A success does not reset the address: someone holding one valid account must not be able to
    refill the bucket while guessing another's password beyond the single token they spent.
    """
    account_key, address_key = _keys(username, ip)
    session.execute(update(LoginThrottle).where(LoginThrottle.key == account_key)
                    .values(failures=0, locked_until=None))
    refunded = LoginThrottle.tokens + 1
    session.execute(update(LoginThrottle).where(LoginThrottle.key == address_key, LoginThrottle.tokens.is_not(None))
                    .values(tokens=case((refunded > _capacity(web), _capacity(web)), else_=refunded)))


def forget_before(session: Session, cutoff: datetime) -> None:
    """Rows untouched since the cutoff and not locked say nothing any more; keep the table small."""
    session.execute(delete(LoginThrottle).where(
        LoginThrottle.updated_at < cutoff,
        (LoginThrottle.locked_until.is_(None)) | (LoginThrottle.locked_until < cutoff)))
