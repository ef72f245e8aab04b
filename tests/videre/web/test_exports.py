"""Exports (CSV, JSON, printable page) for leads, and the append-only audit log that admins view and export."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from models.users import AuditEvent
from tests.videre.web.seed import FORMULAS, World
from videre.core.errors import AppendOnlyViolation
from videre.store.db import Database
from videre.web.exports import cell


def test_item_json_export_holds_the_case(lead: tuple[TestClient, str], world: World) -> None:
    client, token = lead
    item = world.items["organised"]
    client.post(f"/items/{item}/review", data={"csrf_token": token, "label": "other", "note": "Till rapporten."})
    r = client.get(f"/items/{item}/export.json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert 'attachment; filename="videre-item-' in r.headers["content-disposition"]
    data = json.loads(r.text)
    assert data["id"] == item and data["label"] == "other" and len(data["ads"]) == 4
    assert data["phones"][0]["e164"] == "+46701740605" and len(data["phones"][0]["people"]) == 4
    assert [c["city"] for c in data["route"]] == ["Malmö", "Göteborg", "Stockholm"]
    assert data["notes"][0]["text"] == "Till rapporten." and data["history"][0]["field"] == "label"
    assert data["photo_matches"] and "{1}" in data["templates"][0]["text"]
    assert "Carla" in {f for fills in data["templates"][0]["slots"].values() for f in fills}


def test_item_csv_export_defuses_spreadsheet_formulas(lead: tuple[TestClient, str], world: World) -> None:
    client, _ = lead
    r = client.get(f"/items/{world.items['hostile']}/export.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    formula = next(row for row in rows if "HYPERLINK" in row["title"])
    assert formula["title"] == "'" + FORMULAS[0]
    assert formula["name"] == "'" + FORMULAS[1] and formula["location"] == "'" + FORMULAS[2]
    assert formula["body"] == "'" + FORMULAS[3]
    assert cell("Anna") == "Anna" and cell(None) == "" and cell(-1) == "'-1"
    # A spreadsheet skips a leading line break or NUL and then runs the formula after it.
    assert cell("\n=HYPERLINK(\"http://x\")") == "'\n=HYPERLINK(\"http://x\")"
    assert cell("\0=1+1") == "'\0=1+1"


def test_printable_case_page(lead: tuple[TestClient, str], world: World, web_db: Database) -> None:
    client, _ = lead
    r = client.get(f"/items/{world.items['organised']}/print")
    assert r.status_code == 200
    assert "Ärendeblad: ärende" in r.text and "/static/print.css" in r.text and "lars.lead" in r.text
    with web_db.session() as s:
        assert s.execute(select(AuditEvent.action).where(AuditEvent.action == "print_item")).scalar()


def test_exports_are_audited(lead: tuple[TestClient, str], world: World, web_db: Database) -> None:
    client, _ = lead
    client.get(f"/items/{world.items['organised']}/export.csv")
    client.get(f"/items/{world.items['organised']}/export.json")
    with web_db.session() as s:
        formats = [e.detail["format"] for e in s.execute(
            select(AuditEvent).where(AuditEvent.action == "export_item").order_by(AuditEvent.id)).scalars()]
    assert formats == ["csv", "json"]


def test_admin_views_and_exports_the_audit_log(admin: tuple[TestClient, str], world: World) -> None:
    client, _ = admin
    client.get(f"/items/{world.items['organised']}")
    page = client.get("/admin/audit?action=view_item")
    assert page.status_code == 200 and "adam.admin" in page.text and "Visade ett ärende" in page.text
    r = client.get("/admin/audit/export.csv?user=adam.admin")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    actions = [row["action"] for row in rows]
    assert actions[:3] == ["login", "view_queue", "view_item"] and "view_audit" in actions
    assert all(row["username"] == "adam.admin" for row in rows)
    lines = client.get("/admin/audit/export.jsonl?action=view_item").text.splitlines()
    event = json.loads(lines[0])
    assert event["detail"]["ads"] == world.ads["organised"]
    # The export itself is in the log.
    assert "export_audit" in client.get("/admin/audit/export.csv?action=export_audit").text
    assert client.get("/admin/audit/export.xml").status_code == 404


def test_the_application_cannot_change_or_delete_audit_records(analyst: tuple[TestClient, str],
                                                               web_db: Database) -> None:
    with web_db.sessions() as s:
        event = s.execute(select(AuditEvent)).scalars().first()
        event.action = "nothing"
        with pytest.raises(AppendOnlyViolation):
            s.flush()
    with web_db.sessions() as s:
        event = s.execute(select(AuditEvent)).scalars().first()
        s.delete(event)
        with pytest.raises(AppendOnlyViolation):
            s.flush()
