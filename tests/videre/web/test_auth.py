"""Signing in: sessions with a timeout, throttling, sign-out, disabled accounts, cookie flags."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from starlette.testclient import TestClient

from models.users import AuditEvent, LoginThrottle, User, WebSession
from tests.videre.web.conftest import csrf_of, sign_in
from tests.videre.web.seed import PASSWORD
from videre.core.errors import InputError
from videre.services import accounts
from videre.store.db import Database


def _try(client: TestClient, username: str, password: str) -> int:
    client.cookies.clear()  # a fresh browser each time
    page = client.get("/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_of(page.text)}).status_code


def test_sign_in_sets_a_strict_http_only_cookie_and_records_it(app_client: TestClient, web_db: Database) -> None:
    page = app_client.get("/login")
    r = app_client.post("/login", data={"username": "Anna.Analyst ", "password": PASSWORD,
                                        "csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith("videre_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    with web_db.session() as s:
        assert s.execute(select(func.count()).select_from(WebSession)).scalar() == 1
        # Only the token's hash is stored, never the token itself.
        token = cookie.split(";")[0].split("=", 1)[1]
        assert s.execute(select(WebSession.id)).scalar() != token
        assert s.execute(select(AuditEvent.action).where(AuditEvent.username == "anna.analyst")).scalar() == "login"


def test_wrong_password_and_unknown_user_look_the_same(app_client: TestClient) -> None:
    assert _try(app_client, "anna.analyst", "wrong password here") == 401
    assert _try(app_client, "nobody.here", "wrong password here") == 401


def test_too_many_failures_lock_the_account_for_a_while(app_client: TestClient, web_db: Database) -> None:
    for _ in range(3):  # web.login_max_failures is 3 in these tests
        assert _try(app_client, "anna.analyst", "not the password") == 401
    # Now even the right password is refused...
    assert _try(app_client, "anna.analyst", PASSWORD) == 429
    # ...other accounts are not affected...
    assert _try(app_client, "lars.lead", PASSWORD) == 303
    # ...and once the lock has run out, the account opens again.
    with web_db.session() as s:
        s.execute(update(LoginThrottle).values(locked_until=datetime.now(timezone.utc) - timedelta(seconds=1)))
    assert _try(app_client, "anna.analyst", PASSWORD) == 303


def test_a_success_clears_the_account_count(app_client: TestClient) -> None:
    for _ in range(2):
        assert _try(app_client, "anna.analyst", "not the password") == 401
    assert _try(app_client, "anna.analyst", PASSWORD) == 303
    for _ in range(2):
        assert _try(app_client, "anna.analyst", "not the password") == 401
    assert _try(app_client, "anna.analyst", PASSWORD) == 303


def test_idle_session_expires(analyst: tuple[TestClient, str], web_db: Database) -> None:
    client, _ = analyst
    assert client.get("/").status_code == 200
    with web_db.session() as s:
        s.execute(update(WebSession).values(last_seen_at=datetime.now(timezone.utc) - timedelta(minutes=61)))
    r = client.get("/")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    with web_db.session() as s:
        assert s.execute(select(func.count()).select_from(WebSession)).scalar() == 0


def test_session_has_a_maximum_age(analyst: tuple[TestClient, str], web_db: Database) -> None:
    client, _ = analyst
    with web_db.session() as s:
        s.execute(update(WebSession).values(created_at=datetime.now(timezone.utc) - timedelta(hours=13)))
    assert client.get("/").status_code == 303


def test_sign_out_ends_the_session_on_the_server(analyst: tuple[TestClient, str]) -> None:
    client, token = analyst
    old_cookie = client.cookies.get("videre_session")
    r = client.post("/logout", data={"csrf_token": token})
    assert r.status_code == 303
    client.cookies.set("videre_session", old_cookie)  # replaying the old cookie does not work
    assert client.get("/").status_code == 303


def test_disabling_an_account_ends_its_sessions(analyst: tuple[TestClient, str], web_db: Database) -> None:
    client, _ = analyst
    with web_db.session() as s:
        accounts.set_disabled(s, accounts.get_user(s, "anna.analyst"), True)
    assert client.get("/").status_code == 303
    assert _try(client, "anna.analyst", PASSWORD) == 401


def test_changing_own_password_signs_out_everywhere(analyst: tuple[TestClient, str]) -> None:
    client, token = analyst
    r = client.post("/account", data={"csrf_token": token, "current": "wrong", "new": "x" * 20})
    assert r.status_code == 400
    r = client.post("/account", data={"csrf_token": token, "current": PASSWORD, "new": "short"})
    assert r.status_code == 400
    for guessable in ("aaaaaaaaaaaa", "password1234", "anna.analyst2024", "qwertyuiop123"):
        r = client.post("/account", data={"csrf_token": token, "current": PASSWORD, "new": guessable})
        assert r.status_code == 400 and "för lätt att gissa" in r.text, guessable
    r = client.post("/account", data={"csrf_token": token, "current": PASSWORD, "new": "ett nytt långt lösenord"})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert client.get("/").status_code == 303
    assert _try(client, "anna.analyst", PASSWORD) == 401
    assert _try(client, "anna.analyst", "ett nytt långt lösenord") == 303


def test_language_is_per_user_and_swedish_by_default(analyst: tuple[TestClient, str], web_db: Database) -> None:
    client, token = analyst
    assert "Flaggad kö" in client.get("/").text
    r = client.post("/account", data={"csrf_token": token, "language": "en"})
    assert r.status_code == 303
    assert "Flagged queue" in client.get("/").text
    with web_db.session() as s:
        assert s.execute(select(User.language).where(User.username == "anna.analyst")).scalar() == "en"
        assert s.execute(select(User.language).where(User.username == "lars.lead")).scalar() == "sv"
    other = sign_in(client, "lars.lead")
    assert other and "Flaggad kö" in client.get("/").text


def test_sign_in_page_language_can_be_chosen(app_client: TestClient) -> None:
    assert "Logga in" in app_client.get("/login").text
    assert "Sign in" in app_client.get("/login?lang=en").text
    # The choice is remembered for the next visit to the sign-in page.
    assert "Sign in" in app_client.get("/login").text


def test_a_fresh_install_says_how_to_create_the_first_admin(tmp_path: Path) -> None:
    from tests.conftest import make_settings
    from videre.web.app import create_app

    settings = make_settings(tmp_path)
    db = Database.from_settings(settings)
    with TestClient(create_app(settings, db), base_url="http://127.0.0.1") as client:
        page = client.get("/login").text
        assert 'id="no-accounts"' in page and "videre users add NAME --role admin" in page
    with db.session() as s:
        accounts.add_user(s, "adam.admin", PASSWORD, "admin", 12)
    with TestClient(create_app(settings, db), base_url="http://127.0.0.1") as client:
        assert 'id="no-accounts"' not in client.get("/login").text
    db.dispose()


def test_password_policy_refuses_guessable_passwords_and_names_why() -> None:
    for weak in ("aaaaaaaaaaaa", "password1234", "Password2024!", "iloveyou1234", "1qaz2wsx3edc", "bo.bergström1"):
        with pytest.raises(InputError, match="too easy to guess"):
            accounts.check_password(weak, "bo.bergström", 12)
    # Long phrases of ordinary words pass; so do random tokens like the demo account's.
    for strong in ("ett nytt långt lösenord", "Vinter-Göteborg-1987", "kX9#mQ2vLp8!"):
        accounts.check_password(strong, "bo", 12)
    # Only the first 72 characters are scored: a 1000-character password is judged by its start.
    accounts.check_password("ett nytt långt lösenord " * 40, "bo", 12)
    with pytest.raises(InputError, match="too easy"):
        accounts.check_password("a" * 1000, "bo", 12)
