"""The fourth demo site, "Nattljus": a site shaped like the real ones that config.yaml must cope with.

An age gate (a POST form that sets a cookie), offset pagination with tracking parameters on every
link, name and age only in the title ("Sofia, 24"), the city only in a breadcrumb, Swedish relative
dates ("igår 21:14", "för 2 timmar sedan"), the phone behind a "Visa nummer" button whose script
asks /api/nummer/ID, lazy photos in `data-src` and `srcset`, broken HTML, and one ad in English.

    with GatedSite(ads=56) as site:
        site.base_url, site.truth   # expected records, posted_at in UTC with its precision
"""

from __future__ import annotations

import json
import random
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from videre.demo.photos import render
from videre.demo.world import PhotoSpec

SLUG = "nattljus"
PER_PAGE = 12
STOCKHOLM = ZoneInfo("Europe/Stockholm")
GATE_COOKIE = "alder_ok"
_TRACKING = "utm_source=lista&utm_medium=kort&fbclid=IwAR0demo"
_NAMES = ("Sofia", "Amanda", "Lina", "Nora", "Elin", "Maja", "Ida", "Wilma", "Julia", "Hanna",
          "Alva", "Ebba", "Tilda", "Moa", "Klara", "Saga")
_CITIES = {"goteborg": "Göteborg", "boras": "Borås", "trollhattan": "Trollhättan",
           "uddevalla": "Uddevalla", "skovde": "Skövde", "alingsas": "Alingsås"}
_MONTHS = ("jan", "feb", "mars", "april", "maj", "juni", "juli", "aug", "sep", "okt", "nov", "dec")
_TITLES = ("Ny i stan, hör av dig", "Mysig och diskret", "Avslappnande kvällar", "Träffas i lugn och ro",
           "Söt och glad tjej", "Sensuell massage")
_BODIES = ("Hej! Jag tar emot i lugn miljö nära centrum. Ring eller sms:a.",
           "Diskret och trevlig, finns här hela veckan. Inga dolda nummer.",
           "Välkommen att höra av dig för en avkopplande stund.")
_GATE = ('<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Nattljus - Åldersgräns'
         '</title></head><body><h1>Du måste vara 18 år</h1><form id="aldersgrans" method="post" '
         'action="/aldersgrans"><input type="hidden" name="bekrafta" value="ja"><button>Jag är 18 år '
         'eller äldre</button></form><button id="ja" type="button" onclick="document.cookie=\'alder_ok=1; '
         'path=/\';location.href=\'/annonser?offset=0&amp;limit=12\'">Ja, visa sidan</button></body></html>')
_GREY = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"


@dataclass(frozen=True)
class GatedAd:
    id: str
    name: str
    age: int
    city_slug: str
    title: str
    body: str
    phone: str
    posted_at: datetime  # aware UTC, to the minute
    date_style: str  # today, yesterday, hours, minutes, absolute, english
    photos: tuple[str, ...]
    english: bool = False

    @property
    def city(self) -> str:
        return _CITIES[self.city_slug]


def shown_date(ad: GatedAd, now: datetime) -> str:
    """The date as the site prints it, relative to `now` (the time of the request)."""
    local = ad.posted_at.astimezone(STOCKHOLM)
    if ad.date_style == "hours":
        return f"för {int((now - ad.posted_at).total_seconds() // 3600)} timmar sedan"
    if ad.date_style == "minutes":
        return f"för {int((now - ad.posted_at).total_seconds() // 60)} minuter sedan"
    today = now.astimezone(STOCKHOLM).date()
    if ad.date_style == "english":
        word = "today" if local.date() == today else "yesterday"
        return f"Posted {word} at {local:%H:%M}"
    if local.date() == today:
        return f"idag {local:%H:%M}"
    if local.date() == today - timedelta(days=1):
        return f"igår {local:%H:%M}"
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year} {local:%H:%M}"


def make_ads(n: int, now: datetime, seed: int = 11) -> list[GatedAd]:
    """`n` ads, the newest first, with dates of every style the site prints."""
    rng = random.Random(seed)
    ads: list[GatedAd] = []
    styles = ("today", "yesterday", "hours", "absolute", "minutes", "yesterday", "absolute")
    base = now.replace(second=0, microsecond=0)
    for i in range(n):
        style = styles[i % len(styles)]
        if style == "minutes":
            posted = base - timedelta(minutes=rng.randint(5, 50))
        elif style == "hours":
            posted = base - timedelta(hours=rng.randint(2, 9), minutes=rng.randint(0, 59))
        elif style == "today":
            local_now = base.astimezone(STOCKHOLM)
            minutes = rng.randint(0, max(0, local_now.hour * 60 + local_now.minute - 1))
            posted = local_now.replace(hour=0, minute=0).astimezone(UTC) + timedelta(minutes=minutes)
            posted = min(posted, base)
        elif style == "yesterday":
            day = (base.astimezone(STOCKHOLM) - timedelta(days=1)).replace(
                hour=rng.randint(0, 23), minute=rng.randint(0, 59))
            posted = day.astimezone(UTC)
        else:
            posted = base - timedelta(days=rng.randint(3, 200), minutes=rng.randint(0, 1439))
        english = i == n // 2
        name = _NAMES[i % len(_NAMES)]
        ads.append(GatedAd(
            id=f"n{i:03d}{rng.randrange(16 ** 4):04x}", name=name, age=rng.randint(19, 38),
            city_slug=rng.choice(sorted(_CITIES)),
            title="New in town, call me" if english else rng.choice(_TITLES),
            body=("Hi! I receive in a calm place near the centre. Call or text." if english
                  else rng.choice(_BODIES)),
            phone=f"070-174 {i // 10 % 10}{rng.randint(0, 9)} {rng.randint(10, 99)}",
            posted_at=posted.astimezone(UTC),
            date_style="english" if english else style,
            photos=tuple(f"{i:03d}{k}" for k in range(1 + i % 2)), english=english))
    ads.sort(key=lambda a: a.posted_at, reverse=True)
    return ads


def _cards(ads: list[GatedAd], offset: int) -> str:
    return "".join(
        f'<li class="kort"><a class="annons" href="/profil/{a.id}?{_TRACKING}&amp;pos={offset + k}">'
        f"{escape(a.name)}</a>" for k, a in enumerate(ads))  # <li> never closed: broken HTML


def _js_listing() -> str:
    """The listing as a script builds it: a "Visa fler" button appends the next cards in place."""
    return ('<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Annonser</title></head>'
            '<body><ul class="annonser"></ul><button class="fler" type="button">Visa fler</button><script>'
            'let offset=0;const b=document.querySelector(".fler");function more(){fetch("/js/fler?offset="+'
            'offset).then(r=>r.json()).then(j=>{document.querySelector(".annonser").insertAdjacentHTML('
            f'"beforeend",j.html);offset+={PER_PAGE};if(!j.more)b.remove()}})}}b.onclick=more;more()'
            '</script></body></html>')


def _listing(ads: list[GatedAd], offset: int, total: int) -> str:
    cards = _cards(ads, offset)
    nxt = offset + PER_PAGE
    pager = (f'<a class="nasta" rel="next" href="/annonser?offset={nxt}&amp;limit={PER_PAGE}'
             f'&amp;utm_source=pager&amp;ref=p{nxt // PER_PAGE + 1}">Nästa</a>' if nxt < total else "")
    return (f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Annonser</title>'
            f'<body><div id="lista"><ul class="annonser">{cards}</ul><div class="sidor">{pager}</body>')


def _photo(ad: GatedAd, p: str) -> str:
    return (f'<img class="foto lazy" src="/static/grey.gif" data-src="/bild/{p}-640.jpg" '
            f'srcset="/bild/{p}-320.jpg 320w, /bild/{p}-960.jpg 960w, /bild/{p}-640.jpg 640w" alt="">')


def _detail(ad: GatedAd, now: datetime) -> str:
    photos = "".join(_photo(ad, p) for p in ad.photos)
    lang = "en" if ad.english else "sv"
    # Mis-nested and unclosed tags and a bare "&" on purpose: real pages are like this.
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(ad.name)}'
        f'</title></head><body><nav class="brodsmulor"><a href="/">Hem</a> &rsaquo; '
        f'<a href="/stad/{ad.city_slug}">{escape(ad.city)}</a> &rsaquo; <span>{escape(ad.name)}</span>'
        f'</nav><div class="profil"><h1>{escape(ad.name)}, {ad.age}</h1><h2 class="rubrik">'
        f'<b><i>{escape(ad.title)}</b></i></h2><div class="text"><p>{escape(ad.body)}<p>Trygg & diskret'
        f'</div><span class="datum">{escape(shown_date(ad, now))}</span>'
        f'<div class="bilder">{photos}<div class="kontakt"><button class="visa-nummer" data-id="{ad.id}">'
        f'Visa nummer</button><span class="nummer"></span></div>'
        '<script>document.querySelector(".visa-nummer").onclick=function(e){fetch("/api/nummer/"+'
        'e.target.dataset.id).then(r=>r.json()).then(j=>{document.querySelector(".nummer")'
        '.textContent=j.nummer})}</script></body></html>'
    )


class GatedSite:
    """Nattljus on a free port of 127.0.0.1 until close()."""

    def __init__(self, ads: int = 56, seed: int = 11, host: str = "127.0.0.1", port: int = 0) -> None:
        self.now = datetime.now(UTC)
        self.ads = make_ads(ads, self.now, seed)
        self._by_id = {a.id: a for a in self.ads}
        self.hits: dict[str, int] = {}
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer((host, port), _handler(self))
        self.server.daemon_threads = True
        self.base_url = f"http://{host}:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, name="demo-nattljus", daemon=True).start()

    def truth(self) -> dict[str, dict[str, Any]]:
        """Canonical ad URL -> the record a crawl must give, with posted_at's precision in seconds."""
        precision = {"hours": 3600, "minutes": 60}
        return {f"{self.base_url}/profil/{a.id}": {
            "title": a.title, "name": a.name, "age": str(a.age), "location": a.city, "phone": a.phone,
            "posted_at": a.posted_at, "precision_s": precision.get(a.date_style, 0),
            "images": [f"{self.base_url}/bild/{p}-960.jpg" for p in a.photos], "english": a.english,
        } for a in self.ads}

    def route(self, method: str, path: str, query: str, cookies: str, form: dict[str, list[str]]
              ) -> tuple[int, str, bytes, dict[str, str]]:
        with self._lock:
            self.hits[path] = self.hits.get(path, 0) + 1
        html = "text/html; charset=utf-8"
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nAllow: /\n", {}
        if path == "/static/grey.gif":
            return 200, "image/gif", _GREY, {}
        if method == "POST" and path == "/aldersgrans":
            if form.get("bekrafta") == ["ja"]:
                return 303, html, b"", {"Location": "/annonser?offset=0&limit=12",
                                         "Set-Cookie": f"{GATE_COOKIE}=1; Path=/; SameSite=Lax"}
            return 400, html, b"bad form", {}
        if not re.search(rf"(?:^|;\s*){GATE_COOKIE}=1(?:;|$)", cookies):
            return 200, html, _GATE.encode(), {}
        if m := re.fullmatch(r"/bild/([0-9]{3})([0-9])-(320|640|960)\.jpg", path):
            spec = PhotoSpec(base=9000 + int(m.group(1)) * 3 + int(m.group(2)))
            return 200, "image/jpeg", render(spec), {}
        if m := re.fullmatch(r"/api/nummer/([0-9a-z]{1,16})", path):
            if ad := self._by_id.get(m.group(1)):
                return 200, "application/json", json.dumps({"id": ad.id, "nummer": ad.phone}).encode(), {}
        if m := re.fullmatch(r"/profil/([0-9a-z]{1,16})", path):
            if ad := self._by_id.get(m.group(1)):
                return 200, html, _detail(ad, datetime.now(UTC)).encode(), {}
        if path == "/js/annonser":
            return 200, html, _js_listing().encode(), {}
        if path == "/js/fler":
            try:
                offset = int(parse_qs(query).get("offset", ["0"])[0])
            except ValueError:
                return 404, html, b"", {}
            chunk = self.ads[offset:offset + PER_PAGE] if 0 <= offset < len(self.ads) else []
            body = {"html": _cards(chunk, offset), "more": offset + PER_PAGE < len(self.ads)}
            return 200, "application/json", json.dumps(body).encode(), {}
        if path == "/annonser":
            q = parse_qs(query)
            try:
                offset, limit = int(q.get("offset", ["0"])[0]), int(q.get("limit", [str(PER_PAGE)])[0])
            except ValueError:
                return 404, html, b"", {}
            if 0 <= offset < len(self.ads) and limit == PER_PAGE:
                return 200, html, _listing(self.ads[offset:offset + limit], offset, len(self.ads)).encode(), {}
        if path == "/":
            return 302, html, b"", {"Location": "/annonser?offset=0&limit=12"}
        return 404, html, b"<p>Sidan finns inte.</p>", {}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> GatedSite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _handler(site: GatedSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 15

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._answer("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._answer("POST")

        def _answer(self, method: str) -> None:
            parts = urlsplit(self.path)
            form: dict[str, list[str]] = {}
            if method == "POST":
                length = min(int(self.headers.get("Content-Length") or 0), 10_000)
                form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
            try:
                status, ctype, body, headers = site.route(method, parts.path, parts.query,
                                                          self.headers.get("Cookie") or "", form)
            except Exception:  # a demo bug must not kill the server thread
                status, ctype, body, headers = 500, "text/plain", b"internal error", {}
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler
