"""The three demo sites over real HTTP on 127.0.0.1, checked against the spec and the truth."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from html import escape
from importlib import resources
from typing import Any

import pytest

from videre.demo import DemoSites, World, serve_demo
from videre.demo.phones import format_plain, support_display

Response = tuple[int, dict[str, str], bytes]


def get(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> Response:
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def get_json(url: str) -> Any:
    status, _, body = get(url)
    assert status == 200, url
    return json.loads(body)


def _truth_ids(world: World, slug: str) -> set[str]:
    return {a["id"] for g in world.truth()["groups"] for a in g["ads"] if a["site"] == slug}


def test_nattfjaril_listing_pages_lead_to_every_ad(sites: DemoSites, world: World) -> None:
    base = sites.base_urls["nattfjaril"]
    status, headers, _ = get(base + "/")
    assert status == 302 and headers["Location"] == "/annonser"
    url, seen, pages, posted = base + "/annonser?page=1", [], 0, []
    support = escape(support_display(world.support_phones["nattfjaril"]))
    while url:
        status, _, body = get(url)
        html = body.decode()
        assert status == 200 and f"<footer>Support: {support}</footer>" in html
        articles = re.findall(
            r'<article class="ad-summary"><a class="ad-link" href="/annons/(\w+)">.*?</a>'
            r'<span class="city">.*?</span></article>', html)
        seen += articles
        pages += 1
        assert len(articles) == 20 or 'class="next"' not in html
        nxt = re.search(r'<a class="next" rel="next" href="(/annonser\?page=\d+)">Nästa</a>', html)
        url = base + nxt.group(1) if nxt else ""
    assert set(seen) == _truth_ids(world, "nattfjaril") and len(seen) == len(set(seen))
    assert pages == world.truth()["sites"]["nattfjaril"]["listing_pages"]
    for ad_id in seen[:3]:
        posted.append(world.ads[ad_id].posted_at)
    assert posted == sorted(posted, reverse=True), "newest first"


def test_nattfjaril_detail_page_has_the_spec_fields(sites: DemoSites, world: World) -> None:
    base = sites.base_urls["nattfjaril"]
    ad = next(a for a in world.site_ads("nattfjaril") if len(a.photos) >= 2 and "<" not in a.name)
    status, _, body = get(base + f"/annons/{ad.id}")
    html = body.decode()
    assert status == 200
    assert f'<h1 class="ad-title">{escape(ad.title)}</h1>' in html
    assert '<div class="ad-body"><p>' in html
    for cls, value in (("name", ad.name), ("age", ad.age), ("location", ad.location),
                       ("phone", ad.phone)):
        assert f'<dd class="{cls}">{escape(value)}</dd>' in html
    assert f'<time class="posted" datetime="{ad.posted_at.isoformat()}">' in html
    for photo in ad.photos:
        assert f'<img class="photo" src="/bilder/{photo}.jpg" alt="">' in html
        status, headers, jpeg = get(base + f"/bilder/{photo}.jpg")
        assert status == 200 and headers["Content-Type"] == "image/jpeg" and jpeg[:2] == b"\xff\xd8"
    assert get(base + "/robots.txt")[2] == b"User-agent: *\nDisallow: /admin\n"


def test_kvallsros_shell_has_no_ads_and_the_api_paginates(sites: DemoSites, world: World) -> None:
    base = sites.base_urls["kvallsros"]
    assert get(base + "/")[1]["Location"] == "/lista?page=1"
    status, _, body = get(base + "/lista?page=1")
    html = body.decode()
    assert status == 200 and '<div id="app">' in html and 'src="/static/app.js"' in html
    assert not any(escape(a.title) in html for a in world.site_ads("kvallsros"))
    ids, page = [], 1
    while True:
        data = get_json(base + f"/api/lista?page={page}")
        assert data["page"] == page and len(data["ads"]) <= 15
        ids += [a["id"] for a in data["ads"]]
        assert all(a["url"] == f"/annons/{a['id']}" for a in data["ads"])
        if data["next"] is None:
            break
        assert data["next"] == f"/lista?page={page + 1}" and len(data["ads"]) == 15
        page += 1
    assert set(ids) == _truth_ids(world, "kvallsros")
    assert get(base + "/static/app.js")[0] == 200


def test_kvallsros_phone_only_after_reveal(sites: DemoSites, world: World) -> None:
    base = sites.base_urls["kvallsros"]
    for ad in world.site_ads("kvallsros")[:40]:
        group = world.group_of(ad.id)
        plain = {format_plain(number, style) for number in group.phones for style in range(7)}
        _, _, shell = get(base + f"/annons/{ad.id}")
        status, _, api = get(base + f"/api/annons/{ad.id}")
        assert status == 200
        detail = json.loads(api)
        assert "phone" not in detail and detail["title"] == ad.title
        for page in (shell.decode(), json.dumps(detail, ensure_ascii=False)):
            assert ad.phone not in page
            assert not any(p in page for p in plain)
        assert get_json(base + f"/api/annons/{ad.id}/telefon")["phone"] == ad.phone


@pytest.mark.parametrize("name", ["app.js", "dom.js", "vastkontakt.js"])
def test_scripts_never_parse_ad_text_as_html(name: str) -> None:
    script = resources.files("videre.demo").joinpath("static", name).read_text()
    assert "textContent" in script or "el(" in script
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script


def test_vastkontakt_api_pages_and_profiles(sites: DemoSites, world: World) -> None:
    base = sites.base_urls["vastkontakt"]
    ids, url = [], "/api/v1/annonser?page=1"
    while url:
        data = get_json(base + url)
        ids += [a["id"] for a in data["ads"]]
        assert len(data["ads"]) == 25 or data["next"] is None
        url = data["next"]
    assert set(ids) == _truth_ids(world, "vastkontakt")
    first = get_json(base + "/api/v1/annonser?page=1")["ads"][0]
    ad = world.ads[first["id"]]
    assert first == {
        "id": ad.id, "url": f"/profil/{ad.id}", "headline": ad.title, "text": ad.body,
        "contact": {"name": ad.name, "phone": ad.phone}, "age": ad.age, "area": ad.location,
        "photos": [f"/media/{p}.jpg" for p in ad.photos], "published": ad.posted_at.isoformat(),
    }
    assert get(base + first["url"])[0] == 200
    assert get(base + first["photos"][0])[2][:2] == b"\xff\xd8"
    assert b"/static/vastkontakt.js" in get(base + "/")[2]
    assert get(base + "/robots.txt")[0] == 200


def test_hostile_content_is_shown_as_text(sites: DemoSites, world: World) -> None:
    hostile = [a for a in world.ads.values()
               if any("<script" in f or "onerror" in f or "<iframe" in f
                      for f in (a.title, a.body, a.name, a.location))]
    assert {a.site for a in hostile} >= {"nattfjaril"}
    for ad in hostile:
        base = sites.base_urls[ad.site]
        pages = [get(base + ad.path)[2].decode()]
        if ad.site == "nattfjaril":
            pages += [get(base + f"/annonser?page={p}")[2].decode() for p in range(1, 8)]
        for html in pages:
            assert "<script>alert" not in html and "<img src=x" not in html
            assert "<iframe" not in html and "<script>document" not in html
        if ad.site == "nattfjaril":
            assert any("&lt;" in html for html in pages)


def test_conditional_requests_and_runtime_changes(sites: DemoSites, world: World) -> None:
    ad = world.site_ads("nattfjaril")[5]
    url = sites.base_urls["nattfjaril"] + ad.path
    status, headers, _ = get(url)
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200 and etag.startswith('"')
    assert get(url, {"If-None-Match": etag})[0] == 304
    assert get(url, {"If-Modified-Since": modified})[0] == 304
    assert get(url, {"If-None-Match": '"other"'})[0] == 200

    with pytest.raises(ValueError):
        sites.edit_ad(ad.id, price="1500")
    with pytest.raises(ValueError):
        sites.edit_ad(ad.id, photos=["pnotthere"])
    sites.edit_ad(ad.id, title="Ny rubrik", phone="070-174 06 99")
    status, headers, body = get(url, {"If-None-Match": etag})
    assert status == 200 and headers["ETag"] != etag and b"Ny rubrik" in body
    assert get(url, {"If-Modified-Since": modified})[0] == 200

    gone = world.site_ads("vastkontakt")[0]
    sites.remove_ad(gone.id)
    base3 = sites.base_urls["vastkontakt"]
    assert get(base3 + gone.path)[0] == 404
    assert gone.id not in {a["id"] for a in get_json(base3 + "/api/v1/annonser?page=1")["ads"]}
    assert gone.id not in {a["id"] for g in world.truth()["groups"] for a in g["ads"]}


def test_layout_version_renames_site_one_classes(world: World) -> None:
    with serve_demo(world) as running:
        base = running.base_urls["nattfjaril"]
        running.layout_version = 2
        html = get(base + "/annonser?page=1")[2].decode()
        assert 'class="ad-summary"' not in html and 'class="listing-card"' in html
        ad_id = re.search(r'href="/annons/(\w+)"', html).group(1)  # type: ignore[union-attr]
        assert 'class="ad-title"' not in get(base + f"/annons/{ad_id}")[2].decode()
        running.layout_version = 1
        assert 'class="ad-summary"' in get(base + "/annonser?page=1")[2].decode()


@pytest.mark.parametrize("path", [
    "/admin", "/annons/", "/annons/../../etc/passwd", "/bilder/../sites.py", "/annonser?page=0",
    "/annonser?page=abc", "/annonser?page=999", "/static/app.js", "/bilder/pzzzzzzz.jpg",
])
def test_unknown_paths_are_404(sites: DemoSites, path: str) -> None:
    assert get(sites.base_urls["nattfjaril"] + path)[0] == 404


def test_only_get_and_head(sites: DemoSites) -> None:
    url = sites.base_urls["vastkontakt"] + "/api/v1/annonser?page=1"
    status, headers, body = get(url, method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 100
    assert get(url, method="POST")[0] == 501
    assert get(url, method="DELETE")[0] == 501


def test_photos_are_served_only_by_the_site_that_shows_them(sites: DemoSites, world: World) -> None:
    photo = next(p for a in world.site_ads("vastkontakt") for p in a.photos
                 if not any(p in b.photos for b in world.site_ads("nattfjaril")))
    assert get(sites.base_urls["vastkontakt"] + f"/media/{photo}.jpg")[0] == 200
    assert get(sites.base_urls["nattfjaril"] + f"/bilder/{photo}.jpg")[0] == 404


def test_request_times_mark_the_first_request_since_a_reset(sites: DemoSites) -> None:
    base = sites.base_urls["nattfjaril"]
    sites.reset_first_request()
    assert sites.first_request_at is None
    before = time.monotonic()
    get(base + "/annonser?page=1")
    first = sites.first_request_at
    assert first is not None and before <= first <= time.monotonic()
    get(base + "/robots.txt")
    assert sites.first_request_at == first
    sites.reset_first_request()
    assert sites.first_request_at is None
