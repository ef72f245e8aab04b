"""The queue page: order, filters, paging, reasons in the list, the filter index, and the audit of searches."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, update
from starlette.testclient import TestClient

from models.review import QueueFacet, QueueItem
from models.users import AuditEvent
from tests.videre.web.seed import T0, TEMPLATE, Builder, World
from videre.services.facets import MAX_BODY, MAX_WORDS, TITLES_PER_ITEM, index_stale, refresh_queue_index
from videre.store.db import Database
from videre.web.queue_query import phone_term

ROW = re.compile(r'<tr data-href="/items/(\d+)"')


def ids(html: str) -> list[int]:
    return [int(x) for x in ROW.findall(html)]


def test_items_by_score_with_top_reasons_and_pages(analyst: tuple[TestClient, str], world: World) -> None:
    client, _ = analyst
    first = client.get("/")
    shown = ids(first.text)
    # Highest score first; among equal scores (outreach and the first filler: 2.0) the newest item.
    assert shown[:4] == [world.items["organised"], world.items["hostile"], world.items["filler-0"],
                         world.items["outreach"]]
    assert len(shown) == 25  # web.page_size in these tests
    assert "Många kvinnor bakom ett nummer" in first.text and "Kvinnor flyttade mellan städer" in first.text
    second = client.get("/?page=2")
    assert not set(ids(second.text)) & set(shown)
    last = client.get("/?page=3")
    assert 'rel="next"' not in last.text and len(ids(last.text)) == 63 - 50


def test_status_filter_and_tabs(analyst: tuple[TestClient, str], world: World) -> None:
    client, _ = analyst
    assert ids(client.get("/?status=outreach").text) == [world.items["outreach"]]
    assert world.items["outreach"] in ids(client.get("/").text)  # released items are still open
    assert client.get("/?status=bogus").status_code == 400


def test_city_site_reason_and_date_filters(analyst: tuple[TestClient, str], world: World) -> None:
    client, _ = analyst
    umea = ids(client.get("/?city=Umeå").text)
    assert umea == [world.items["outreach"]]
    rosa = ids(client.get("/?site=rosasidan").text)
    assert rosa == [world.items["organised"], world.items["hostile"], world.items["outreach"]]
    hidden = ids(client.get("/?reason=phone_obfuscated").text)
    assert hidden == [world.items["organised"]]
    # Active in the week of 2024-05-20: only the organised group (seen until 2024-05-22).
    late = ids(client.get("/?from=2024-05-20&to=2024-05-26").text)
    assert late == [world.items["organised"]]
    assert client.get("/?from=20-05-2024").status_code == 400


def test_free_text_finds_names_words_and_numbers_in_any_format(analyst: tuple[TestClient, str], world: World) -> None:
    client, _ = analyst
    org = world.items["organised"]
    assert ids(client.get("/?q=carla").text) == [org]
    assert ids(client.get("/?q=Car").text) == [org]          # prefix of a word
    assert ids(client.get("/?q=carla göteborg").text) == [org]
    assert ids(client.get("/?q=carla umeå").text) == []        # every word must match
    for number in ("070-174 06 05", "+46 70 174 06 05", "0701740605", "46701740605"):
        assert ids(client.get("/", params={"q": number}).text) == [org], number
    assert phone_term("070-174 06 05", "SE") == "+46701740605"
    assert phone_term("anna 070", "SE") is None


def test_assignee_filter(lead: tuple[TestClient, str], world: World) -> None:
    client, token = lead
    item = world.items["hostile"]
    client.post(f"/items/{item}/review", data={"csrf_token": token, "assignee": str(world.users["lars.lead"])})
    assert ids(client.get("/?assignee=me").text) == [item]
    assert item not in ids(client.get("/?assignee=none").text)
    assert ids(client.get(f"/?assignee={world.users['lars.lead']}").text) == [item]


def test_searches_are_audited_with_what_was_shown(analyst: tuple[TestClient, str], world: World,
                                                   web_db: Database) -> None:
    client, _ = analyst
    client.get("/?q=carla")
    with web_db.session() as s:
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "search")).scalar_one()
    assert event.username == "anna.analyst"
    assert event.detail["filters"]["text"] == "carla" and event.detail["items"] == [world.items["organised"]]


def test_filter_index_follows_a_rescore(analyst: tuple[TestClient, str], world: World, web_db: Database) -> None:
    client, _ = analyst
    client.get("/")  # builds the index
    with web_db.session() as s:
        assert not index_stale(s)
        built = s.execute(select(func.count()).select_from(QueueFacet)).scalar()
    # A re-score rewrites every item; only the one whose content changed is rebuilt.
    later = datetime.now(timezone.utc) + timedelta(seconds=1)
    with web_db.session() as s:
        s.execute(update(QueueItem).values(scored_at=later))
        item = s.get(QueueItem, world.items["organised"])
        item.summary = {**item.summary, "cities": [*item.summary["cities"], "Kiruna"]}
        item.scored_at = later
    assert ids(client.get("/?city=Kiruna").text) == [world.items["organised"]]
    with web_db.session() as s:
        assert not index_stale(s)
        assert refresh_queue_index(s) == 0
        assert s.execute(select(func.count()).select_from(QueueFacet)).scalar() == built + 2  # city + word


def _group(web_db: Database, bodies: list[str], phone: str, *, flagged: bool = True) -> int:
    """A queue item re-scored after the index was built, with one ad per body."""
    with web_db.session() as s:
        b = Builder(s)
        cid = b.cluster()
        ads = [b.ad(cid, "kvallsros", T0 + timedelta(hours=i), title=f"Nyhet {i} i Malmö", body=body,
                    name="Lina", age="23", location="Malmö", city="Malmö", phones=[(phone, phone, [])])
               for i, body in enumerate(bodies)]
        item = b.item(cid, 1.0, [{"code": "shared_template", "text": "One template.", "weight": 1.0}], ads,
                      [phone], ["Malmö"], ["lina"], [["Malmö", "2024-05-01"]], T0, T0 + timedelta(days=1))
        s.get(QueueItem, item).flagged = flagged
        s.get(QueueItem, item).scored_at = datetime.now(timezone.utc) + timedelta(seconds=1)
    return item


def test_free_text_finds_words_addresses_and_handles_of_the_bodies(analyst: tuple[TestClient, str],
                                                                   world: World, web_db: Database) -> None:
    client, _ = analyst
    # Words only the seeded bodies have (the organised group's template), not its titles or names.
    assert "seriösa" in TEMPLATE and ids(client.get("/?q=seriösa herrar").text) == [world.items["organised"]]
    body = TEMPLATE.format(name="Lina", age=23, city="Malmö", phone="070-174 09 01") + (
        " Bor på Hotell Kungsträdgården. Mejla lina.k@example.test, Snap: @lina_k92, Insta @lina.k")
    lina = _group(web_db, [body, body.replace("Kungsträdgården", "Gillet")], "+46701740901")
    below = _group(web_db, ["Rumänska Mira på Hotell Gillet, mira.b@example.test, snap @mira_b"],
                   "+46701740902", flagged=False)
    for typed in ("kungsträdg", "gillet", "lina.k@example.test", "LINA.K@exa", "@lina_k92", "lina_k", "@lina.k",
                  "seriösa kungsträdgården"):
        assert ids(client.get("/", params={"q": typed}).text) == [lina], typed
    for typed in ("rumänska", "mira.b@example.test", "@mira_b", "anna.k@example.test"):
        assert ids(client.get("/", params={"q": typed}).text) == [], typed
    assert below not in ids(client.get("/?q=gillet").text)


def test_the_index_of_a_group_with_many_bodies_stays_bounded(analyst: tuple[TestClient, str],
                                                              web_db: Database) -> None:
    client, _ = analyst
    # Sixty unrelated bodies of 120 words; the 41st ad and the tail of a long body are not read.
    bodies = [" ".join(f"ord{i}x{j}" for j in range(120)) for i in range(60)]
    bodies[0] = "inledning " + "x" * MAX_BODY + " gömdsvans"
    item = _group(web_db, bodies, "+46701740903")
    assert ids(client.get("/?q=inledning").text) == [item]
    for typed in ("gömdsvans", f"ord{TITLES_PER_ITEM}x0"):
        assert ids(client.get("/", params={"q": typed}).text) == [], typed
    with web_db.session() as s:
        n = s.execute(select(func.count()).select_from(QueueFacet).where(
            QueueFacet.item_id == item, QueueFacet.kind == "word")).scalar()
    assert n == MAX_WORDS + 2  # and the number's two digit strings
