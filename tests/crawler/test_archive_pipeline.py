"""The archive pipeline: every response goes to the run's WARC as it arrives, and a photo's bytes
only when `photos.keep_originals` is set (docs/security.md, "Photos kept")."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from crawler.pipelines import PHOTO_META, ArchivePipeline
from crawler.run_tracker import ARCHIVE_STAT
from videre.core.config import parse_settings
from videre.store.archive import OMITTED_HEADER, WARC_ID_META

PAGE_URL = "http://127.0.0.1:8701/annons/1"
PHOTO_URL = "http://127.0.0.1:8701/bild/1.jpg"
# A photo served with a wrong type: known as a photo by how it was asked for.
PHOTO_BYTES = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40


def _archived(tmp_path: Path, keep_originals: bool) -> dict[str, tuple[bytes, str | None]]:
    settings = parse_settings({"database": {"url": f"sqlite:///{tmp_path / 'v.db'}"}, "data_dir": str(tmp_path),
                               "photos": {"keep_originals": keep_originals}}, env={})
    crawler = get_crawler(Spider, {"VIDERE_SETTINGS": settings, "VIDERE_SITE": "nattfjaril"})
    pipeline = ArchivePipeline.from_crawler(crawler)
    page = Request(PAGE_URL)
    photo = Request(PHOTO_URL, meta={PHOTO_META: True})
    spider = Spider("nattfjaril")
    pipeline.response_received(HtmlResponse(PAGE_URL, body=b"<p>Ny i stan</p>", request=page), page, spider)
    pipeline.response_received(Response(PHOTO_URL, body=PHOTO_BYTES, request=photo,
                                        headers={"Content-Type": "application/octet-stream"}), photo, spider)
    assert page.meta[WARC_ID_META] and photo.meta[WARC_ID_META]
    assert pipeline.archive is not None
    pipeline.archive.close()
    with Path(crawler.stats.get_value(ARCHIVE_STAT)).open("rb") as fh:
        return {r.rec_headers.get_header("WARC-Target-URI"): (r.content_stream().read(),
                                                              r.rec_headers.get_header(OMITTED_HEADER))
                for r in ArchiveIterator(fh, check_digests=True) if r.rec_type == "response"}


@pytest.mark.parametrize("keep_originals", [False, True])
def test_a_photo_is_archived_with_its_bytes_only_when_originals_are_kept(tmp_path: Path,
                                                                       keep_originals: bool) -> None:
    records = _archived(tmp_path, keep_originals)
    assert records[PAGE_URL] == (b"<p>Ny i stan</p>", None)
    body, omitted = records[PHOTO_URL]
    if keep_originals:
        assert (body, omitted) == (PHOTO_BYTES, None)
    else:
        assert body == b"" and omitted == "photos.keep_originals is false"
