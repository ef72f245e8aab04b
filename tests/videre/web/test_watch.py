"""Watchlists: a lead watches a number, a photo or a template; new matching ads raise one alert each."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from models.entities import AdTemplate, Template
from models.review import Alert, Watchlist
from tests.videre.web.conftest import sign_in
from tests.videre.web.seed import T0, TEMPLATE, Builder, World, make_photo
from videre.core.errors import InputError, NotFound
from videre.services.watchlists import check_watchlists, watch_phone, watch_photo, watch_template
from videre.store.db import Database

LATER = T0 + timedelta(days=60)


def _new_ad(db: Database, *, name: str, phone: str, body: str, photo: bytes | None = None) -> int:
    with db.session() as s:
        b = Builder(s)
        cid = b.cluster()
        photos = [b.photo(photo)] if photo else []
        return b.ad(cid, "escortguide", LATER, title=f"{name} ny", body=body, name=name, age="25",
                    location="Luleå", city=None, phones=[(phone, phone, [])] if phone else [], photos=photos)


def _alerts(db: Database) -> set[tuple[str, int]]:
    with db.session() as s:
        return {(w.kind, a.ad_id) for a, w in s.execute(
            select(Alert, Watchlist).join(Watchlist, Watchlist.id == Alert.watchlist_id))}


def test_phone_watch_alerts_once_for_new_ads_only(web_db: Database, world: World) -> None:
    with web_db.session() as s:
        watch_phone(s, "070-174 06 05", "Anna-gruppen", None, "SE")
    ad = _new_ad(web_db, name="Ella", phone="+46701740605", body="Ring mig.")
    other = _new_ad(web_db, name="Fia", phone="+46701749999", body="Ring mig.")
    with web_db.session() as s:
        assert check_watchlists(s, LATER - timedelta(hours=1)) == 1
    with web_db.session() as s:
        assert check_watchlists(s, LATER - timedelta(hours=1)) == 0  # idempotent
    assert _alerts(web_db) == {("phone", ad)}
    assert other not in {a for _, a in _alerts(web_db)}


def test_photo_watch_matches_a_resized_repost(web_db: Database, world: World) -> None:
    from tests.videre.web.seed import resized

    with web_db.session() as s:
        watch_photo(s, str(world.photos["shared"]), "", None)
    repost = _new_ad(web_db, name="Gina", phone="", body="Ny här.", photo=resized(make_photo(11), 0.5))
    unrelated = _new_ad(web_db, name="Hanna", phone="", body="Ny här.", photo=make_photo(99))
    with web_db.session() as s:
        assert check_watchlists(s, LATER) == 1
    assert _alerts(web_db) == {("photo", repost)}
    assert unrelated


def _template_id(db: Database) -> int:
    with db.session() as s:
        return s.execute(select(Template.id)).scalar_one()


def _link(db: Database, ad_id: int, template_id: int) -> None:
    """What triage's re-score writes for a new ad that follows the template."""
    with db.session() as s:
        s.add(AdTemplate(ad_id=ad_id, template_id=template_id, similarity=0.92, slots=["Ida"]))


def test_template_watch_alerts_for_new_ads_triage_links_to_it(web_db: Database, world: World) -> None:
    tid = _template_id(web_db)
    with web_db.session() as s:
        watch_template(s, f"T{tid}", "", None)
    same = _new_ad(web_db, name="Ida", phone="+46701740699",
                   body=TEMPLATE.format(name="Ida", age="19", city="Luleå", phone="070-174 06 99"))
    _link(web_db, same, tid)
    different = _new_ad(web_db, name="Jenny", phone="+46701740698", body="Hej, jag är Jenny från Luleå.")
    with web_db.session() as s:
        assert check_watchlists(s, LATER) == 1
    assert _alerts(web_db) == {("template", same)}
    assert different


def test_bad_watch_values_are_refused(web_db: Database) -> None:
    with web_db.session() as s:
        with pytest.raises(InputError):
            watch_phone(s, "ring mig", "", None, "SE")
        with pytest.raises(InputError):
            watch_photo(s, "not-a-photo", "", None)
        with pytest.raises(NotFound):
            watch_template(s, "T999", "", None)


def test_lead_watches_from_the_item_page_and_analysts_see_alerts(lead: tuple[TestClient, str], world: World,
                                                                 web_db: Database) -> None:
    client, token = lead
    item = world.items["organised"]
    r = client.post("/watchlists", data={"csrf_token": token, "kind": "phone", "value": "+46701740605",
                                         "back": f"/items/{item}"})
    assert r.status_code == 303 and r.headers["location"] == f"/items/{item}?done=watched"
    tid = _template_id(web_db)
    r = client.post("/watchlists", data={"csrf_token": token, "kind": "template", "value": str(tid),
                                         "back": f"/items/{item}"})
    assert r.status_code == 303
    page = client.get(f"/items/{item}").text
    assert page.count('class="watched"') == 2
    assert "+46701740605" in client.get("/watchlists").text
    ad = _new_ad(web_db, name="Klara", phone="+46701740605",
                 body=TEMPLATE.format(name="Klara", age="24", city="Kiruna", phone="070-174 06 05"))
    _link(web_db, ad, tid)
    with web_db.session() as s:
        assert check_watchlists(s, LATER) == 2

    token = sign_in(client, "anna.analyst")
    assert client.get("/watchlists").status_code == 403
    home = client.get("/").text
    assert 'id="alert-count">2<' in home
    alerts = client.get("/alerts").text
    assert f"/ads/{ad}" in alerts and "Klara" in alerts
    with web_db.session() as s:
        alert_id = s.execute(select(Alert.id).order_by(Alert.id)).scalars().first()
    assert client.post(f"/alerts/{alert_id}/seen", data={"csrf_token": token}).status_code == 303
    assert 'id="alert-count">1<' in client.get("/").text


def test_unwatching_stops_alerts(lead: tuple[TestClient, str], web_db: Database) -> None:
    client, token = lead
    client.post("/watchlists", data={"csrf_token": token, "kind": "phone", "value": "0701740605"})
    with web_db.session() as s:
        wid = s.execute(select(Watchlist.id)).scalar_one()
    assert client.post(f"/watchlists/{wid}/remove", data={"csrf_token": token}).status_code == 303
    _new_ad(web_db, name="Lisa", phone="+46701740605", body="Ring.")
    with web_db.session() as s:
        assert check_watchlists(s, datetime(2020, 1, 1, tzinfo=timezone.utc)) == 0


def test_watch_and_alert_labels_show_direction_controls_as_markers(lead: tuple[TestClient, str],
                                                                   web_db: Database) -> None:
    """A label (typed, or a template's ad text taken as the label) is drawn in stored order."""
    client, token = lead
    label = "Ring \u202e5060 471 070\u202c nu"
    r = client.post("/watchlists", data={"csrf_token": token, "kind": "phone", "value": "+46701740605",
                                         "label": label})
    assert r.status_code == 303
    ad = _new_ad(web_db, name="Klara", phone="+46701740605", body="hej")
    with web_db.session() as s:
        assert check_watchlists(s, LATER) == 1
    for url in ("/watchlists", "/alerts"):
        html = client.get(url).text
        assert "\u202e" not in html and "\u202c" not in html, url
        assert "⟨RLO⟩</span>5060 471 070" in html, url
    assert f"/ads/{ad}" in client.get("/alerts").text
