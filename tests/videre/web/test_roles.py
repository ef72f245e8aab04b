"""Roles are enforced on the server: outreach sees only area, time, languages and number of released items."""

from __future__ import annotations

from sqlalchemy import select
from starlette.testclient import TestClient

from models.review import ItemChange, QueueItem
from models.users import AuditEvent
from tests.videre.web.seed import SECRET_NAME, World
from videre.store.db import Database


def test_outreach_sees_area_time_languages_and_number_of_released_items_only(
        outreach: tuple[TestClient, str], world: World, web_db: Database) -> None:
    client, _ = outreach
    r = client.get("/")
    assert r.status_code == 403
    page = client.get("/outreach")
    assert page.status_code == 200
    text = page.text
    assert "+46701740607" in text and "Umeå" in text and "en, ro" in text and "2024-05-01" in text
    # Nothing that names, shows or scores the woman, and nothing about items not released.
    for secret in (SECRET_NAME, "Hemlig text", "Secret reason", "foreign_number", "/photos/", "/ads/",
                   "+46701740605", "Anna", "Malmö", "2.00"):
        assert secret not in text, secret
    with web_db.session() as s:
        seen = s.execute(select(AuditEvent.detail).where(AuditEvent.action == "view_outreach")).scalar()
    assert seen["numbers"] == ["+46701740607"] and seen["items"] == [world.items["outreach"]]


def test_outreach_cannot_open_anything_else(outreach: tuple[TestClient, str], world: World) -> None:
    client, token = outreach
    item = world.items["outreach"]
    for url in (f"/items/{item}", f"/items/{world.items['organised']}", f"/ads/{world.ads['outreach'][0]}",
                f"/photos/{world.photos['shared']}", f"/items/{item}/export.json", f"/items/{item}/export.csv",
                f"/items/{item}/print", "/alerts", "/watchlists", "/runs", "/weights", "/admin/users",
                "/admin/audit", "/admin/audit/export.csv", "/?q=anna"):
        r = client.get(url)
        assert r.status_code == 403, url
        assert SECRET_NAME not in r.text and "070-174" not in r.text
    r = client.post(f"/items/{item}/review", data={"csrf_token": token, "status": "closed", "note": "x"})
    assert r.status_code == 403
    assert client.get("/account").status_code == 200


def test_released_items_appear_for_outreach_when_an_analyst_releases_them(
        analyst: tuple[TestClient, str], app_client: TestClient, world: World) -> None:
    client, token = analyst
    item = world.items["organised"]
    client.post(f"/items/{item}/review", data={"csrf_token": token, "status": "outreach"})
    from tests.videre.web.conftest import sign_in

    sign_in(client, "olga.outreach")
    text = client.get("/outreach").text
    assert "+46701740605" in text and "Göteborg" in text and "Anna" not in text


def test_analyst_cannot_assign_but_a_lead_can(analyst: tuple[TestClient, str], world: World,
                                              web_db: Database) -> None:
    client, token = analyst
    item = world.items["organised"]
    page = client.get(f"/items/{item}").text
    assert 'name="assignee"' not in page
    lead_id = world.users["lars.lead"]
    # Sent anyway, the field is ignored for an analyst.
    client.post(f"/items/{item}/review", data={"csrf_token": token, "assignee": str(lead_id)})
    with web_db.session() as s:
        assert s.get(QueueItem, item).assignee_id is None
    from tests.videre.web.conftest import sign_in

    token = sign_in(client, "lars.lead")
    assert 'name="assignee"' in client.get(f"/items/{item}").text
    r = client.post(f"/items/{item}/review", data={"csrf_token": token, "assignee": str(world.users["anna.analyst"])})
    assert r.status_code == 303
    with web_db.session() as s:
        assert s.get(QueueItem, item).assignee_id == world.users["anna.analyst"]
        change = s.execute(select(ItemChange).where(ItemChange.field == "assignee_id")).scalar_one()
        assert change.new == str(world.users["anna.analyst"]) and change.user_id == lead_id
    # Outreach workers cannot be assignees.
    r = client.post(f"/items/{item}/review", data={"csrf_token": token, "assignee": str(world.users["olga.outreach"])})
    assert r.status_code == 400


def test_admin_manages_accounts(admin: tuple[TestClient, str], world: World) -> None:
    client, token = admin
    r = client.post("/admin/users", data={"csrf_token": token, "username": "nina.ny", "password": "kort",
                                          "role": "analyst", "language": "sv"})
    assert r.status_code == 400
    r = client.post("/admin/users", data={"csrf_token": token, "username": "nina.ny",
                                          "password": "ett tillräckligt långt", "role": "analyst", "language": "en"})
    assert r.status_code == 303
    assert "nina.ny" in client.get("/admin/users").text
    target = world.users["anna.analyst"]
    assert client.post(f"/admin/users/{target}", data={"csrf_token": token, "action": "role",
                                                       "role": "lead"}).status_code == 303
    assert client.post(f"/admin/users/{target}", data={"csrf_token": token, "action": "disable"}).status_code == 303
    me = world.users["adam.admin"]
    assert client.post(f"/admin/users/{me}", data={"csrf_token": token, "action": "disable"}).status_code == 400


def test_a_lead_overrides_the_hub_detector_and_an_analyst_cannot(lead: tuple[TestClient, str], world: World,
                                                                 web_db: Database) -> None:
    from models.entities import Phone

    client, token = lead
    item = world.items["organised"]
    with web_db.session() as s:
        phone_id = s.execute(select(Phone.id).where(Phone.e164 == "+46701740605")).scalar_one()
    r = client.post(f"/hubs/phone/{phone_id}", data={"csrf_token": token, "override": "hub", "back": f"/items/{item}"})
    assert r.status_code == 303 and r.headers["location"] == f"/items/{item}?done=saved"
    assert 'name="override"' in client.get(f"/items/{item}").text
    assert client.post(f"/hubs/phone/{phone_id}", data={"csrf_token": token, "override": "maybe"}).status_code == 400
    assert client.post("/hubs/site/1", data={"csrf_token": token, "override": "hub"}).status_code == 404
    with web_db.session() as s:
        assert s.get(Phone, phone_id).hub_override is True
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "hub_override")).scalar_one()
        assert event.detail == {"old": None, "new": True} and event.object_type == "phone"
    from tests.videre.web.conftest import sign_in

    token = sign_in(client, "anna.analyst")
    assert 'name="override"' not in client.get(f"/items/{item}").text
    assert client.post(f"/hubs/phone/{phone_id}", data={"csrf_token": token, "override": "auto"}).status_code == 403
