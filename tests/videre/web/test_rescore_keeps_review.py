"""Labels, notes, status, assignee and history made in the UI survive re-scoring (real ingest + triage)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select
from starlette.testclient import TestClient

from models.review import QueueItem
from tests.conftest import make_settings
from tests.videre.web.conftest import sign_in
from tests.videre.web.seed import PASSWORD
from triage.rescore import rescore
from videre.extract.records import parse_record
from videre.services.accounts import add_user
from videre.store.db import Database
from videre.store.ingest import Ingestor
from videre.web.app import create_app

T0 = datetime(2024, 6, 1, 10, 0, tzinfo=timezone.utc)
WOMEN = [("Mira", "Malmö"), ("Nora", "Lund"), ("Olivia", "Göteborg"), ("Petra", "Stockholm")]


def _ingest(ingestor: Ingestor, extra: int = 0) -> None:
    for i, (name, city) in enumerate(WOMEN[: 3 + extra]):
        ingestor.ingest(parse_record({
            "url": f"https://annonser.test/{name.lower()}", "site": "annonser",
            "scraped_at": (T0 + timedelta(days=5 * i)).isoformat(),
            "posted_at": (T0 + timedelta(days=5 * i)).isoformat(),
            "title": f"{name} ny i {city}", "body": f"Hej, jag heter {name}. Ring 070-174 06 10.",
            "name": name, "age": "22", "location": city, "phone": "070-174 06 10"}), [])


def test_review_state_survives_a_rescore(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, triage={"threshold": 1.0})
    db = Database.from_settings(settings)
    with db.session() as s:
        add_user(s, "anna.analyst", PASSWORD, "analyst", 12)
    ingestor = Ingestor(settings, db)
    _ingest(ingestor)
    rescore(settings, db)
    with db.session() as s:
        item_id = s.execute(select(QueueItem.id).where(QueueItem.flagged.is_(True))).scalar_one()

    with TestClient(create_app(settings, db), base_url="http://127.0.0.1", follow_redirects=False) as client:
        token = sign_in(client, "anna.analyst")
        client.post(f"/items/{item_id}/review", data={"csrf_token": token, "status": "escalated",
                                                      "label": "trafficking_suspected", "note": "Följ upp."})
        # New ads arrive for the same number and everything is re-scored.
        _ingest(ingestor, extra=1)
        rescore(settings, db)
        with db.session() as s:
            item = s.get(QueueItem, item_id)
            assert item is not None and item.flagged
            assert (item.status, item.label) == ("escalated", "trafficking_suspected")
            assert item.summary["n_ads"] == 4
        html = client.get(f"/items/{item_id}").text
        assert "Följ upp." in html and "Eskalerat" in html and "Petra" in html
    db.dispose()


def test_a_leads_weight_changes_the_next_rescore(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, triage={"threshold": 1.0})
    db = Database.from_settings(settings)
    with db.session() as s:
        add_user(s, "lars.lead", PASSWORD, "lead", 12)
    _ingest(Ingestor(settings, db))
    rescore(settings, db)
    with db.session() as s:
        before = s.execute(select(QueueItem.score, QueueItem.reasons).where(QueueItem.flagged.is_(True))).one()
    code = max(before.reasons, key=lambda r: r["weight"])["code"]
    with TestClient(create_app(settings, db), base_url="http://127.0.0.1", follow_redirects=False) as client:
        token = sign_in(client, "lars.lead")
        assert client.post("/weights", data={"csrf_token": token, f"w_{code}": "9"}).status_code == 303
        assert "9.0" in client.get("/weights").text
    rescore(settings, db, full=True)
    with db.session() as s:
        after = s.execute(select(QueueItem.score, QueueItem.reasons).where(QueueItem.flagged.is_(True))).one()
    assert next(r["weight"] for r in after.reasons if r["code"] == code) >= 9.0 - 1e-9
    assert after.score > before.score
    db.dispose()
