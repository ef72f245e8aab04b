"""What the three demo sites serve, as pure functions of the world (HTML escaped, JSON built).

Site 1 (nattfjaril) is server-rendered; site 2 (kvallsros) sends an HTML shell and JSON for
static/app.js; site 3 (vastkontakt) is a JSON API with human profile pages beside it.
"""

from __future__ import annotations

import hashlib
import json
from html import escape
from typing import Any

from videre.demo.phones import support_display
from videre.demo.world import SITES, Ad, World

# Site 1's CSS classes per layout version; version 2 simulates a site redesign.
LAYOUTS: dict[int, dict[str, str]] = {
    1: {
        "summary": "ad-summary", "link": "ad-link", "city": "city", "next": "next",
        "title": "ad-title", "body": "ad-body", "facts": "facts", "name": "name", "age": "age",
        "location": "location", "phone": "phone", "posted": "posted", "gallery": "gallery",
        "photo": "photo",
    },
    2: {
        "summary": "listing-card", "link": "card-title", "city": "card-place", "next": "pager-next",
        "title": "headline", "body": "description", "facts": "details", "name": "who",
        "age": "years", "location": "where", "phone": "tel", "posted": "published",
        "gallery": "pictures", "photo": "picture",
    },
}


def fingerprint(ad: Ad) -> str:
    """A strong ETag of everything a detail page shows."""
    h = hashlib.blake2b(digest_size=10)
    for part in (ad.title, ad.body, ad.name, ad.age, ad.location, ad.phone,
                 ad.posted_at.isoformat(), *ad.photos):
        h.update(part.encode("utf-8", "surrogatepass") + b"\x00")
    return f'"{h.hexdigest()}"'


def _shown_time(ad: Ad) -> str:
    return ad.posted_at.strftime("%Y-%m-%d %H:%M")


def _page(site: str, world: World, title: str, main: str, head: str = "") -> str:
    support = escape(support_display(world.support_phones[site]))
    return (
        "<!DOCTYPE html>\n<html lang=\"sv\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(title)} - {escape(SITES[site].title)}</title>{head}</head>\n<body>\n"
        f"<header><a href=\"/\">{escape(SITES[site].title)}</a></header>\n<main>\n{main}\n</main>\n"
        f"<footer>Support: {support}</footer>\n</body></html>\n"
    )


def _paragraphs(text: str) -> str:
    paras = [p.strip() for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{escape(p)}</p>" for p in paras)


# -- site 1: nattfjaril ------------------------------------------------------------------------
def nattfjaril_listing(world: World, ads: list[Ad], page: int, has_next: bool, layout: int) -> str:
    c = LAYOUTS[layout]
    items = "\n".join(
        f'<article class="{c["summary"]}"><a class="{c["link"]}" href="/annons/{a.id}">'
        f'{escape(a.title)}</a><span class="{c["city"]}">{escape(a.location)}</span></article>'
        for a in ads
    )
    nav = (
        f'<a class="{c["next"]}" rel="next" href="/annonser?page={page + 1}">Nästa</a>'
        if has_next else ""
    )
    return _page("nattfjaril", world, f"Annonser sida {page}", f"{items}\n<nav>{nav}</nav>")


def nattfjaril_detail(world: World, ad: Ad, layout: int) -> str:
    c = LAYOUTS[layout]
    photos = "".join(
        f'<img class="{c["photo"]}" src="/bilder/{p}.jpg" alt="">' for p in ad.photos
    )
    main = (
        f'<article>\n<h1 class="{c["title"]}">{escape(ad.title)}</h1>\n'
        f'<div class="{c["body"]}">{_paragraphs(ad.body)}</div>\n'
        f'<dl class="{c["facts"]}"> <dt>Namn</dt><dd class="{c["name"]}">{escape(ad.name)}</dd> '
        f'<dt>Ålder</dt><dd class="{c["age"]}">{escape(ad.age)}</dd> '
        f'<dt>Ort</dt><dd class="{c["location"]}">{escape(ad.location)}</dd> '
        f'<dt>Telefon</dt><dd class="{c["phone"]}">{escape(ad.phone)}</dd></dl>\n'
        f'<time class="{c["posted"]}" datetime="{ad.posted_at.isoformat()}">'
        f"{_shown_time(ad)}</time>\n"
        f'<div class="{c["gallery"]}">{photos}</div>\n</article>'
    )
    return _page("nattfjaril", world, ad.title, main)


# -- site 2: kvallsros ---------------------------------------------------------------------------
def kvallsros_shell(world: World, title: str) -> str:
    main = '<div id="app"><noscript>Aktivera JavaScript för att se annonserna.</noscript></div>'
    script = (
        '<script src="/static/dom.js" defer></script><script src="/static/app.js" defer></script>'
    )
    return _page("kvallsros", world, title, main, head=script)


def kvallsros_listing_json(ads: list[Ad], page: int, has_next: bool) -> dict[str, Any]:
    return {
        "page": page,
        "ads": [
            {"id": a.id, "url": f"/annons/{a.id}", "title": a.title, "city": a.location}
            for a in ads
        ],
        "next": f"/lista?page={page + 1}" if has_next else None,
    }


def kvallsros_detail_json(ad: Ad) -> dict[str, Any]:
    """Everything but the phone, which only the reveal endpoint gives."""
    return {
        "id": ad.id,
        "title": ad.title,
        "body": ad.body,
        "name": ad.name,
        "age": ad.age,
        "location": ad.location,
        "posted": ad.posted_at.isoformat(),
        "photos": [f"/foto/{p}.jpg" for p in ad.photos],
    }


def kvallsros_rendered(world: World, ad: Ad) -> str:
    """The DOM app.js builds for a detail page after 'Visa nummer' (for records and fixtures)."""
    photos = "".join(f'<img class="photo" src="/foto/{p}.jpg">' for p in ad.photos)
    main = (
        f'<div id="app"><article><h1 class="title">{escape(ad.title)}</h1>'
        f'<div class="body">{_paragraphs(ad.body)}</div>'
        f'<span class="name">{escape(ad.name)}</span><span class="age">{escape(ad.age)}</span>'
        f'<span class="location">{escape(ad.location)}</span>'
        f'<time class="posted" datetime="{ad.posted_at.isoformat()}">{_shown_time(ad)}</time>'
        f'{photos}<button class="reveal">Visa nummer</button>'
        f'<span class="phone">{escape(ad.phone)}</span></article></div>'
    )
    return _page("kvallsros", world, ad.title, main)


# -- site 3: vastkontakt ---------------------------------------------------------------------------
def vastkontakt_ad(ad: Ad) -> dict[str, Any]:
    return {
        "id": ad.id,
        "url": f"/profil/{ad.id}",
        "headline": ad.title,
        "text": ad.body,
        "contact": {"name": ad.name, "phone": ad.phone},
        "age": ad.age,
        "area": ad.location,
        "photos": [f"/media/{p}.jpg" for p in ad.photos],
        "published": ad.posted_at.isoformat(),
    }


def vastkontakt_listing_json(ads: list[Ad], page: int, has_next: bool) -> dict[str, Any]:
    return {
        "page": page,
        "ads": [vastkontakt_ad(a) for a in ads],
        "next": f"/api/v1/annonser?page={page + 1}" if has_next else None,
    }


def vastkontakt_profile(world: World, ad: Ad) -> str:
    photos = "".join(f'<img src="/media/{p}.jpg" alt="">' for p in ad.photos)
    main = (
        f'<article class="profile" data-id="{ad.id}"><h1>{escape(ad.title)}</h1>'
        f"<p>{escape(ad.name)}, {escape(ad.age)} - {escape(ad.location)}</p>"
        f"<p>Telefon: {escape(ad.phone)}</p>{_paragraphs(ad.body)}{photos}"
        f'<p>Publicerad <time datetime="{ad.posted_at.isoformat()}">{_shown_time(ad)}</time></p>'
        "</article>"
    )
    return _page("vastkontakt", world, ad.title, main)


def vastkontakt_index(world: World) -> str:
    main = '<div id="app"><p>Laddar annonser...</p></div>'
    return _page("vastkontakt", world, "Annonser", main,
                 head='<script src="/static/dom.js" defer></script>'
                 '<script src="/static/vastkontakt.js" defer></script>')


def record_html(world: World, ad: Ad) -> str:
    """The `html` of an ad record, as a spider would store it for this ad's site."""
    if ad.site == "nattfjaril":
        return nattfjaril_detail(world, ad, 1)
    if ad.site == "kvallsros":
        return kvallsros_rendered(world, ad)
    return json.dumps(vastkontakt_ad(ad), ensure_ascii=False)
