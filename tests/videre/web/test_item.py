"""The item page: evidence in the text, photos side by side, numbers with names and ages, route,
graph, template slots; and the review workflow with its history and audit trail."""

from __future__ import annotations

import re

from sqlalchemy import select
from starlette.testclient import TestClient

from models.review import ItemChange, Note, QueueItem
from models.users import AuditEvent
from tests.videre.web.seed import World
from videre.store.db import Database
from videre.web.item_view import load_item


def test_item_page_shows_the_evidence(analyst: tuple[TestClient, str], world: World) -> None:
    client, _ = analyst
    html = client.get(f"/items/{world.items['organised']}").text
    # The number marked where it stands in the text, the hidden one marked as hidden.
    assert '<mark class="ev-phone" dir="ltr" title="">070-174 06 05</mark>' in html
    assert '<mark class="ev-hidden" dir="ltr" title="">noll sju noll 174 06 05</mark>' in html
    assert '<mark class="ev-name" title="">Carla</mark>' in html
    assert 'Ny i <mark class="ev-place" title="">Göteborg</mark> denna vecka' in html
    # Names and ages behind the number.
    people = re.search(r'<table class="people">(.*?)</table>', html, re.S).group(1)
    for name, age in (("Anna", "23"), ("Bella", "21"), ("Carla", "22"), ("Dana", "20")):
        assert f"<td>{name}</td><td>{age}</td>" in people
    # Route text and drawing, from stored coordinates only.
    assert "1. Malmö (2024-05-01) → 2. Göteborg (2024-05-15) → 3. Stockholm (2024-05-22)" in html
    assert '<svg class="route"' in html and "1 Malmö" in html and 'marker-end="url(#arrow)"' in html
    assert '<svg class="timeline"' in html and '<svg class="graph"' in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html.replace(
        "https://escortguide.test", "").replace("https://rosasidan.test", "")


def test_resized_copy_is_shown_beside_the_original(analyst: tuple[TestClient, str], world: World) -> None:
    client, _ = analyst
    html = client.get(f"/items/{world.items['organised']}").text
    group = re.search(r'<div class="photo-group card">(.*?)</div>\s*</div>', html, re.S).group(1)
    assert f'src="/photos/{world.photos["shared"]}"' in group and f'src="/photos/{world.photos["resized"]}"' in group
    assert "PDQ" in group
    assert f'src="/photos/{world.photos["other"]}"' not in group


def test_shared_template_shows_its_slots_and_what_fills_them(analyst: tuple[TestClient, str], world: World,
                                                              web_db: Database) -> None:
    with web_db.session() as s:
        item = load_item(s, world.items["organised"])
    [t] = item.templates
    assert sorted(t.ad_ids) == sorted(world.ads["organised"])
    fixed = "".join(text for text, n in t.pieces if n is None)
    assert "diskret och trevlig lägenhet nära centrum" in fixed and "Anna" not in fixed
    fills = {f for values in t.fills.values() for f in values}
    assert {"Anna", "Bella", "Carla", "Dana", "Göteborg", "Stockholm"} <= fills
    client, _ = analyst
    html = client.get(f"/items/{world.items['organised']}").text
    assert f'id="template-{t.id}"' in html and '<mark class="slot" title="Anna | Bella | Carla | Dana"><sup>' in html


def test_photos_are_served_from_thumbnails_with_their_type(analyst: tuple[TestClient, str], world: World) -> None:
    client, _ = analyst
    r = client.get(f"/photos/{world.photos['shared']}")
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    assert r.content[:3] == b"\xff\xd8\xff" and len(r.content) < 30_000
    assert client.get("/photos/999999").status_code == 404


def test_clearing_an_item_records_history_notes_and_audit(analyst: tuple[TestClient, str], world: World,
                                                          web_db: Database) -> None:
    client, token = analyst
    item = world.items["organised"]
    r = client.post(f"/items/{item}/review", data={"csrf_token": token, "status": "closed",
                                                   "label": "trafficking_suspected",
                                                   "note": "Samma nummer i fyra städer. <b>inte fet</b>"})
    assert r.status_code == 303 and r.headers["location"].startswith(f"/items/{item}")
    html = client.get(r.headers["location"]).text
    assert "Avslutat" in html and "Misstänkt människohandel" in html
    assert "&lt;b&gt;inte fet&lt;/b&gt;" in html
    with web_db.session() as s:
        q = s.get(QueueItem, item)
        assert (q.status, q.label) == ("closed", "trafficking_suspected")
        changes = {(c.field, c.old, c.new) for c in s.execute(select(ItemChange)).scalars()}
        assert changes == {("status", "new", "closed"), ("label", None, "trafficking_suspected")}
        assert s.execute(select(Note.text)).scalar() == "Samma nummer i fyra städer. <b>inte fet</b>"
        actions = [a for a in s.execute(select(AuditEvent.action).where(AuditEvent.object_id == str(item))).scalars()]
        assert actions.count("change") == 1 and actions.count("note") == 1 and "view_item" in actions
    # Closed items leave the default (open) queue.
    assert f'data-href="/items/{item}"' not in client.get("/").text
    # Saving the same form again changes nothing and adds no history.
    client.post(f"/items/{item}/review", data={"csrf_token": token, "status": "closed", "label": "trafficking_suspected"})
    with web_db.session() as s:
        assert len(s.execute(select(ItemChange)).scalars().all()) == 2


def test_unknown_status_or_label_is_refused(analyst: tuple[TestClient, str], world: World) -> None:
    client, token = analyst
    item = world.items["organised"]
    assert client.post(f"/items/{item}/review", data={"csrf_token": token, "status": "deleted"}).status_code == 400
    assert client.post(f"/items/{item}/review", data={"csrf_token": token, "label": "x"}).status_code == 400
    assert client.post("/items/999999/review", data={"csrf_token": token, "status": "closed"}).status_code == 404


def test_item_view_is_audited_with_the_ads_and_numbers_shown(analyst: tuple[TestClient, str], world: World,
                                                             web_db: Database) -> None:
    client, _ = analyst
    client.get(f"/items/{world.items['organised']}")
    client.get(f"/ads/{world.ads['organised'][1]}")
    with web_db.session() as s:
        item_view = s.execute(select(AuditEvent).where(AuditEvent.action == "view_item")).scalar_one()
        ad_view = s.execute(select(AuditEvent).where(AuditEvent.action == "view_ad")).scalar_one()
    assert item_view.detail["ads"] == world.ads["organised"] and item_view.detail["phones"] == ["+46701740605"]
    assert len(item_view.detail["photos"]) == 3
    assert ad_view.object_id == str(world.ads["organised"][1]) and ad_view.detail["item"] == world.items["organised"]
