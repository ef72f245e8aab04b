"""Retention purges exactly what is older than the period and keeps what is attached to cases."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from crawler.screenshots import save_screenshot
from models.ads import Ad, AdVersion
from models.entities import AdPhone, AdPhoto, AdSignal, AdTemplate, Cluster, Phone, Photo, Template, TemplateWords
from models.ops import Run
from models.review import ItemChange, Note, QueueItem, Watchlist
from models.users import AuditEvent
from tests.conftest import make_settings
from tests.videre.stored_ads import add_ad, attach, edit_ad
from triage.rescore import signal_params
from triage.signals import refresh_signals
from videre.core.config import Settings
from videre.core.errors import ConfigError
from videre.services.retention import purge, summary
from videre.store.archive import PageCapture, WarcArchive, replay
from videre.store.db import Database
from videre.store.oplock import LockBusy, OpsLock

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
OLD = datetime(2026, 3, 1, 21, 30, tzinfo=timezone.utc)  # well before the 180-day cutoff (June 1)
RECENT = datetime(2026, 11, 20, 22, 0, tzinfo=timezone.utc)
BASE = "http://127.0.0.1:8701/annons"


@dataclass
class World:
    settings: Settings
    db: Database
    files: dict[str, Path]


def _page(url: str, body: str) -> PageCapture:
    return PageCapture(url=url, status=200, body=body.encode(), headers=[("Content-Type", "text/html")],
                       fetched_at=OLD)


def _archive(settings: Settings, name: str, urls: list[str], when: datetime) -> Path:
    path = settings.path("archive", "nattfjaril", name)
    warc = WarcArchive(path, "nattfjaril")
    for url in urls:
        page = _page(url, f"<h1 class='ad-title'>Ad at {url}</h1>")
        warc.write_ad(page, {"url": url, "site": "nattfjaril", "title": f"Ad at {url}"})
    warc.close()
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path


def _aged(path: Path, when: datetime) -> Path:
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path


def _build(settings: Settings, db: Database) -> World:
    with db.session() as s:
        old_plain = add_ad(s, f"{BASE}/a1", seen=OLD, phone="+46701740601", photos=("only-a1", "shared"))
        add_ad(s, f"{BASE}/a2", seen=RECENT, phone="+46701740602", photos=("shared",))
        in_review = add_ad(s, f"{BASE}/a3", seen=OLD, phone="+46701740603", photos=("only-a3",))
        closed = add_ad(s, f"{BASE}/a4", seen=OLD, phone="+46701740604")
        escalated = add_ad(s, f"{BASE}/a5", seen=OLD, phone="+46701740605")
        add_ad(s, f"{BASE}/a6", seen=OLD, phone="+46701740606")
        edit_ad(s, f"{BASE}/a6", seen=RECENT, body="Tillbaka i stan, ny bild")
        attach(s, [in_review], "in_review")
        attach(s, [closed], "closed")
        attach(s, [escalated], "escalated")
        # An unused old photo goes; one an analyst marked as a stock photo stays.
        for name, override in (("unused", None), ("stock", True)):
            s.add(Photo(sha256=name * 4, fingerprint=b"x", thumbnail=b"t", first_seen=OLD, hub_override=override))
        original = settings.path("photos", "ab", "only-a1.jpg")
        original.parent.mkdir(parents=True)
        original.write_bytes(b"\xff\xd8 original")
        s.execute(sa.update(Photo).where(Photo.id == s.execute(
            select(AdPhoto.photo_id).where(AdPhoto.ad_id == old_plain.id, AdPhoto.position == 0)).scalar_one())
                  .values(original_path=str(original)))
    files = {
        "mixed": _archive(settings, "20260301T2130Z-run1.warc.gz", [f"{BASE}/a1", f"{BASE}/a3"], OLD),
        "closed_only": _archive(settings, "20260301T2200Z-run2.warc.gz", [f"{BASE}/a4"], OLD),
        "recent": _archive(settings, "20261120T2200Z-run9.warc.gz", [f"{BASE}/a1"], RECENT),
        "shot_a1": _aged(save_screenshot(settings, "nattfjaril", f"{BASE}/a1", b"\x89PNG a1", OLD), OLD),
        "shot_a3": _aged(save_screenshot(settings, "nattfjaril", f"{BASE}/a3", b"\x89PNG a3", OLD), OLD),
        "original": original,
    }
    return World(settings, db, files)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    if request.param == "postgres":
        url = request.getfixturevalue("pg_url")
        settings = make_settings(tmp_path, database={"url": url})
    else:
        settings = make_settings(tmp_path)
    db = Database.from_settings(settings)
    yield _build(settings, db)
    db.dispose()


def _urls(db: Database) -> set[str]:
    with db.session() as s:
        return {u.rsplit("/", 1)[1] for u in s.execute(select(Ad.url)).scalars()}


def _count(db: Database, model: type) -> int:
    with db.session() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_purge_removes_old_unattached_data_and_keeps_cases(world: World) -> None:
    report = purge(world.settings, world.db, now=NOW)

    assert _urls(world.db) == {"a2", "a3", "a5", "a6"}
    counts = report.plan.counts()
    assert counts["ads"] == 2 and counts["ads_kept_attached"] == 2
    with world.db.session() as s:
        # a6 lost its March version and kept the current one.
        a6 = s.execute(select(Ad).where(Ad.url == f"{BASE}/a6")).scalar_one()
        assert [v.version for v in s.execute(select(AdVersion).where(AdVersion.ad_id == a6.id)).scalars()] == [2]
        phones = set(s.execute(select(Phone.e164)).scalars())
        assert phones == {"+46701740602", "+46701740603", "+46701740605", "+46701740606"}
        photos = {p.sha256 for p in s.execute(select(Photo)).scalars()}
        # "shared" is still used by a2, "only-a3" by a case; "stock" is an analyst's decision.
        assert len(photos) == 3 and "stock" * 4 in photos and "unused" * 4 not in photos
        assert s.execute(select(func.count()).select_from(AdPhone)).scalar_one() == 4
    assert counts == {**counts, "ad_versions": 1, "photos": 2, "phones": 2, "photo_originals": 1}

    files = world.files
    assert not files["closed_only"].exists() and not files["shot_a1"].exists() and not files["original"].exists()
    assert files["recent"].exists() and files["shot_a3"].exists()
    # The old archive keeps only the page of the ad under review, and its age.
    assert [r["url"] for r in replay(files["mixed"])] == [f"{BASE}/a3"]
    assert files["mixed"].stat().st_mtime == pytest.approx(OLD.timestamp())
    assert counts["files_deleted"] == 2 and counts["archives_trimmed"] == 1


def test_a_closed_case_with_no_ad_left_goes_with_its_notes_and_evidence(world: World) -> None:
    with world.db.session() as s:
        items = {}
        for item in s.execute(select(QueueItem)).scalars():
            item.last_seen = OLD
            item.summary = {"phones": ["+46701740604"], "ads": [f"{BASE}/a4"]}
            s.get(Cluster, item.cluster_id).features = {"route": [["Borås", "2026-03-01"]]}
            s.add(Note(item_id=item.id, text="Samma nummer som i mars"))
            s.add(ItemChange(item_id=item.id, field="status", old="new", new=item.status))
            items[item.status] = (item.id, item.cluster_id)
    dry = purge(world.settings, world.db, now=NOW, dry_run=True).plan.counts()
    assert dry["queue_items"] == 1 and dry["clusters_emptied"] == 1
    report = purge(world.settings, world.db, now=NOW)

    assert report.plan.items == [items["closed"][0]] and report.plan.clusters == [items["closed"][1]]
    with world.db.session() as s:
        # The cases an analyst holds open keep everything; the closed one keeps nothing that
        # names anyone.
        assert {i.status for i in s.execute(select(QueueItem)).scalars()} == {"in_review", "escalated"}
        assert set(s.execute(select(Note.item_id)).scalars()) == {items["in_review"][0], items["escalated"][0]}
        assert set(s.execute(select(ItemChange.item_id)).scalars()) == {items["in_review"][0],
                                                                         items["escalated"][0]}
        emptied = s.get(Cluster, items["closed"][1])
        assert emptied is not None and emptied.features == {} and not emptied.active
        assert s.get(Cluster, items["escalated"][1]).features != {}
    again = purge(world.settings, world.db, now=NOW).plan.counts()
    assert again["queue_items"] == again["clusters_emptied"] == 0


def test_run_history_older_than_the_cutoff_goes(world: World) -> None:
    with world.db.session() as s:
        s.add_all([Run(kind="crawl", site="nattfjaril", status="partial", started_at=OLD,
                       finished_at=OLD + timedelta(minutes=5),
                       error_samples=[{"kind": "photo", "where": f"{BASE}/a1", "message": "HTTP 404"}]),
                   Run(kind="nightly", status="killed", started_at=OLD),  # never closed
                   Run(kind="crawl", site="nattfjaril", status="ok", started_at=RECENT,
                       finished_at=RECENT + timedelta(minutes=5))])
    assert purge(world.settings, world.db, now=NOW, dry_run=True).plan.counts()["runs"] == 2
    report = purge(world.settings, world.db, now=NOW)
    with world.db.session() as s:
        left = sorted((r.kind, r.status) for r in s.execute(select(Run)).scalars())
    assert left == [("crawl", "ok"), ("purge", "ok")]  # the recent crawl, and this purge
    assert "2 old runs" in summary(report.plan.counts())


def test_purge_is_recorded_in_the_audit_log_and_run_history(world: World) -> None:
    report = purge(world.settings, world.db, now=NOW)
    with world.db.session() as s:
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "purge")).scalar_one()
        run = s.get(Run, report.run_id)
    assert event.detail["counts"]["ads"] == 2
    assert event.detail["counts"]["ads_kept_attached"] == 2
    assert event.detail["counts"]["files_deleted"] == 2
    assert event.detail["days"] == 180
    assert run is not None and run.kind == "purge" and run.status == "ok" and run.ads_gone == 2
    assert "2 ads" in run.message


def test_dry_run_shows_the_same_plan_and_changes_nothing(world: World) -> None:
    before = {m.__name__: _count(world.db, m) for m in (Ad, AdVersion, Photo, Phone, AuditEvent, Run)}
    dry = purge(world.settings, world.db, now=NOW, dry_run=True)

    assert {m.__name__: _count(world.db, m) for m in (Ad, AdVersion, Photo, Phone, AuditEvent, Run)} == before
    assert all(p.exists() for p in world.files.values())
    assert sorted(u.rsplit("/", 1)[1] for u in dry.plan.sample_urls) == ["a1", "a4"]
    real = purge(world.settings, world.db, now=NOW)
    assert real.plan.counts() == dry.plan.counts()


def test_a_second_purge_finds_nothing_left(world: World) -> None:
    purge(world.settings, world.db, now=NOW)
    again = purge(world.settings, world.db, now=NOW).plan.counts()
    assert {k: v for k, v in again.items() if v and "kept" not in k} == {}


def test_purge_waits_for_no_one_while_a_crawl_holds_the_lock(world: World) -> None:
    with OpsLock(world.db, world.settings.path("locks"), purpose="crawl"):
        with pytest.raises(LockBusy, match="crawl"):
            purge(world.settings, world.db, now=NOW)
    assert _urls(world.db) >= {"a1", "a4"}


def test_unknown_keep_status_is_a_config_error(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, retention={"keep_statuses": ["in_review", "urgent"]})
    db = Database.from_settings(settings)
    with pytest.raises(ConfigError, match="urgent"):
        purge(settings, db, dry_run=True, now=NOW)
    db.dispose()


def test_nothing_is_old_on_a_fresh_store(settings: Settings, db: Database) -> None:
    with db.session() as s:
        add_ad(s, f"{BASE}/new", seen=NOW - timedelta(days=1), photos=("p",))
    report = purge(settings, db, now=NOW)
    assert report.plan.counts()["ads"] == 0 and _urls(db) == {"new"}


# Two ad texts long enough to carry template words; the world's own ads share a third, short one.
ROMANIAN = ("Ny tjej i stan! Jag är ung och söt och kommer från Rumänien. Ring eller sms:a mig "
            "för en trevlig stund, diskret och utan stress. Puss")
APARTMENT = ("Hej älskling, jag tar emot i egen lägenhet nära centrum. Välkommen dygnet runt, "
             "bara seriösa herrar som vill ha det skönt.")


def _with_triage_rows(world: World) -> dict[str, int]:
    """Ads whose texts give template words, the signals and words a re-score writes, and
    templates: each by name, its id."""
    with world.db.session() as s:
        ads = {name: s.execute(select(Ad).where(Ad.url == f"{BASE}/{name}")).scalar_one()
               for name in ("a1", "a4")}
        ads["t1"] = add_ad(s, f"{BASE}/t1", seen=OLD, phone="+46701740611", body=ROMANIAN)
        ads["t2"] = add_ad(s, f"{BASE}/t2", seen=RECENT, phone="+46701740612", body=ROMANIAN)
        ads["t3"] = add_ad(s, f"{BASE}/t3", seen=OLD, phone="+46701740613", body=APARTMENT)
        ads["t4"] = add_ad(s, f"{BASE}/t4", seen=OLD, phone="+46701740614", body=APARTMENT)
        refresh_signals(s, signal_params(world.settings), full=True)
        templates = {
            "shared": ("{1} är ny i stan och kommer från Rumänien.", ["t1", "t2"], None, RECENT),
            "purged": ("Hej älskling, {1} tar emot i egen lägenhet.", ["t3", "a1"], None, RECENT),
            "hub": ("Ring {1} dygnet runt.", ["a4"], True, OLD),
            "watched": ("{1} från Bulgarien, bara några dagar i {2}.", ["t4"], None, OLD),
            "retired_long_ago": ("Ny i {1}, ring {2}.", [], None, OLD),
            "retired_lately": ("Sms:a {1} för bokning.", [], None, RECENT),
        }
        ids: dict[str, int] = {}
        for name, (text, users, override, updated) in templates.items():
            row = Template(text=text, size=len(users), names=len(users), hub_override=override,
                           created_at=OLD, updated_at=updated, active=bool(users))
            s.add(row)
            s.flush()
            ids[name] = row.id
            s.add_all(AdTemplate(ad_id=ads[a].id, template_id=row.id, slots=["Lina"]) for a in users)
        s.add(Watchlist(kind="template", value=str(ids["watched"]), label="Bulgariska turnén"))
    return ids


def _doc_keys(db: Database) -> tuple[set[int], set[int]]:
    """(doc_keys of the stored template words, those the ads' signals refer to)."""
    with db.session() as s:
        return (set(s.execute(select(TemplateWords.doc_key)).scalars()),
                set(s.execute(select(AdSignal.doc_key).where(AdSignal.doc_key != 0)).scalars()))


def test_purge_removes_template_words_and_templates_no_kept_ad_refers_to(world: World) -> None:
    ids = _with_triage_rows(world)
    with world.db.session() as s:
        key_of = dict(s.execute(select(Ad.url, AdSignal.doc_key).join(AdSignal, AdSignal.ad_id == Ad.id)).all())
    shared, purged_only = key_of[f"{BASE}/t1"], key_of[f"{BASE}/t3"]
    assert shared == key_of[f"{BASE}/t2"] and purged_only != 0
    words, used = _doc_keys(world.db)
    assert words == used and {shared, purged_only} <= words

    dry = purge(world.settings, world.db, now=NOW, dry_run=True)
    assert dry.plan.counts()["template_words"] == 1 and dry.plan.counts()["templates"] == 2
    assert _doc_keys(world.db)[0] == words
    report = purge(world.settings, world.db, now=NOW)

    assert _urls(world.db) == {"a2", "a3", "a5", "a6", "t2"}
    words, used = _doc_keys(world.db)
    # No words of a purged ad's text are left; the text t2 still shows is.
    assert words == used and shared in words and purged_only not in words
    with world.db.session() as s:
        left = set(s.execute(select(Template.id)).scalars())
        event = s.execute(select(AuditEvent).where(AuditEvent.action == "purge")).scalar_one()
    # Gone: the one only purged ads used, and the one retired before the cutoff. Kept: one a
    # kept ad uses, an analyst's hub decision, a watched one, one retired within the period.
    assert left == {ids[n] for n in ("shared", "hub", "watched", "retired_lately")}
    counts = report.plan.counts()
    assert counts["templates"] == 2 and counts["template_words"] == 1
    assert event.detail["counts"]["templates"] == 2 and event.detail["counts"]["template_words"] == 1
    with world.db.session() as s:
        run = s.get(Run, report.run_id)
    assert run is not None and "2 templates, 1 template texts" in run.message
