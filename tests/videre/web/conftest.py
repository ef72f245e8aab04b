"""Fixtures for the web tests: a seeded database (built once, copied per test) and signed-in clients."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.conftest import copy_database, make_settings
from tests.videre.web.seed import PASSWORD, World, seed
from videre.core.config import Settings
from videre.store.db import Database
from videre.web.app import create_app

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, World]:
    """The seeded database's URL (a SQLite file, or PostgreSQL with VIDERE_TEST_DATABASE)."""
    base = tmp_path_factory.mktemp("seeded")
    settings = make_settings(base)
    db = Database.from_settings(settings)
    world = seed(db)
    db.dispose()
    return settings.database.url, world


@pytest.fixture
def world(seeded_file: tuple[str, World]) -> World:
    return seeded_file[1]


@pytest.fixture
def web_settings(tmp_path: Path, seeded_file: tuple[str, World]) -> Settings:
    return make_settings(tmp_path, database={"url": copy_database(seeded_file[0], tmp_path)},
                         web={"page_size": 25, "login_max_failures": 3})


@pytest.fixture
def web_db(web_settings: Settings) -> Iterator[Database]:
    database = Database.from_settings(web_settings)
    yield database
    database.dispose()


@pytest.fixture
def app_client(web_settings: Settings, web_db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(web_settings, web_db), base_url="http://127.0.0.1",
                    follow_redirects=False) as client:
        yield client


def csrf_of(html: str) -> str:
    m = CSRF.search(html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through the form (as a fresh browser); returns the session's CSRF token."""
    client.cookies.clear()
    page = client.get("/login")
    r = client.post("/login", data={"username": username, "password": password,
                                    "csrf_token": csrf_of(page.text), "next": "/"})
    assert r.status_code == 303, r.text
    home = client.get(r.headers["location"])
    assert home.status_code == 200, home.text
    return csrf_of(home.text)


@pytest.fixture
def analyst(app_client: TestClient) -> tuple[TestClient, str]:
    return app_client, sign_in(app_client, "anna.analyst")


@pytest.fixture
def lead(app_client: TestClient) -> tuple[TestClient, str]:
    return app_client, sign_in(app_client, "lars.lead")


@pytest.fixture
def admin(app_client: TestClient) -> tuple[TestClient, str]:
    return app_client, sign_in(app_client, "adam.admin")


@pytest.fixture
def outreach(app_client: TestClient) -> tuple[TestClient, str]:
    return app_client, sign_in(app_client, "olga.outreach")
