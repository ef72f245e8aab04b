"""Raw pages as evidence: one gzipped WARC file per crawl run, and the ad records they held.

For every page that gave ads the archive holds a `request` record, a `response` record with the
bytes as received (for a page rendered by a browser: the rendered DOM, marked so) and, for each ad
read from it, a `metadata` record with the ad record as JSON (without `html`, which is the
response, unless the ad is only part of the page, as an API's JSON object is). `replay` turns a file back into ad records, so a crawl can be re-ingested without
fetching anything.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from videre import __version__

PAGE_KEY = "_page"
AD_RECORD_TYPE = "application/vnd.videre.ad+json"
RENDERED_HEADER = "Videre-Rendered"
# Scrapy hands us decoded bodies, so these would describe bytes the archive does not hold.
_TRANSPORT_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
_ids = itertools.count(1)


@dataclass(frozen=True)
class PageCapture:
    """The exchange behind a page, as the spider saw it; shared by every ad read from the page."""

    url: str
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    method: str = "GET"
    rendered: bool = False
    fetched_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    # Identity within one process: the same page is written once, however many ads it held.
    capture_id: int = field(default_factory=lambda: next(_ids))


def _http_headers(headers: list[tuple[str, str]], length: int) -> list[tuple[str, str]]:
    kept = [(k, v) for k, v in headers if k.lower() not in _TRANSPORT_HEADERS]
    return [*kept, ("Content-Length", str(length))]


def _warc_date(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class WarcArchive:
    """Appends pages and ads to one WARC file, opened on first use."""

    def __init__(self, path: Path, site: str) -> None:
        self.path = path
        self.site = site
        self._fh: IO[bytes] | None = None
        self._writer: WARCWriter | None = None
        self._written: dict[int, str] = {}
        self.pages = 0
        self.ads = 0

    def _open(self) -> WARCWriter:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("ab")
            self._writer = WARCWriter(self._fh, gzip=True)
            self._writer.write_record(self._writer.create_warcinfo_record(self.path.name, {
                "software": f"Videre/{__version__}", "format": "WARC File Format 1.1",
                "isPartOf": self.site,
            }))
        return self._writer

    def write_page(self, page: PageCapture) -> str:
        """Write the request and response once; return the response's WARC-Record-ID."""
        if page.capture_id in self._written:
            return self._written[page.capture_id]
        writer = self._open()
        date = _warc_date(page.fetched_at)
        parts = urlsplit(page.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request = writer.create_warc_record(
            page.url, "request",
            http_headers=StatusAndHeaders(f"{page.method} {target} HTTP/1.1",
                                          [("Host", parts.netloc), *page.request_headers],
                                          is_http_request=True),
            warc_headers_dict={"WARC-Date": date},
        )
        extra = {RENDERED_HEADER: "dom"} if page.rendered else {}
        response = writer.create_warc_record(
            page.url, "response", payload=BytesIO(page.body), length=len(page.body),
            http_headers=StatusAndHeaders(f"{page.status} {'OK' if page.status == 200 else ''}".strip(),
                                          _http_headers(page.headers, len(page.body)),
                                          protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": date, **extra},
        )
        response_id = response.rec_headers.get_header("WARC-Record-ID")
        request.rec_headers.add_header("WARC-Concurrent-To", response_id)
        writer.write_record(response)
        writer.write_record(request)
        self._written[page.capture_id] = response_id
        self.pages += 1
        return response_id

    def write_ad(self, page: PageCapture, record: Mapping[str, Any]) -> None:
        """The ad record read from `page`, tied to the page's response record."""
        response_id = self.write_page(page)
        public = {k: v for k, v in record.items() if not k.startswith("_")}
        # The page's own bytes stand for html; an ad cut from a bigger page (an API's JSON) keeps its own.
        if public.get("html") == page.body.decode("utf-8", "replace"):
            del public["html"]
        payload = json.dumps(public, ensure_ascii=False).encode("utf-8")
        writer = self._open()
        writer.write_record(writer.create_warc_record(
            str(record.get("url") or page.url), "metadata", payload=BytesIO(payload),
            length=len(payload), warc_content_type=AD_RECORD_TYPE,
            warc_headers_dict={"WARC-Concurrent-To": response_id},
        ))
        self.ads += 1

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        self._fh = self._writer = None


def replay(path: Path) -> Iterator[dict[str, Any]]:
    """The ad records of an archive, each with the page it came from as `html`."""
    bodies: dict[str, str] = {}
    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh):
            kind = rec.rec_type
            if kind == "response":
                body = rec.content_stream().read()
                bodies[rec.rec_headers.get_header("WARC-Record-ID")] = body.decode("utf-8", "replace")
            elif kind == "metadata" and rec.rec_headers.get_header("Content-Type") == AD_RECORD_TYPE:
                record = json.loads(rec.content_stream().read())
                page = bodies.get(rec.rec_headers.get_header("WARC-Concurrent-To") or "")
                if page is not None and "html" not in record:
                    record["html"] = page
                yield record
