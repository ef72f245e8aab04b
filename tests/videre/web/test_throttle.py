"""The sign-in throttle holds under parallel guesses on both backends, locks accounts with back-off,
rate-limits addresses, and covers the account page's password check too."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from models.users import AuditEvent, User
from tests.conftest import make_settings
from tests.videre.web.conftest import csrf_of, sign_in
from tests.videre.web.live import live_server
from tests.videre.web.seed import PASSWORD
from videre.core.config import Settings
from videre.core.errors import Throttled
from videre.services import accounts, throttle
from videre.store.db import Database

GUESSES = 40
LIMIT = 5
T = datetime(2026, 12, 7, 1, 0, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Settings, Database]]:
    url = request.getfixturevalue("pg_url") if request.param == "postgresql" else f"sqlite:///{tmp_path / 'v.db'}"
    settings = make_settings(tmp_path, database={"url": url}, web={"login_max_failures": LIMIT})
    db = Database.from_settings(settings)
    with db.session() as s:
        accounts.add_user(s, "anna.analyst", PASSWORD, "analyst", 12)
        accounts.add_user(s, "lars.lead", PASSWORD, "lead", 12)
    yield settings, db
    db.dispose()


class CountingChecks:
    """Counts every password check (argon2 verify) the server runs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.n = 0
        self._lock = threading.Lock()
        real = accounts.authenticate

        def counted(*args: object, **kwargs: object) -> User | None:
            with self._lock:
                self.n += 1
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(accounts, "authenticate", counted)


def test_parallel_guesses_get_at_most_the_limit_of_password_checks(
        backend: tuple[Settings, Database], monkeypatch: pytest.MonkeyPatch) -> None:
    settings, db = backend
    checks = CountingChecks(monkeypatch)
    with live_server(settings, db) as base, httpx.Client(base_url=base) as first:
        page = first.get("/login")
        form = {"username": "anna.analyst", "csrf_token": csrf_of(page.text)}
        cookies = dict(first.cookies)

        def guess(i: int) -> int:
            with httpx.Client(base_url=base, cookies=cookies, timeout=60) as c:
                return c.post("/login", data={**form, "password": f"wrong guess number {i}"}).status_code

        with ThreadPoolExecutor(GUESSES) as pool:
            statuses = sorted(pool.map(guess, range(GUESSES)))
    assert checks.n <= LIMIT, f"{checks.n} password checks for a limit of {LIMIT}"
    assert statuses == [401] * checks.n + [429] * (GUESSES - checks.n)
    with db.session() as s:
        assert len(s.execute(select(AuditEvent).where(AuditEvent.action == "login_failed")).all()) == checks.n


def test_account_locks_with_back_off_and_a_success_clears_it(backend: tuple[Settings, Database]) -> None:
    settings, db = backend
    web = settings.web

    def attempt(now: datetime, ok: bool = False) -> bool:
        try:
            with db.session() as s:
                throttle.reserve(s, "anna.analyst", "10.0.0.1", web, now)
        except Throttled:
            return False
        if ok:
            with db.session() as s:
                throttle.succeeded(s, "anna.analyst", "10.0.0.1", web)
        return True

    now = T
    assert all(attempt(now) for _ in range(LIMIT))
    assert not attempt(now + timedelta(minutes=14))
    # After the window one more check is allowed, and the next lock is twice as long...
    assert attempt(now + timedelta(minutes=15, seconds=1))
    assert not attempt(now + timedelta(minutes=15 + 29))
    assert attempt(now + timedelta(minutes=15 + 31))
    assert not attempt(now + timedelta(minutes=15 + 31 + 59))
    # ...and the right password clears the account.
    assert attempt(now + timedelta(minutes=15 + 31 + 61), ok=True)
    assert all(attempt(now + timedelta(minutes=107)) for _ in range(LIMIT - 1))


def test_an_address_is_rate_limited_not_locked(backend: tuple[Settings, Database]) -> None:
    settings, db = backend
    web = settings.web  # 5 per account, 20 per address and window, refilling one per 45 s

    def attempt(user: str, now: datetime) -> bool:
        try:
            with db.session() as s:
                throttle.reserve(s, user, "10.0.0.9", web, now)
        except Throttled:
            return False
        return True

    spray = [f"user{i}" for i in range(4 * LIMIT)]
    assert all(attempt(u, T) for u in spray)
    assert not attempt("lars.lead", T)
    # One token back after 45 s: not a window-long lockout for everyone at the address.
    assert attempt("lars.lead", T + timedelta(seconds=46))
    assert not attempt("lars.lead", T + timedelta(seconds=47))
    # Another address is not affected at all.
    with db.session() as s:
        throttle.reserve(s, "lars.lead", "10.0.0.10", web, T)


def test_the_account_pages_password_check_is_throttled(backend: tuple[Settings, Database],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    settings, db = backend
    from starlette.testclient import TestClient

    from videre.web.app import create_app

    checks = CountingChecks(monkeypatch)
    with TestClient(create_app(settings, db), base_url="http://127.0.0.1", follow_redirects=False) as client:
        token = sign_in(client, "anna.analyst")
        before = checks.n
        statuses = [client.post("/account", data={"csrf_token": token, "current": f"guess {i}",
                                                  "new": "ett nytt långt lösenord"}).status_code
                    for i in range(LIMIT + 3)]
        assert statuses == [400] * LIMIT + [429] * 3
        assert checks.n - before == LIMIT
        # The same lock stops signing in with the right password elsewhere.
        client.cookies.clear()
        page = client.get("/login")
        r = client.post("/login", data={"username": "anna.analyst", "password": PASSWORD,
                                        "csrf_token": csrf_of(page.text)})
        assert r.status_code == 429


@pytest.mark.parametrize("trusted", [[], ["127.0.0.1"]])
def test_forwarded_addresses_are_believed_only_from_trusted_proxies(tmp_path: Path, trusted: list[str]) -> None:
    settings = make_settings(tmp_path, web={"trusted_proxies": trusted})
    db = Database.from_settings(settings)
    with live_server(settings, db) as base, httpx.Client(base_url=base) as client:
        page = client.get("/login")
        client.post("/login", data={"username": "nobody", "password": "x", "csrf_token": csrf_of(page.text)},
                    headers={"x-forwarded-for": "203.0.113.7"})
    with db.session() as s:
        ip = s.execute(select(AuditEvent.ip).where(AuditEvent.action == "login_failed")).scalar_one()
    db.dispose()
    assert ip == ("203.0.113.7" if trusted else "127.0.0.1")


def test_trusted_proxies_must_be_addresses(tmp_path: Path) -> None:
    from videre.core.errors import ConfigError

    with pytest.raises(ConfigError, match="trusted_proxies"):
        make_settings(tmp_path, web={"trusted_proxies": ["proxy.example"]})
    assert make_settings(tmp_path, web={"trusted_proxies": ["10.0.0.0/24", "::1"]}).web.trusted_proxies


