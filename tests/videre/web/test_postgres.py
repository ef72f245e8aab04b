"""The web UI's queries on PostgreSQL: every page, the filter index, and the watchlist check."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.conftest import make_settings
from tests.videre.web.conftest import sign_in
from tests.videre.web.seed import seed
from videre.services.watchlists import check_watchlists, watch_phone, watch_photo, watch_template
from videre.store.db import Database
from videre.web.app import create_app

pytestmark = pytest.mark.postgres


def test_pages_filters_and_watchlists_on_postgres(tmp_path: Path, pg_url: str) -> None:
    settings = make_settings(tmp_path, database={"url": pg_url})
    db = Database.from_settings(settings)
    world = seed(db, fillers=5)
    item = world.items["organised"]
    with TestClient(create_app(settings, db), base_url="http://127.0.0.1", follow_redirects=False) as client:
        token = sign_in(client, "adam.admin")
        for url in ("/", "/?q=carla", "/?q=070-174 06 05", "/?city=Malmö&reason=observed_movement",
                    "/?site=rosasidan&assignee=none&from=2024-05-01&to=2024-06-01", "/?status=all&page=2",
                    f"/items/{item}", f"/items/{world.items['hostile']}", f"/items/{item}/print",
                    f"/items/{item}/export.csv", f"/items/{item}/export.json", f"/ads/{world.ads['organised'][0]}",
                    f"/photos/{world.photos['shared']}", "/alerts", "/watchlists", "/outreach", "/runs", "/weights",
                    "/admin/users", "/admin/audit", "/admin/audit/export.csv", "/admin/retention"):
            r = client.get(url)
            assert r.status_code == 200, (url, r.text[:500])
        assert f'data-href="/items/{item}"' in client.get("/?q=carla").text
        r = client.post(f"/items/{item}/review", data={"csrf_token": token, "status": "escalated",
                                                       "assignee": str(world.users["lars.lead"])})
        assert r.status_code == 303
        assert f'data-href="/items/{item}"' in client.get(f"/?assignee={world.users['lars.lead']}").text
    with db.session() as s:
        watch_phone(s, "0701740605", "", None, "SE")
        watch_photo(s, str(world.photos["shared"]), "", None)
        from sqlalchemy import select

        from models.entities import Template

        watch_template(s, str(s.execute(select(Template.id)).scalar_one()), "", None)
    with db.session() as s:
        # The seeded ads are all newer than 2024-01-01: number, photo (and its resized copy) and template match.
        assert check_watchlists(s, datetime(2024, 1, 1, tzinfo=timezone.utc)) == 4 + 2 + 4
    db.dispose()
