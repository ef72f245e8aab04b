"""WARC archives: valid records for each page once, the ad records beside them, and replay."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from tests.crawler.conftest import page
from videre.store.archive import AD_RECORD_TYPE, PageCapture, WarcArchive, replay

DETAIL_URL = "http://127.0.0.1:8701/annons/a1b2c3"


def _capture(url: str, body: bytes, **kw: object) -> PageCapture:
    return PageCapture(url=url, status=200, body=body,
                       headers=[("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
                                ("Content-Length", "17"), ("ETag", '"abc"')],
                       request_headers=[("User-Agent", "Videre/0.1")], **kw)  # type: ignore[arg-type]


def test_pages_and_ads_are_archived_and_replayed(tmp_path: Path) -> None:
    html, expected = page("nattfjaril", "detail")
    record = {**expected["records"][0], "scraped_at": "2026-11-28T02:30:00+00:00", "html": html}
    archive = WarcArchive(tmp_path / "a" / "run.warc.gz", "nattfjaril")
    capture = _capture(expected["page_url"], html.encode("utf-8"))
    archive.write_ad(capture, {**record, "_photos": ["bytes are not archived"]})
    archive.close()

    replayed = list(replay(archive.path))
    assert replayed == [record]

    with archive.path.open("rb") as fh:
        recs = list(ArchiveIterator(fh, check_digests=True))
    assert [r.rec_type for r in recs] == ["warcinfo", "response", "request", "metadata"]
    response, request, meta = recs[1], recs[2], recs[3]
    assert response.rec_headers.get_header("WARC-Target-URI") == expected["page_url"]
    # The body is stored decoded, so the transport headers that described the wire bytes go.
    assert response.http_headers.get_header("Content-Encoding") is None
    assert response.http_headers.get_header("Content-Length") == str(len(html.encode("utf-8")))
    assert response.http_headers.get_header("ETag") == '"abc"'
    assert request.http_headers.protocol == "GET"
    assert request.rec_headers.get_header("WARC-Concurrent-To") == response.rec_headers.get_header("WARC-Record-ID")
    assert meta.rec_headers.get_header("Content-Type") == AD_RECORD_TYPE
    assert meta.rec_headers.get_header("WARC-Concurrent-To") == response.rec_headers.get_header("WARC-Record-ID")


def test_a_page_with_many_ads_is_written_once(tmp_path: Path) -> None:
    body, expected = page("vastkontakt", "api_last", "page.json")
    ads = json.loads(body)["ads"]
    capture = _capture(expected["page_url"], body.encode("utf-8"))
    archive = WarcArchive(tmp_path / "api.warc.gz", "vastkontakt")
    for ad, want in zip(ads, expected["records"], strict=True):
        archive.write_ad(capture, {**want, "html": json.dumps(ad, ensure_ascii=False)})
    archive.close()
    assert archive.pages == 1 and archive.ads == len(ads)
    replayed = list(replay(archive.path))
    # Each ad keeps its own JSON as html, not the whole page.
    assert [json.loads(r["html"]) for r in replayed] == ads
    assert gzip.open(archive.path).read(4) == b"WARC"


def test_rendered_pages_are_marked(tmp_path: Path) -> None:
    html, expected = page("kvallsros", "detail_rendered")
    archive = WarcArchive(tmp_path / "r.warc.gz", "kvallsros")
    archive.write_ad(_capture(expected["page_url"], html.encode(), rendered=True),
                     {**expected["records"][0], "html": html})
    archive.close()
    with archive.path.open("rb") as fh:
        response = [r for r in ArchiveIterator(fh) if r.rec_type == "response"][0]
    assert response.rec_headers.get_header("Videre-Rendered") == "dom"


def test_nothing_is_written_until_there_is_an_ad(tmp_path: Path) -> None:
    archive = WarcArchive(tmp_path / "none.warc.gz", "nattfjaril")
    archive.close()
    assert not archive.path.exists()


def test_each_record_is_its_own_gzip_member_and_a_photo_is_stored_uncompressed(tmp_path: Path) -> None:
    photo = bytes(range(256)) * 400  # compressible, so a deflated copy would be much smaller
    archive = WarcArchive(tmp_path / "p.warc.gz", "nattfjaril")
    archive.write_page(PageCapture(url="http://127.0.0.1:8701/p/1.jpg", status=200, body=photo,
                                   headers=[("Content-Type", "image/jpeg")]))
    archive.write_page(_capture(DETAIL_URL, b"<html>" + b"ad text " * 2000 + b"</html>"))
    archive.close()
    with archive.path.open("rb") as fh:
        recs = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
                for r in ArchiveIterator(fh, check_digests=True)]
    assert [(kind, url) for kind, url, _ in recs] == [
        ("warcinfo", None), ("response", "http://127.0.0.1:8701/p/1.jpg"),
        ("request", "http://127.0.0.1:8701/p/1.jpg"), ("response", DETAIL_URL), ("request", DETAIL_URL)]
    assert recs[1][2] == photo
    # The photo is stored as it is (deflated, this one would shrink to a few hundred bytes); the
    # page's text is deflated.
    size = archive.path.stat().st_size
    assert len(photo) < size < len(photo) + 2000 * 8 // 4
