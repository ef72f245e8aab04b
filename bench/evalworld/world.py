"""The world's frame: sites, the six-month clock, women, and how one ad becomes a record plus its truth.

Every ad is emitted with the actor behind it (a group id) and the women it shows; the generator
modules (independents, organisations) decide what they post. At the end ads are ordered by
posting time, given per-site URLs (ids grow with time, as on real sites) and turned into
docs/record.md records.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from bench.evalworld import vocab
from bench.evalworld.numbers import HIDDEN_STYLES, NumberBook, national, written
from bench.evalworld.texts import StockBank, Zipf

START = datetime(2026, 5, 4, tzinfo=timezone.utc)
DAY = 86_400
SPAN = 182 * DAY

# (slug, URL pattern, share of posting): 3-5 of these per world.
SITE_POOL = (
    ("skymning", "https://skymning.test/annons/{n}", 1.0),
    ("lyktan", "https://www.lyktan.test/ad/{n}.html", 0.7),
    ("sidenrummet", "https://sidenrummet.test/profil/{n}", 0.5),
    ("nordkontakt", "https://nordkontakt.test/a/{n}", 0.35),
    ("kvallsguiden", "https://kvallsguiden.test/escort/{n}", 0.25),
)

# Truth labels: what triage should do with a group's ads.
ORGANISED = ("ring", "agency", "flat")         # flag, one item per group
SCAM = ("scam",)                               # an item of its own, labelled scam
CONFOUNDERS = ("independent", "reposter", "tourer", "sisters")   # never flag


def label_of(kind: str) -> str:
    return "organised" if kind in ORGANISED else "scam" if kind in SCAM else "none"


@dataclass
class Site:
    slug: str
    pattern: str
    weight: float
    defaults: tuple[str, ...]
    support: str
    placeholder: str            # picture id of the site's "no photo" card


@dataclass
class Woman:
    id: str
    name: str
    age: int
    lang: str
    city: str
    pictures: list[str]
    variants: list[str] = field(default_factory=list)


@dataclass
class PendingAd:
    t: int
    site: str
    title: str
    body: str
    name: str
    age: str
    location: str
    phone: str
    images: list[str]
    group: str
    women: tuple[str, ...]
    tags: tuple[str, ...]


class World:
    def __init__(self, n_ads: int, seed: int) -> None:
        self.n_ads = n_ads
        self.seed = seed
        self.rng = random.Random(seed)
        self.book = NumberBook(self.rng)
        n_sites = self.rng.randint(3, 5)
        self.sites = [Site(slug, pat, w, tuple(self.rng.sample(vocab.SITE_DEFAULTS, 2)), self.book.service(),
                           f"x-{slug}") for slug, pat, w in SITE_POOL[:n_sites]]
        self.site_weights = [s.weight for s in self.sites]
        self.stock = {lang: StockBank(bank, 1.05, self.rng) for lang, bank in vocab.STOCK.items()}
        self.names = Zipf(vocab.NAMES, 0.6, self.rng)
        # Stock/model photos: a bank that unrelated posters take from, Zipf popularity.
        self.stock_photos = Zipf([f"s{i}" for i in range(max(20, n_ads // 400))], 1.0, self.rng)
        self.switchboards = [self.book.service() for _ in range(max(1, n_ads // 25_000))]
        # Popular whole texts that unrelated women copy verbatim (only the name changes).
        self.whole_texts = {lang: Zipf([("Hej, jag heter {name}. " if lang == "sv" else "Hi, I am {name}. ")
                                        + " ".join(z.sample(self.rng, 4)) for _ in range(120)], 1.0, self.rng)
                            for lang, z in self.stock.items()}
        self.recent: dict[str, list[Any]] = {}         # city -> independents, for duo partners
        self.ads: list[PendingAd] = []
        self.groups: dict[str, dict[str, Any]] = {}
        self.houses: list[tuple[str, str, Any]] = []     # (org id, kind, HouseTemplate)
        self.copies = 0                                  # organisations that copied a template
        self._women = 0
        self._pictures = 0

    # -- identities -------------------------------------------------------------------------
    def city(self) -> str:
        return self.rng.choices(vocab.CITY_NAMES, vocab.CITY_WEIGHTS)[0]

    def site_sample(self, k: int) -> list[Site]:
        out: list[Site] = []
        while len(out) < min(k, len(self.sites)):
            s = self.rng.choices(self.sites, self.site_weights)[0]
            if s not in out:
                out.append(s)
        return out

    def picture(self) -> str:
        self._pictures += 1
        return f"p{self._pictures}"

    def woman(self, city: str, age: tuple[int, int] = (20, 42), lang: str | None = None,
              photos: tuple[int, int] = (2, 4)) -> Woman:
        self._women += 1
        lang = lang or ("sv" if self.rng.random() < 0.6 else "en")
        return Woman(f"w{self._women}", self.names.draw(self.rng), self.rng.randint(*age), lang, city,
                     [self.picture() for _ in range(self.rng.randint(*photos))])

    def group(self, gid: str, kind: str, women: list[Woman], phones: list[str], **extra: Any) -> None:
        self.groups[gid] = {"kind": kind, "label": label_of(kind), "women": [w.id for w in women],
                            "phones": phones, **extra}

    # -- time --------------------------------------------------------------------------------
    def window(self, min_days: int, max_days: int) -> tuple[int, int]:
        length = self.rng.randint(min_days, max_days) * DAY
        start = self.rng.randrange(0, max(1, SPAN - length))
        return start, min(SPAN, start + length)

    def spell(self, city: str) -> str:
        return self.rng.choice(vocab.CITY_SPELLINGS.get(city, (city,)))

    # -- one ad --------------------------------------------------------------------------------
    def phone_fields(self, number: str, body: str, hidden: bool, lead: str = "") -> tuple[str, str]:
        """(phone field, body) with the number shown plainly in the field or hidden in the text."""
        if hidden:
            style = self.rng.choice(HIDDEN_STYLES)
            lead = lead or self.rng.choice(("Ring", "Tel:", "Nummer", "SMS", "Call"))
            return "", f"{body}\n{lead} {written(number, style, self.rng)}"
        if self.rng.random() < 0.3:
            body = f"{body}\n{lead or 'Tel'} {national(number)}"
        return national(number), body

    def emit(self, t: int, site: Site, title: str, body: str, name: str, age: int | str, city: str,
             phone: str, images: list[str], group: str, women: tuple[str, ...],
             tags: tuple[str, ...] = ()) -> None:
        if not images:
            images, tags = [site.placeholder], tags + ("placeholder",)
        self.ads.append(PendingAd(int(t), site.slug, title, body, name, str(age) if age else "",
                                  self.spell(city) if city else "", phone, images, group, women, tags))

    # -- records -------------------------------------------------------------------------------
    def finish(self) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        self.ads.sort(key=lambda a: a.t)
        ads = self.ads
        pattern = {s.slug: s.pattern for s in self.sites}
        counter = {s.slug: self.rng.randrange(100_000, 900_000) for s in self.sites}
        records: list[dict[str, Any]] = []
        truth_ads: dict[str, dict[str, Any]] = {}
        rand = self.rng.random
        for a in ads:
            counter[a.site] += 1 + int(rand() * 9)
            url = pattern[a.site].format(n=counter[a.site])
            posted = START + timedelta(seconds=a.t)
            scraped = posted + timedelta(seconds=600 + int(rand() * 36 * 3600))
            records.append({"url": url, "site": a.site, "scraped_at": scraped.isoformat(),
                            "posted_at": posted.isoformat(), "title": a.title, "body": a.body,
                            "name": a.name, "age": a.age, "location": a.location, "phone": a.phone,
                            "images": [image_url(a.site, p) for p in a.images]})
            truth_ads[url] = {"group": a.group, "women": list(a.women), "tags": list(a.tags),
                              "pictures": list(a.images)}
        self.ads = []
        used = {t["group"] for t in truth_ads.values()}
        truth = {"seed": self.seed, "n_ads": len(records), "sites": [s.slug for s in self.sites],
                 "start": START.isoformat(), "days": SPAN // DAY,
                 "groups": {g: v for g, v in self.groups.items() if g in used}, "ads": truth_ads}
        return records, truth


def image_url(site: str, picture: str) -> str:
    """A photo's URL names the picture and the file (copy 0 is the original file; other copies
    are re-encoded files of the same picture): `.../p12/c1.jpg`."""
    pic, _, copy = picture.partition("#")
    return f"https://img.{site}.test/{pic}/c{copy or 0}.jpg"


def picture_of(url: str) -> tuple[str, int]:
    """(picture id, copy) from a URL made by image_url."""
    parts = url.rstrip("/").split("/")
    return parts[-2], int(parts[-1].split(".")[0][1:])
