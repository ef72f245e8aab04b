"""Raw responses as evidence: one gzipped WARC 1.1 file per crawl run, and the ad records they held.

Every response the crawl fetched is written as it arrives (crawler.pipelines.ArchivePipeline):
listing and detail pages, API JSON, photos, robots.txt, and a page rendered by a browser as
rendered (marked `Videre-Rendered: dom`). Each has a `request` record (with its body, for a form
POST) and a `response` record with the bytes as received, except a photo's (or other media's)
bytes: photos are kept as hashes and a thumbnail, and originals only when `photos.keep_originals`
says so (docs/security.md, "Photos kept"). Without it, a photo's response record keeps the headers
and says what was left out: `WARC-Truncated: unspecified`, `Videre-Body-Omitted` (the setting),
and the body's SHA-256 and length, the SHA-256 being the stored photo's own (`photos.sha256`).
Each ad read from a page gets a `metadata` record with the ad record as JSON (without `html`,
which is the response, unless the ad is only part of the page, as an API's JSON object is), tied
to the page's response.

`read_archive` is the one WARC reader: crawl replay (`replay`), `videre rescore --archive` and
retention all read archives through it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import zlib
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
from videre.extract.pages.times import parse_iso

PAGE_KEY = "_page"
AD_RECORD_TYPE = "application/vnd.videre.ad+json"
RENDERED_HEADER = "Videre-Rendered"
# A response record whose media body was left out (module docstring): why, and what it was.
OMITTED_HEADER = "Videre-Body-Omitted"
OMITTED_REASON = "photos.keep_originals is false"
OMITTED_SHA256_HEADER = "Videre-Body-SHA256"
OMITTED_LENGTH_HEADER = "Videre-Body-Length"
WARC_VERSION = "WARC/1.1"
# The response record of a fetched page, put in its request's meta as the response arrives.
WARC_ID_META = "videre_warc_id"
MAX_PAYLOAD = 20_000_000
# Scrapy hands us decoded bodies, so these would describe bytes the archive does not hold.
_TRANSPORT_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
_ids = itertools.count(1)
# Media types whose bytes are compressed already: never a page ads are read from.
BINARY_MEDIA = ("image/", "video/", "audio/", "font/")
# Deflating a photo again saves about 1 % for about 3 ms of CPU (bench/README.md, crawl): such a
# record is stored in its gzip member uncompressed (level 0); pages and ads get level 9.
STORED_LEVEL = 0
TEXT_LEVEL = 9


class _GzipMembers:
    """What a WARCWriter(gzip=False) writes to: each record (warcio ends one with flush()) becomes
    a gzip member of its own, as warcio's gzip=True makes it, at the level set before it."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.level = TEXT_LEVEL
        self._member: Any = None

    def write(self, data: bytes) -> None:
        if self._member is None:
            self._member = zlib.compressobj(self.level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        self.fh.write(self._member.compress(data))

    def flush(self) -> None:
        if self._member is not None:
            self.fh.write(self._member.flush())
            self._member = None
        self.fh.flush()


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
    request_body: bytes = b""
    # Set when the response is already in the archive (written as it arrived).
    record_id: str | None = None
    # Fetched as an ad's photo: media, whatever its Content-Type says.
    photo: bool = False
    # Identity within one process: the same page is written once, however many ads it held.
    capture_id: int = field(default_factory=lambda: next(_ids))


def capture(response: Any, photo: bool = False) -> PageCapture:
    """The exchange behind a Scrapy response, for the archive; `photo`: fetched as an ad's photo."""
    request = response.request
    return PageCapture(
        url=response.url,
        status=response.status,
        body=response.body,
        headers=[(k.decode("latin-1"), v.decode("latin-1"))
                 for k, vs in response.headers.items() for v in vs],
        request_headers=[(k.decode("latin-1"), v.decode("latin-1"))
                         for k, vs in (request.headers.items() if request else []) for v in vs],
        method=request.method if request else "GET",
        rendered=bool(response.meta.get("playwright")) if request else False,
        request_body=(request.body or b"") if request else b"",
        record_id=response.meta.get(WARC_ID_META) if request else None,
        photo=photo,
    )


def _http_headers(headers: list[tuple[str, str]], length: int) -> list[tuple[str, str]]:
    kept = [(k, v) for k, v in headers if k.lower() not in _TRANSPORT_HEADERS]
    return [*kept, ("Content-Length", str(length))]


def _warc_date(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class WarcArchive:
    """Appends pages and ads to one WARC file, opened on first use. `keep_media`: write the bytes of
    photos and other media too (`photos.keep_originals`); without it their records omit them."""

    def __init__(self, path: Path, site: str, keep_media: bool = False) -> None:
        self.path = path
        self.site = site
        self.keep_media = keep_media
        self._fh: IO[bytes] | None = None
        self._out: _GzipMembers | None = None
        self._writer: WARCWriter | None = None
        self._written: dict[int, str] = {}
        self.pages = 0
        self.ads = 0

    def _open(self) -> WARCWriter:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("ab")
            self._out = _GzipMembers(self._fh)
            # One version throughout: the records say WARC/1.1, as the warcinfo does.
            self._writer = WARCWriter(self._out, gzip=False, warc_version=WARC_VERSION)
            self._writer.write_record(self._writer.create_warcinfo_record(self.path.name, {
                "software": f"Videre/{__version__}", "format": "WARC File Format 1.1",
                "isPartOf": self.site,
            }))
        return self._writer

    def write_page(self, page: PageCapture) -> str:
        """Write the request and response once; return the response's WARC-Record-ID."""
        if page.record_id:
            return page.record_id
        if page.capture_id in self._written:
            return self._written[page.capture_id]
        writer = self._open()
        date = _warc_date(page.fetched_at)
        parts = urlsplit(page.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request = writer.create_warc_record(
            page.url, "request", payload=BytesIO(page.request_body), length=len(page.request_body),
            http_headers=StatusAndHeaders(f"{page.method} {target} HTTP/1.1",
                                          _http_headers([("Host", parts.netloc), *page.request_headers],
                                                        len(page.request_body)),
                                          is_http_request=True),
            warc_headers_dict={"WARC-Date": date},
        )
        extra = {RENDERED_HEADER: "dom"} if page.rendered else {}
        media = page.photo or _is_binary(page.headers)
        body = page.body
        if media and not self.keep_media and body:
            body = b""
            extra.update({"WARC-Truncated": "unspecified", OMITTED_HEADER: OMITTED_REASON,
                          OMITTED_SHA256_HEADER: hashlib.sha256(page.body).hexdigest(),
                          OMITTED_LENGTH_HEADER: str(len(page.body))})
        response = writer.create_warc_record(
            page.url, "response", payload=BytesIO(body), length=len(body),
            http_headers=StatusAndHeaders(f"{page.status} {'OK' if page.status == 200 else ''}".strip(),
                                          _http_headers(page.headers, len(body)),
                                          protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": date, **extra},
        )
        response_id = response.rec_headers.get_header("WARC-Record-ID")
        request.rec_headers.add_header("WARC-Concurrent-To", response_id)
        assert self._out is not None
        self._out.level = STORED_LEVEL if media and body else TEXT_LEVEL
        try:
            writer.write_record(response)
        finally:
            self._out.level = TEXT_LEVEL
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
            warc_headers_dict={"WARC-Concurrent-To": response_id,
                               "WARC-Date": _warc_date(datetime.now(timezone.utc))},
        ))
        self.ads += 1

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        self._fh = self._out = self._writer = None


def _media_type(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def _is_binary(headers: list[tuple[str, str]]) -> bool:
    return any(k.lower() == "content-type" and _media_type(v).startswith(BINARY_MEDIA) for k, v in headers)


@dataclass(frozen=True)
class ArchivedRecord:
    """One WARC record as read back: its headers, and its payload (an HTTP body without headers)."""

    kind: str
    record_id: str
    url: str
    date: datetime | None
    concurrent_to: str
    content_type: str
    payload: bytes
    # The payload was longer than the reader's limit (then it is empty), or not asked for.
    skipped: bool
    rendered: bool
    site: str
    status: int | None
    # The HTTP Content-Type of a response ("image/jpeg"), lower-cased without parameters.
    media_type: str = ""

    @property
    def is_binary(self) -> bool:
        """A photo or other media: never a page ads are read from."""
        return self.media_type.startswith(BINARY_MEDIA)

    @property
    def is_ad(self) -> bool:
        return self.kind == "metadata" and self.content_type == AD_RECORD_TYPE


def _when(value: str | None) -> datetime | None:
    return parse_iso(value) if value else None


def read_archive(path: Path, *, payloads: bool = True, max_payload: int = MAX_PAYLOAD
                 ) -> Iterator[ArchivedRecord]:
    """Every record of a WARC file in order, with the site its warcinfo names (`isPartOf`).

    Payloads are read up to `max_payload` bytes; a longer one is left out and marked `skipped`.
    """
    site = ""
    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh):
            headers = rec.rec_headers
            payload, skipped = b"", not payloads
            if payloads or rec.rec_type == "warcinfo":
                payload = rec.content_stream().read(max_payload + 1)
                if len(payload) > max_payload:
                    payload, skipped = b"", True
            if rec.rec_type == "warcinfo":
                for line in payload.decode("utf-8", "replace").splitlines():
                    if line.lower().startswith("ispartof:"):
                        site = line.split(":", 1)[1].strip()
            status, media = None, ""
            if rec.rec_type == "response" and rec.http_headers is not None:
                code = rec.http_headers.get_statuscode()
                status = int(code) if code and code.isdigit() else None
                media = _media_type(rec.http_headers.get_header("Content-Type") or "")
            yield ArchivedRecord(
                kind=rec.rec_type, record_id=headers.get_header("WARC-Record-ID") or "",
                url=headers.get_header("WARC-Target-URI") or "",
                date=_when(headers.get_header("WARC-Date")),
                concurrent_to=headers.get_header("WARC-Concurrent-To") or "",
                content_type=headers.get_header("Content-Type") or "",
                payload=payload, skipped=skipped, rendered=bool(headers.get_header(RENDERED_HEADER)),
                site=site, status=status, media_type=media,
            )


def copy_archive(src: Path, dst: Path, keep: set[str]) -> None:
    """Write the records of `src` whose ids are in `keep` to `dst`, unchanged."""
    with src.open("rb") as fh, dst.open("wb") as out:
        writer = WARCWriter(out, gzip=src.name.endswith(".gz"))
        for rec in ArchiveIterator(fh):
            if rec.rec_headers.get_header("WARC-Record-ID") in keep:
                writer.write_record(rec)


def replay(path: Path) -> Iterator[dict[str, Any]]:
    """The ad records of an archive, each with the page it came from as `html`."""
    bodies: dict[str, str] = {}
    for rec in read_archive(path):
        if rec.kind == "response" and not rec.is_binary:
            bodies[rec.record_id] = rec.payload.decode("utf-8", "replace")
        elif rec.is_ad:
            record = json.loads(rec.payload)
            page = bodies.get(rec.concurrent_to)
            if page is not None and "html" not in record:
                record["html"] = page
            yield record
