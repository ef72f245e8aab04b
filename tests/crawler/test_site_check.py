""""Site changed?": the rule, and its inputs gathered from the store."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from crawler.site_check import CrawlSnapshot, SiteHistory, check_crawl_run, expected_fields, site_change_warnings
from models.ops import Run
from tests.videre.stored_ads import add_ad
from videre.core.config import SiteCheckSettings
from videre.extract.records import AdRecord
from videre.store.ads import store_ad
from videre.store.db import Database

CHECK = SiteCheckSettings()
FULL = {"title": 0, "body": 0, "name": 0, "age": 0, "location": 0, "phone": 0, "photos": 0}


def test_a_night_like_the_others_gives_no_warning() -> None:
    history = SiteHistory(seen=[118, 121, 120], changed_share=[0.05, 0.04, 0.06],
                          empty_share={"phone": 0.02, "name": 0.0})
    now = CrawlSnapshot(seen=119, changed=6, parsed=9, empty={**FULL, "phone": 0})
    assert site_change_warnings(now, history, CHECK, expected=["title", "phone"]) == []


def test_a_sharp_drop_in_ads_seen_is_flagged() -> None:
    history = SiteHistory(seen=[118, 121, 120])
    [warning] = site_change_warnings(CrawlSnapshot(seen=20, changed=0, parsed=0), history, CHECK)
    assert warning.startswith("site changed?") and "20 ads seen" in warning and "120" in warning


def test_no_ads_at_all_after_normal_nights_is_flagged() -> None:
    assert site_change_warnings(CrawlSnapshot(seen=0, changed=0, parsed=0), SiteHistory(seen=[40]), CHECK)


def test_a_key_field_suddenly_empty_is_flagged_against_the_stored_ads() -> None:
    history = SiteHistory(seen=[120], empty_share={"phone": 0.02, "location": 0.0})
    now = CrawlSnapshot(seen=120, changed=0, parsed=40, empty={**FULL, "phone": 40, "location": 39})
    warnings = site_change_warnings(now, history, CHECK)
    assert len(warnings) == 2
    assert "phone empty in 100% of the 40 ads parsed, against 2% of the ads stored before" in warnings[1]


def test_a_field_the_site_never_has_is_not_flagged() -> None:
    history = SiteHistory(seen=[120], empty_share={"age": 0.95})
    now = CrawlSnapshot(seen=120, changed=0, parsed=40, empty={**FULL, "age": 40})
    assert site_change_warnings(now, history, CHECK) == []


def test_without_history_only_configured_fields_are_judged() -> None:
    now = CrawlSnapshot(seen=30, changed=0, parsed=30, empty={**FULL, "phone": 30, "age": 30})
    [warning] = site_change_warnings(now, SiteHistory(), CHECK, expected=["title", "phone"])
    assert "phone empty" in warning


def test_too_few_parsed_ads_say_nothing_about_fields() -> None:
    now = CrawlSnapshot(seen=120, changed=0, parsed=3, empty={**FULL, "phone": 3})
    assert site_change_warnings(now, SiteHistory(empty_share={"phone": 0.0}), CHECK) == []


def test_nearly_every_ad_changing_at_once_is_flagged() -> None:
    history = SiteHistory(seen=[100, 100], changed_share=[0.05, 0.03])
    [warning] = site_change_warnings(CrawlSnapshot(seen=100, changed=97, parsed=97, empty=FULL), history, CHECK)
    assert "97% of the ads seen changed at once" in warning


def test_expected_fields_follow_the_site_selectors() -> None:
    assert expected_fields({"title": "h1", "phone": ".phone", "images": "img::attr(src)", "posted": "time"}) \
        == ["title", "phone", "photos"]


def _run(db: Database, started: datetime, seen: int, changed: int = 0, minutes: int = 10) -> int:
    with db.session() as s:
        run = Run(kind="crawl", site="nattfjaril", status="ok", started_at=started,
                  finished_at=started + timedelta(minutes=minutes), ads_changed=changed,
                  ads_unchanged=seen - changed, warnings=["an earlier warning"])
        s.add(run)
        s.flush()
        return run.id


def test_a_broken_phone_selector_is_found_in_the_store_and_recorded_once(db: Database) -> None:
    day = datetime(2026, 11, 1, 1, 15, tzinfo=timezone.utc)
    for night in range(3):
        _run(db, day + timedelta(days=night), seen=20)
    with db.session() as s:
        for i in range(20):
            add_ad(s, f"http://127.0.0.1:8701/annons/a{i}", seen=day + timedelta(days=2, minutes=1))
    tonight = day + timedelta(days=3)
    run_id = _run(db, tonight, seen=20, changed=20)
    with db.session() as s:
        # Tonight the parser found no phone on any page: every ad got a new version without one.
        for i in range(20):
            record = AdRecord(url=f"http://127.0.0.1:8701/annons/a{i}", site="nattfjaril",
                              scraped_at=tonight + timedelta(minutes=2), title="Ny i stan",
                              body="Söt tjej, ring mig", name="Lina", age="23", location="Göteborg")
            store_ad(s, record, {"phones": [], "location": None}, [], "SE", tonight + timedelta(minutes=2))
    for _ in range(2):
        with db.session() as s:
            found = check_crawl_run(s, run_id, CHECK, expected=["title", "phone"])
    with db.session() as s:
        run = s.get(Run, run_id)
        assert run is not None
        warnings = run.warnings
    assert any("phone empty in 100% of the 20 ads parsed, against 0%" in w for w in found), found
    assert any("changed at once" in w for w in found)
    assert warnings == ["an earlier warning", *found]
