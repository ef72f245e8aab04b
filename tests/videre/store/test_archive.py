"""WARC archives: valid records for each page once, the ad records beside them, and replay."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from tests.crawler.conftest import page
from videre.store.archive import (
    AD_RECORD_TYPE,
    OMITTED_HEADER,
    OMITTED_LENGTH_HEADER,
    OMITTED_SHA256_HEADER,
    PageCapture,
    WarcArchive,
    replay,
)

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


def _photo_archive(tmp_path: Path, body: bytes, keep_media: bool, **kw: object) -> list[tuple[str, str, bytes, object]]:
    archive = WarcArchive(tmp_path / "p.warc.gz", "nattfjaril", keep_media=keep_media)
    archive.write_page(PageCapture(url="http://127.0.0.1:8701/p/1.jpg", status=200, body=body, **kw))  # type: ignore[arg-type]
    archive.write_page(_capture(DETAIL_URL, b"<html>" + b"ad text " * 2000 + b"</html>"))
    archive.close()
    with archive.path.open("rb") as fh:
        return [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read(), r)
                for r in ArchiveIterator(fh, check_digests=True)]


def test_a_photo_is_archived_without_its_bytes_unless_originals_are_kept(tmp_path: Path) -> None:
    photo = bytes(range(256)) * 400
    recs = _photo_archive(tmp_path, photo, keep_media=False, headers=[("Content-Type", "image/jpeg")])
    assert [(kind, url) for kind, url, _, _ in recs] == [
        ("warcinfo", None), ("response", "http://127.0.0.1:8701/p/1.jpg"),
        ("request", "http://127.0.0.1:8701/p/1.jpg"), ("response", DETAIL_URL), ("request", DETAIL_URL)]
    response = recs[1][3]
    # The fetch is on record (headers, and which photo it was), the picture is not.
    assert recs[1][2] == b""
    assert response.http_headers.get_header("Content-Type") == "image/jpeg"  # type: ignore[attr-defined]
    assert response.http_headers.get_header("Content-Length") == "0"  # type: ignore[attr-defined]
    headers = response.rec_headers  # type: ignore[attr-defined]
    assert headers.get_header("WARC-Truncated") == "unspecified"
    assert headers.get_header(OMITTED_HEADER) == "photos.keep_originals is false"
    assert headers.get_header(OMITTED_SHA256_HEADER) == hashlib.sha256(photo).hexdigest()
    assert headers.get_header(OMITTED_LENGTH_HEADER) == str(len(photo))
    assert len(recs[3][2]) == 6 + 8 * 2000 + 7  # the page is whole
    assert (tmp_path / "p.warc.gz").stat().st_size < len(photo) // 4


def test_a_photo_is_known_by_how_it_was_fetched_whatever_its_content_type(tmp_path: Path) -> None:
    recs = _photo_archive(tmp_path, b"\xff\xd8 not a page", keep_media=False,
                          headers=[("Content-Type", "text/plain")], photo=True)
    assert recs[1][2] == b"" and recs[1][3].rec_headers.get_header(OMITTED_HEADER)  # type: ignore[attr-defined]


def test_kept_originals_are_archived_whole_each_record_its_own_gzip_member(tmp_path: Path) -> None:
    photo = bytes(range(256)) * 400  # compressible, so a deflated copy would be much smaller
    recs = _photo_archive(tmp_path, photo, keep_media=True, headers=[("Content-Type", "image/jpeg")])
    assert recs[1][2] == photo and recs[1][3].rec_headers.get_header(OMITTED_HEADER) is None  # type: ignore[attr-defined]
    # The photo is stored as it is (deflated, this one would shrink to a few hundred bytes); the
    # page's text is deflated.
    size = (tmp_path / "p.warc.gz").stat().st_size
    assert len(photo) < size < len(photo) + 2000 * 8 // 4
