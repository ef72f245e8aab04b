"""The per-cluster summaries the item page reads agree with counting every ad of the cluster one by
one (what the page did before them), after a full re-score and after an incremental one that adds
ads to an item; and an incremental re-score recounts only the clusters whose ads moved."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from models.ads import Ad
from models.entities import AdPhone, AdPhoto, AdTemplate, Cluster, ClusterSummary, Template
from models.review import QueueItem
from tests.conftest import make_settings
from tests.triage.builders import add_ad, fiction, photo_row
from tests.triage.test_rescore import BASES
from triage import item_summary
from triage.rescore import rescore
from videre.demo.generate import generate_world
from videre.store.db import Database
from videre.store.jsonl_import import import_files


def _jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def by_hand(db: Database, cid: int) -> dict[str, Any]:
    """A cluster's summary counted ad by ad in Python, from the rows themselves."""
    with db.session() as s:
        ads = s.execute(select(Ad).where(Ad.cluster_id == cid)).scalars().all()
        ids = [a.id for a in ads]
        photos = s.execute(select(AdPhoto.ad_id, AdPhoto.photo_id).where(AdPhoto.ad_id.in_(ids))).all()
        phones = s.execute(select(AdPhone.ad_id, AdPhone.phone_id).where(AdPhone.ad_id.in_(ids))).all()
        templates = s.execute(select(AdTemplate.ad_id, AdTemplate.template_id)
                              .join(Template, Template.id == AdTemplate.template_id)
                              .where(AdTemplate.ad_id.in_(ids), Template.active.is_(True))).all()
    ad = {a.id: a for a in ads}
    days = Counter(((a.posted_at or a.first_seen).date(), a.city or "?") for a in ads)
    rows = sorted((d, c, n) for (d, c), n in days.items())
    route: list[list[str]] = []
    for d, c, _ in rows:
        if c != "?" and (not route or route[-1][0] != c):
            route.append([c, d.isoformat()])
    if len(rows) > item_summary.MAX_DOTS:
        weeks = Counter()
        for d, c, n in rows:
            weeks[(d - timedelta(days=d.weekday()), c)] += n
        rows = sorted((d, c, n) for (d, c), n in weeks.items())
    names = Counter(a.name for a in ads)
    shown: dict[str, Counter[int]] = defaultdict(Counter)
    for ad_id, pid in photos:
        shown[ad[ad_id].name][pid] += 1
    women = [[name, n, [p for p, _ in sorted(shown[name].items(), key=lambda kv: (-kv[1], kv[0]))[:4]]]
             for name, n in sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))[:item_summary.MAX_WOMEN]]
    carried: dict[int, set[int]] = defaultdict(set)
    for ad_id, pid in phones:
        carried[pid].add(ad_id)
    numbers = []
    for pid, users in carried.items():
        people = Counter((ad[i].name.strip() or "?",
                          str(ad[i].age) if ad[i].age is not None else (ad[i].age_raw.strip() or "?")) for i in users)
        numbers.append([pid, len(users), [[n, age, k] for (n, age), k in
                                          sorted(people.items(), key=lambda kv: (-kv[1], kv[0][0]))]])

    def most(pairs: list[Any]) -> list[list[int]]:
        users: dict[int, set[int]] = defaultdict(set)
        for ad_id, key in pairs:
            users[key].add(ad_id)
        return sorted(([k, len(v)] for k, v in users.items()), key=lambda r: (-r[1], r[0]))

    return {"n_ads": len(ads), "timeline": [[d.isoformat(), c, n] for d, c, n in rows], "route": route,
            "women": women, "phones": sorted(numbers, key=lambda r: (-r[1], r[0])),
            "photos": most(photos), "templates": most(templates)}


def stored(db: Database) -> dict[int, dict[str, Any]]:
    with db.session() as s:
        return {r.cluster_id: {"n_ads": r.n_ads, **r.data} for r in s.execute(select(ClusterSummary)).scalars()}


def _same_people(got: dict[str, Any], want: dict[str, Any]) -> None:
    # Ties in a number's people list may come in either order; the counts must agree.
    for g, w in zip(got["phones"], want["phones"]):
        g[2], w[2] = sorted(map(tuple, g[2])), sorted(map(tuple, w[2]))


def check_all(db: Database) -> dict[int, dict[str, Any]]:
    with db.session() as s:
        items = s.execute(select(QueueItem.cluster_id)).scalars().all()
    summaries = stored(db)
    assert items and set(items) <= set(summaries)
    for cid in items:
        got, want = summaries[cid], by_hand(db, cid)
        _same_people(got, want)
        assert got == want, cid
    return summaries


def test_summaries_agree_with_counting_every_ad_before_and_after_an_incremental_rescore(tmp_path: Path) -> None:
    records = list(generate_world(5, 1.5, with_photos=False).iter_records(BASES))
    first, later = records[:-6], records[-6:]
    settings = make_settings(tmp_path)
    db = Database.from_settings(settings)
    import_files([_jsonl(tmp_path / "first.jsonl", first)], settings, db)
    shared, other = photo_row(41), photo_row(42)
    for i, name in enumerate(["Kasia", "Ola", "Ola", "Mira"]):
        add_ad(db, f"ph{i}", name=name, age=22, city="Borås", phones=(fiction(80),), days=i,
               photos=(shared, other) if i % 2 else (shared,), body=f"Hej, jag heter {name}.")
    rescore(settings, db, full=True)
    before = check_all(db)
    with db.session() as s:
        grown = s.execute(select(Ad.cluster_id).where(Ad.url.endswith("/ph0"))).scalar_one()
        computed = dict(s.execute(select(ClusterSummary.cluster_id, ClusterSummary.computed_at)).all())

    # New ads, two of them joining the photo group's item through its number.
    import_files([_jsonl(tmp_path / "later.jsonl", later)], settings, db)
    add_ad(db, "ph4", name="Kasia", age=23, city="Skövde", phones=(fiction(80),), days=9, photos=(other,))
    add_ad(db, "ph5", name="Nora", city="Skövde", phones=(fiction(80),), days=10)
    result = rescore(settings, db)
    assert result.mode == "incremental"
    after = check_all(db)
    assert after[grown]["n_ads"] >= before[grown]["n_ads"] + 2
    assert "Skövde" in [c for c, _ in after[grown]["route"]]
    with db.session() as s:
        now = dict(s.execute(select(ClusterSummary.cluster_id, ClusterSummary.computed_at)).all())
    # Incremental: clusters whose ads did not move keep the summary counted before.
    kept = [cid for cid in before if before[cid] == after.get(cid) and now[cid] == computed[cid]]
    assert kept and now[grown] != computed[grown]
    db.dispose()


def test_a_stale_or_missing_summary_is_recounted_and_the_format_is_part_of_the_stamp(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    db = Database.from_settings(settings)
    for i in range(3):
        add_ad(db, f"a{i}", name="Alina", age=21, city="Borås", phones=(fiction(5),), days=i, body="Hej")
    rescore(settings, db, full=True)
    with db.session() as s:
        cid = s.execute(select(Ad.cluster_id).where(Ad.url.endswith("/a0"))).scalar_one()
        assert item_summary.refresh(s, [cid]) == 1 and item_summary.summary(s, cid)[0] == 3
        s.execute(delete(ClusterSummary))
    with db.session() as s:
        # Before any re-score counted it, the page still gets the counts (counted on the spot).
        n, data = item_summary.summary(s, cid)
        assert n == 3 and data["women"] == [["Alina", 3, []]]
        assert item_summary.refresh(s, [cid]) == 1
        assert item_summary.refresh(s, [cid]) == 0
        stamp = s.get(ClusterSummary, cid).stamp
    assert stamp.startswith(f"{item_summary.FORMAT}:")
    db.dispose()


def test_many_clusters_counted_from_staged_rows_give_what_counting_by_chunks_from_the_tables_gives(
        tmp_path: Path, monkeypatch: Any) -> None:
    # A re-score that counts many clusters copies their rows into temporary tables first; a few are
    # counted from the tables themselves, a chunk of clusters at a time. Both must agree.
    settings = make_settings(tmp_path)
    db = Database.from_settings(settings)
    import_files([_jsonl(tmp_path / "world.jsonl", list(generate_world(5, 1.5, with_photos=False)
                                                          .iter_records(BASES)))], settings, db)
    shared, other = photo_row(41), photo_row(42)
    for i, (name, city) in enumerate([("Kasia", "Borås"), ("Ola", None), ("Ola", "Alingsås"), ("Mira", "Borås")]):
        # Two of them on one day, one with no city: the timeline's order must not be the database's.
        add_ad(db, f"ph{i}", name=name, age=22, city=city, phones=(fiction(80),), days=i // 2,
               photos=(shared, other) if i % 2 else (shared,), body=f"Hej, jag heter {name}.")
    monkeypatch.setattr(item_summary, "STAGE_FROM", 1)
    rescore(settings, db, full=True)
    stored_staged = check_all(db)
    with db.session() as s:
        ids = s.execute(select(Cluster.id).where(Cluster.active.is_(True))).scalars().all()
        staged = item_summary.count(s, ids)
        assert item_summary.count(s, ids) == staged  # the temporary tables are made afresh
        monkeypatch.setattr(item_summary, "STAGE_FROM", len(ids) + 1)
        monkeypatch.setattr(item_summary, "CHUNK", 7)
        chunked = item_summary.count(s, ids)
        # The stamps agree too: counted through the copies, nothing is stale for the tables' path.
        assert item_summary.refresh(s, stored_staged) == 0
    assert len(ids) > 7 and sum(d["n_ads"] for d in staged.values()) == _clustered_ads(db)
    assert staged == chunked
    assert any(d["photos"] for d in staged.values()) and any(d["templates"] for d in staged.values())
    db.dispose()


def _clustered_ads(db: Database) -> int:
    with db.session() as s:
        return len(s.execute(select(Ad.id).where(Ad.cluster_id.is_not(None))).scalars().all())
