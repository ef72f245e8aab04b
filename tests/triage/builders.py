"""Hand-built ads for triage tests, stored through the real store path (videre.store.ads.store_ad).

The extraction is written by hand, so each test states exactly which numbers, places, ages and
indicators an ad carries, independent of the extractor's rules. Phone numbers are fictional
(the PTS fiction range 070-174 06 05 … 99 and synthetic numbers around it).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from videre.demo.photos import render
from videre.demo.world import PhotoSpec
from videre.extract.normalise.images import PhotoLimits, process_photo
from videre.extract.records import parse_record
from videre.store.ads import PhotoRow, store_ad
from videre.store.db import Database

T0 = datetime(2026, 3, 2, 20, 0, tzinfo=timezone.utc)


def fiction(n: int) -> str:
    """A fictional Swedish mobile number in E.164 (n-th number after 070-174 06 05)."""
    return f"+4670{1740605 + n}" if n < 95 else f"+4670{1760000 + n}"


@lru_cache(maxsize=64)
def photo_row(base: int, ops: tuple[tuple[Any, ...], ...] = (), placeholder: str = "") -> PhotoRow:
    """A generated photo (videre.demo.photos) hashed as an import would hash it."""
    data = render(PhotoSpec(base, ops, placeholder))
    done = process_photo(data, PhotoLimits(), "image/jpeg")
    h = done.hashes
    return PhotoRow(url=f"http://127.0.0.1/p/{h.sha256[:12]}.jpg", sha256=h.sha256, width=h.width,
                    height=h.height, fingerprint=h.pack(), thumbnail=done.thumbnail)


def add_ad(db: Database, url: str, *, site: str = "nattfjaril", name: str = "", age: int | None = None,
           city: str | None = None, phones: tuple[str, ...] = (), obfuscated: bool = False,
           title: str = "", body: str = "", days: float = 0.0, indicators: tuple[str, ...] = (),
           nationalities: tuple[str, ...] = (), photos: tuple[PhotoRow, ...] = (),
           now: datetime | None = None) -> int:
    """Store (or update) one ad; `days` is how long after T0 it was posted. Returns its id."""
    posted = T0 + timedelta(days=days)
    record = parse_record({
        "url": f"http://{site}.test/{url}", "site": site, "scraped_at": posted.isoformat(),
        "posted_at": posted.isoformat(), "title": title, "body": body, "name": name,
        "age": str(age) if age else "", "location": city or "", "phone": " ".join(phones),
    })
    extraction = {
        "phones": [{"e164": p, "raw": p, "field": "phone", "start": 0, "end": len(p),
                    "methods": ["words"] if obfuscated else [], "country": "SE" if p.startswith("+46") else "RO"}
                   for p in phones],
        "phone_obfuscated": obfuscated,
        "location": {"city": city, "raw": city, "country": "SE", "lat": None, "lon": None,
                     "district": None} if city else None,
        "age": age, "name": name or None, "languages": [], "nationalities": list(nationalities),
        "indicators": [{"code": c, "counts": c != "movement_wording", "evidence": []} for c in indicators],
    }
    with db.session() as s:
        outcome = store_ad(s, record, extraction, list(photos), "SE", now or datetime.now(timezone.utc))
    return outcome.ad_id
