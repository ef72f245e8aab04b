"""The demo world: people, groups and ads, their ad records and their ground truth.

A world is a pure function of (seed, scale, with_photos). It is generated lazily: small worlds are
materialised for the demo sites, big ones (benchmarks) stream from `iter_ads` without being held.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

KINDS = ("organised", "agency", "independent", "reposter", "tourer", "stock_phrase")


@dataclass(frozen=True, slots=True)
class SiteSpec:
    slug: str
    title: str
    detail_path: str  # format string with {id}
    photo_prefix: str
    per_page: int
    share: float  # target share of the world's ads
    support_area: str


SITES: dict[str, SiteSpec] = {
    s.slug: s
    for s in (
        SiteSpec("nattfjaril", "Nattfjäril", "/annons/{id}", "/bilder/", 20, 0.40, "031"),
        SiteSpec("kvallsros", "Kvällsros", "/annons/{id}", "/foto/", 15, 0.25, "08"),
        SiteSpec("vastkontakt", "Västkontakt", "/profil/{id}", "/media/", 25, 0.35, "040"),
    )
}


PhotoOps = tuple[tuple[Any, ...], ...]  # e.g. (("crop", 0.1, 0.5, 0.5), ("mirror",))


@dataclass(frozen=True, slots=True)
class PhotoSpec:
    """A synthetic picture: a base scene and the edits applied to it (see photos.py)."""

    base: int
    ops: PhotoOps = ()
    placeholder: str = ""  # site title for the site's "ingen bild" picture


@dataclass(slots=True)
class Ad:
    id: str
    site: str
    group: str
    title: str
    body: str
    name: str
    age: str
    location: str
    phone: str
    posted_at: datetime
    photos: tuple[str, ...]
    city: str  # the true city, for ground truth and tests; never shown
    modified_at: datetime = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.modified_at is None:
            self.modified_at = self.posted_at

    @property
    def path(self) -> str:
        return SITES[self.site].detail_path.format(id=self.id)


@dataclass(slots=True)
class Group:
    """One hand behind some ads: a woman on her own, an organised group or an agency."""

    id: str
    kind: str
    phones: list[str]
    persons: int
    ad_ids: list[str] = field(default_factory=list)


GroupSource = Callable[[], Iterator[tuple[Group, list[Ad]]]]


class World:
    def __init__(
        self,
        *,
        seed: int,
        scale: float,
        with_photos: bool,
        reference_time: datetime,
        support_phones: dict[str, str],
        source: GroupSource,
    ) -> None:
        self.seed = seed
        self.scale = scale
        self.with_photos = with_photos
        self.reference_time = reference_time
        self.support_phones = support_phones
        self.photos: dict[str, PhotoSpec] = {}
        self._scraped_at = reference_time.isoformat()
        self._source = source
        self._groups: list[Group] | None = None
        self._ads: dict[str, Ad] | None = None

    # -- access -------------------------------------------------------------------------------
    def _materialise(self) -> None:
        groups: list[Group] = []
        ads: dict[str, Ad] = {}
        for group, group_ads in self._source():
            groups.append(group)
            for ad in group_ads:
                ads[ad.id] = ad
        self._groups, self._ads = groups, ads

    @property
    def groups(self) -> list[Group]:
        if self._groups is None:
            self._materialise()
        assert self._groups is not None
        return self._groups

    @property
    def ads(self) -> dict[str, Ad]:
        """Every ad by id (materialises the world; use iter_ads for big ones)."""
        if self._ads is None:
            self._materialise()
        assert self._ads is not None
        return self._ads

    def iter_groups(self) -> Iterator[tuple[Group, list[Ad]]]:
        """Groups with their ads, streamed unless the world is already in memory."""
        if self._ads is None:
            yield from self._source()
            return
        for group in self.groups:
            yield group, [self._ads[i] for i in group.ad_ids if i in self._ads]

    def iter_ads(self) -> Iterator[Ad]:
        for _, ads in self.iter_groups():
            yield from ads

    def site_ads(self, site: str) -> list[Ad]:
        """A site's live ads, newest first, as its listing shows them."""
        return sorted(
            (a for a in self.ads.values() if a.site == site),
            key=lambda a: (a.posted_at, a.id),
            reverse=True,
        )

    def group_of(self, ad_id: str) -> Group:
        ad = self.ads[ad_id]
        return next(g for g in self.groups if g.id == ad.group)

    # -- records ------------------------------------------------------------------------------
    def iter_records(
        self, base_urls: dict[str, str], *, with_html: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Ad records (docs/record.md) as the spiders would yield them from these base URLs."""
        bases = {slug: base_urls[slug].rstrip("/") for slug in SITES if slug in base_urls}

        def image_url(ad: Ad, photo_id: str) -> str:
            return f"{bases[ad.site]}{SITES[ad.site].photo_prefix}{photo_id}.jpg"

        for ad in self.iter_ads():
            if ad.site in bases:
                yield self._record(ad, bases[ad.site], image_url, with_html)

    def _record(
        self, ad: Ad, base: str, image: Callable[[Ad, str], str], with_html: bool
    ) -> dict[str, Any]:
        record: dict[str, Any] = {
            "url": base + ad.path,
            "site": ad.site,
            "scraped_at": self._scraped_at,
            "posted_at": ad.posted_at.isoformat(),
            "title": ad.title,
            "body": ad.body,
            "name": ad.name,
            "age": ad.age,
            "location": ad.location,
            "phone": ad.phone,
            "images": [image(ad, p) for p in ad.photos],
        }
        if with_html:
            from videre.demo.pages import record_html

            record["html"] = record_html(self, ad)
        return record

    def write(self, directory: str | Path, base_urls: dict[str, str] | None = None) -> Path:
        """Write ads.jsonl (photos as local paths), photos/ and truth.json; streams big worlds."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        bases = base_urls or {slug: f"http://127.0.0.1:{8701 + i}" for i, slug in enumerate(SITES)}
        photo_dir = out / "photos"
        written: set[str] = set()

        def local_image(ad: Ad, photo_id: str) -> str:
            if photo_id not in written:
                from videre.demo.photos import render

                photo_dir.mkdir(exist_ok=True)
                (photo_dir / f"{photo_id}.jpg").write_bytes(render(self.photos[photo_id]))
                written.add(photo_id)
            return f"photos/{photo_id}.jpg"

        counts = dict.fromkeys(SITES, 0)
        groups_tmp = out / "truth.groups.tmp"
        with (out / "ads.jsonl").open("w", encoding="utf-8") as ads_f, groups_tmp.open(
            "w", encoding="utf-8"
        ) as groups_f:
            first = True
            for group, ads in self.iter_groups():
                for ad in ads:
                    counts[ad.site] += 1
                    record = self._record(ad, bases[ad.site], local_image, False)
                    ads_f.write(json.dumps(record, ensure_ascii=False) + "\n")
                groups_f.write(("" if first else ",\n") + json.dumps(truth_group(group, ads)))
                first = False
        head = self._truth_head(counts)
        with (out / "truth.json").open("w", encoding="utf-8") as truth_f:
            truth_f.write(json.dumps(head, ensure_ascii=False)[:-1] + ',\n"groups": [\n')
            with groups_tmp.open(encoding="utf-8") as groups_f:
                for chunk in iter(lambda: groups_f.read(1 << 20), ""):
                    truth_f.write(chunk)
            truth_f.write("\n]}\n")
        groups_tmp.unlink()
        return out

    # -- ground truth ---------------------------------------------------------------------------
    def _truth_head(self, counts: dict[str, int]) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "scale": self.scale,
            "reference_time": self.reference_time.isoformat(),
            "sites": {
                slug: {"ads": n, "listing_pages": max(1, math.ceil(n / SITES[slug].per_page))}
                for slug, n in counts.items()
            },
            "support_phones": dict(self.support_phones),
        }

    def truth(self) -> dict[str, Any]:
        """truth.json as a dict, for the world as it is now (after any edits or removals)."""
        counts = dict.fromkeys(SITES, 0)
        groups = []
        for group, ads in self.iter_groups():
            for ad in ads:
                counts[ad.site] += 1
            groups.append(truth_group(group, ads))
        return {**self._truth_head(counts), "groups": groups}


def truth_group(group: Group, ads: Iterable[Ad]) -> dict[str, Any]:
    return {
        "id": group.id,
        "kind": group.kind,
        "phones": group.phones,
        "persons": group.persons,
        "ads": [{"site": a.site, "path": a.path, "id": a.id} for a in ads],
    }
