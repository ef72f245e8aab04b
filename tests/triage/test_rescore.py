"""Re-scoring end to end: stable ids with analysts' state kept, merges recorded, the queue's shape,
and an incremental re-score giving exactly what a full one gives."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import select, update

from models.ads import Ad
from models.entities import AdTemplate, Cluster, ClusterEvent
from models.review import Note, QueueItem
from tests.conftest import copy_database, make_settings
from tests.triage.builders import add_ad, fiction, photo_row
from triage import persist, template_store
from triage import rescore as rescore_module
from triage.queue import list_items
from triage.rescore import rescore
from triage.rows import indexes_rebuilt
from videre.core.config import Settings
from videre.demo.generate import generate_world
from videre.demo.world import SITES
from videre.store.bulk_write import write_many
from videre.store.db import Database
from videre.store.jsonl_import import import_files

ORG = "Ny tjej i {c}! {n} är {a} år, rumänsk skönhet. Hon väntar på dig dygnet runt, alla tjänster."


def organised(db: Database, tag: str, phone: str, names: list[str], cities: list[str], day0: float = 0) -> None:
    for i, name in enumerate(names):
        for w, city in enumerate(cities):
            add_ad(db, f"{tag}-{i}-{w}", name=name, age=20 + i, city=city, phones=(phone,),
                   obfuscated=True, title=f"{name} ny i {city}", body=ORG.format(c=city, n=name, a=20 + i),
                   days=day0 + 7 * w + i / 10, indicators=("third_person", "nationality"))


def item_of(db: Database, cluster_id: int) -> QueueItem:
    with db.session() as s:
        return s.execute(select(QueueItem).where(QueueItem.cluster_id == cluster_id)).scalar_one()


def cluster_of_url(db: Database, tail: str) -> int:
    with db.session() as s:
        return s.execute(select(Ad.cluster_id).where(Ad.url.endswith(f"/{tail}"))).scalar_one()


def test_a_labelled_cluster_keeps_its_id_and_analyst_state_as_it_grows(db: Database, settings: Settings) -> None:
    organised(db, "g", fiction(1), ["Alina", "Bianca", "Daria"], ["Borås", "Kungälv", "Alingsås"])
    add_ad(db, "solo", name="Emma", phones=(fiction(2),), body="Hej")
    rescore(settings, db, full=True)
    cid = cluster_of_url(db, "g-0-0")
    item = item_of(db, cid)
    assert item.flagged
    with db.session() as s:
        s.execute(update(QueueItem).where(QueueItem.id == item.id)
                  .values(status="in_review", label="trafficking_suspected"))
        s.add(Note(item_id=item.id, text="Same number as case 12."))
    organised(db, "g2", fiction(1), ["Ioana"], ["Uddevalla", "Varberg"], day0=30)
    add_ad(db, "solo2", name="Sara", phones=(fiction(3),), body="Hej")
    rescore(settings, db)
    assert cluster_of_url(db, "g2-0-1") == cid
    after = item_of(db, cid)
    assert (after.id, after.status, after.label) == (item.id, "in_review", "trafficking_suspected")
    assert after.score > item.score
    with db.session() as s:
        assert s.execute(select(Note.text).where(Note.item_id == item.id)).scalar_one() == "Same number as case 12."


def test_a_merge_keeps_the_analysts_cluster_and_is_recorded(db: Database, settings: Settings) -> None:
    organised(db, "a", fiction(10), ["Alina", "Bianca", "Daria", "Eva"], ["Borås", "Kungälv", "Alingsås"])
    organised(db, "b", fiction(11), ["Joy", "Nok", "Ploy"], ["Halmstad", "Varberg", "Skövde"])
    rescore(settings, db, full=True)
    big, small = cluster_of_url(db, "a-0-0"), cluster_of_url(db, "b-0-0")
    assert big != small
    with db.session() as s:
        s.execute(update(QueueItem).where(QueueItem.cluster_id == small).values(label="other"))
    # One ad carries both numbers: the groups are one.
    add_ad(db, "bridge", name="Joy", age=20, city="Borås", phones=(fiction(10), fiction(11)), body="Joy")
    rescore(settings, db)
    assert cluster_of_url(db, "a-0-0") == cluster_of_url(db, "b-0-0") == small
    with db.session() as s:
        retired = s.get(Cluster, big)
        assert retired is not None and not retired.active and retired.merged_into_id == small
        events = s.execute(select(ClusterEvent.kind, ClusterEvent.cluster_id, ClusterEvent.detail)).all()
        assert ("merge", small, {"from": sorted([big, small])}) in [tuple(e) for e in events]
        old_item = s.execute(select(QueueItem).where(QueueItem.cluster_id == big)).scalar_one()
        assert not old_item.flagged


def test_queue_items_have_the_contract_shape_with_reasons(db: Database, settings: Settings) -> None:
    organised(db, "g", fiction(20), ["Alina", "Bianca", "Daria"], ["Borås", "Kungälv", "Alingsås"])
    rescore(settings, db, full=True)
    with db.session() as s:
        items = list_items(s)
    assert len(items) == 1
    item = json.loads(json.dumps(items[0]))
    assert set(item) >= {"id", "score", "status", "reasons", "ads", "phones", "cities", "first_seen", "last_seen"}
    assert item["phones"] == [fiction(20)] and item["cities"] == ["Alingsås", "Borås", "Kungälv"]
    assert len(item["ads"]) == 9 and item["ads"][0].startswith("http://nattfjaril.test/")
    codes = {r["code"] for r in item["reasons"]}
    assert {"many_names_one_number", "observed_movement", "phone_obfuscated", "third_person"} <= codes
    assert abs(sum(r["weight"] for r in item["reasons"]) - item["score"]) < 1e-6
    assert all(r["text"] and r["weight"] > 0 for r in item["reasons"])
    names = next(r for r in item["reasons"] if r["code"] == "many_names_one_number")["text"]
    assert "Alina" in names and "Bianca" in names and fiction(20) in names


def test_weights_come_from_the_config(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, triage={"weights": {"phone_obfuscated": 7.5}})
    db = Database.from_settings(settings)
    organised(db, "g", fiction(21), ["Alina", "Bianca", "Daria"], ["Borås", "Kungälv", "Alingsås"])
    rescore(settings, db, full=True)
    with db.session() as s:
        reasons = list_items(s)[0]["reasons"]
    assert next(r for r in reasons if r["code"] == "phone_obfuscated")["weight"] == 7.5
    db.dispose()


# -- full and incremental give the same result ------------------------------------------------------

BASES = {slug: f"http://127.0.0.1:{8701 + i}" for i, slug in enumerate(SITES)}
VOLATILE = {"created_at", "updated_at", "scored_at", "at", "changed_at", "first_seen", "last_seen",
            "indexed_at", "index_digest", "started_at", "finished_at", "source_changed_at", "computed_at", "stamp"}
COMPARED = ("ads", "clusters", "cluster_events", "queue_items", "templates", "ad_templates",
            "phones", "photos", "ad_signals", "cluster_summaries")


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    meta = sa.MetaData()
    meta.reflect(db.engine, only=COMPARED)
    with db.engine.connect() as conn:
        for name in COMPARED:
            t = meta.tables[name]
            cols = [c for c in t.columns if c.name not in VOLATILE]
            out[name] = sorted(tuple(json.dumps(v, sort_keys=True, default=str) for v in r)
                               for r in conn.execute(sa.select(*cols)))
    return out


def _jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_incremental_and_full_rescoring_give_the_same_result(tmp_path: Path) -> None:
    records = list(generate_world(3, 1.5, with_photos=False).iter_records(BASES))
    first, later = records[::2] + records[1::4], records[3::4]
    a = make_settings(tmp_path / "a")
    db_a = Database.from_settings(a)
    import_files([_jsonl(tmp_path / "first.jsonl", first)], a, db_a)
    shared_photo = photo_row(99)
    add_ad(db_a, "p1", name="Kasia", phones=(fiction(70),), photos=(shared_photo,))
    rescore(a, db_a, full=True)
    db_a.dispose()
    (tmp_path / "b").mkdir()
    b = make_settings(tmp_path / "b", database={"url": copy_database(a.database.url, tmp_path / "b")})
    db_a, db_b = Database.from_settings(a), Database.from_settings(b)
    changed = dict(first[0], body=first[0]["body"] + " Ny vecka, nya tider.")
    for settings, db in ((a, db_a), (b, db_b)):
        import_files([_jsonl(tmp_path / "later.jsonl", later + [changed])], settings, db)
        # No number of its own: the photo places it with p1 (it would never join two numbers).
        add_ad(db, "p2", name="Ola", photos=(shared_photo,))
    inc = rescore(a, db_a)
    full = rescore(b, db_b, full=True)
    assert inc.mode == "incremental" and 0 < inc.signals <= len(later) + 2
    assert full.signals >= inc.signals
    assert (inc.clusters, inc.flagged, inc.hubs, inc.templates) == (full.clusters, full.flagged, full.hubs, full.templates)
    assert snapshot(db_a) == snapshot(db_b)
    assert cluster_of_url(db_a, "p1") == cluster_of_url(db_a, "p2")
    db_a.dispose()
    db_b.dispose()


def _cluster_index_names(db: Database) -> set[str]:
    sql = ("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ads'" if db.dialect == "sqlite"
           else "SELECT indexname FROM pg_indexes WHERE tablename = 'ads'")
    with db.engine.connect() as conn:
        return {n for n in conn.execute(sa.text(sql)).scalars() if n.startswith("ix_ads_cluster")}


def _index_names(db: Database, table: str) -> set[str]:
    sql = (f"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '{table}'" if db.dialect == "sqlite"
           else f"SELECT indexname FROM pg_indexes WHERE tablename = '{table}'")
    with db.engine.connect() as conn:
        return set(conn.execute(sa.text(sql)).scalars())


def test_a_bulk_move_rebuilds_the_cluster_indexes_and_writes_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first re-score of a large import takes the bulk paths: foreign keys checked at the end
    of the unit of work (SQLite), ads' cluster ids with their indexes built after them (through
    one UPDATE joined to a temporary table on PostgreSQL), ad-template links with their index
    built after them. Forced here on a small world, they must store exactly what the row-by-row
    paths store."""
    records = list(generate_world(3, 1.0, with_photos=False).iter_records(BASES))
    a = make_settings(tmp_path / "a")
    db_a = Database.from_settings(a)
    import_files([_jsonl(tmp_path / "ads.jsonl", records)], a, db_a)
    db_a.dispose()
    (tmp_path / "b").mkdir()
    b = make_settings(tmp_path / "b", database={"url": copy_database(a.database.url, tmp_path / "b")})
    db_a, db_b = Database.from_settings(a), Database.from_settings(b)
    indexes = _cluster_index_names(db_a)
    assert indexes == {"ix_ads_cluster_when", "ix_ads_cluster_name_when"}
    links = _index_names(db_a, "ad_templates")
    assert "ix_ad_templates_template_id" in links
    with monkeypatch.context() as plain:  # row by row, foreign keys checked as each row is written
        plain.setattr(rescore_module, "_unit_of_work", lambda db: db.session())
        rescore(a, db_a, full=True)
    monkeypatch.setattr(persist, "BULK_ROWS", 0)  # every first re-score moves every ad
    monkeypatch.setattr(template_store, "BULK_ROWS", 0)
    staged: list[int] = []
    rebuilt: list[str] = []

    def stage(session: Any, stmt: Any, rows: list[dict[str, Any]]) -> None:
        staged.append(len(rows))
        write_many(session, stmt, rows)

    @contextmanager
    def rebuild(session: Any, found: list[sa.Index]) -> Iterator[None]:
        rebuilt.extend(str(ix.name) for ix in found)
        with indexes_rebuilt(session, found):
            yield

    monkeypatch.setattr(persist, "write_many", stage)
    monkeypatch.setattr(template_store, "indexes_rebuilt", rebuild)
    units: list[tuple[str, ...]] = []
    bulk_session = db_b.bulk_session
    monkeypatch.setattr(db_b, "bulk_session", lambda written: units.append(written) or bulk_session(written))
    rescore(b, db_b, full=True)
    assert len(units) == 1 and units[0] is rescore_module.WRITTEN
    assert _cluster_index_names(db_b) == indexes and _index_names(db_b, "ad_templates") == links
    with db_b.session() as s:  # on PostgreSQL every moved ad went through the staged pairs
        moved = s.execute(select(sa.func.count()).select_from(Ad).where(Ad.cluster_id.is_not(None))).scalar()
        assert moved and sum(staged) == (moved if db_b.dialect == "postgresql" else 0)
        assert s.execute(select(sa.func.count()).select_from(AdTemplate)).scalar()
    assert rebuilt == ["ix_ad_templates_template_id"]
    assert snapshot(db_a) == snapshot(db_b)
    if db_b.dialect == "postgresql":  # the planner knows the moved table again
        with db_b.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM pg_stats WHERE tablename = 'ads'")).scalar()
    db_a.dispose()
    db_b.dispose()
