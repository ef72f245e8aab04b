"""Item pipelines, in order: archive the page (WARC), fetch the photos, store the ad.

Thin glue built in `from_crawler`; the work happens in videre.store.archive, videre.extract.normalise and
videre.store.ingest. Keys starting with `_` are private to the crawl and never reach the store.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, StopDownload
from scrapy.http import Headers, Response

from crawler.incremental import CHECKED_KEY, SEEN_KEY, VALIDATORS_KEY
from crawler.photo_workers import photo_pool
from crawler.run_tracker import ARCHIVE_STAT, RUN_ID_STAT, crawl_problem, ingest_finished
from crawler.screenshots import MAX_SCREENSHOT_BYTES, SCREENSHOT_KEY, save_screenshot
from videre.core.config import Settings
from videre.core.errors import ImageRejected, InputError
from videre.extract.normalise.photo_checks import PhotoLimits, check_download
from videre.extract.records import AdRecord, FetchedPhoto, parse_record
from videre.store.archive import PAGE_KEY, WARC_ID_META, WarcArchive, capture
from videre.store.db import Database
from videre.store.ingest import Ingestor, IngestOutcome
from videre.store.page_memory import validators
from videre.store.photo_rows import PhotoConfig, PhotoRow, photo_rows
from videre.store.prepared import PrepareConfig, Prepared, content_hash, prepare

PHOTO_META = "videre_photo"
REJECTED_META = "videre_photo_rejected"

HASHED_KEY = "_hashed"
# A photo shown by several ads of a run (a URL) is fetched and hashed once, as Scrapy's duplicate
# filter fetches a page once: its row or error is remembered, for this many photos at most
# (rows hold hashes and a thumbnail, not the picture).
MAX_KNOWN_PHOTOS = 2000
PhotoResult = tuple[list[PhotoRow], list[str]]
# Ads written in one transaction at most.
MAX_STORE_BATCH = 50
# A batch costs the store thread about 5 ms of CPU whatever its size (a transaction and a dozen
# statements), on the crawl's one GIL: while pages are still being fetched, a batch of fewer than
# GATHER_ADS waits GATHER_S for more before it is written. A crawl of 125 ads wrote 57 batches of
# 1-3 ads without it, 9 with it, and the store thread's CPU fell from 0.51-0.55 s to 0.22 s
# (bench/README.md, crawl).
GATHER_ADS = 20
GATHER_S = 0.1
# How often a gathering batch looks again whether more ads may come: an ad that came while the
# crawl's last requests were in flight need not wait out GATHER_S once they have ended.
GATHER_CHECK_S = 0.01

# Storing must not interleave (two ads may bring the same new phone): one thread for the whole
# process keeps the reactor free and the writes in order.
_STORE_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="videre-store")


def public(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if not k.startswith("_")}


class ArchivePipeline:
    """Writes each page once, and each ad read from it, to this run's WARC file."""

    def __init__(self, crawler: Crawler, settings: Settings, site: str) -> None:
        self.crawler = crawler
        self.settings = settings
        self.site = site
        self.archive: WarcArchive | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ArchivePipeline":
        pipeline = cls(crawler, crawler.settings["VIDERE_SETTINGS"], crawler.settings["VIDERE_SITE"])
        crawler.signals.connect(pipeline.response_received, signal=signals.response_received)
        return pipeline

    def response_received(self, response: Response, request: Request, spider: Any) -> None:
        """Every response goes to the archive as it arrives; ads read from it point back to it."""
        try:
            record_id = self._archive().write_page(capture(response, photo=bool(request.meta.get(PHOTO_META))))
        except OSError as exc:
            self._problem(response.url, f"cannot write WARC: {exc}")
            return
        request.meta[WARC_ID_META] = record_id

    def _archive(self) -> WarcArchive:
        if self.archive is None:
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            run_id = self.crawler.stats.get_value(RUN_ID_STAT)
            name = f"{stamp}-run{run_id}.warc.gz" if run_id else f"{stamp}.warc.gz"
            # Photos' bytes only when originals are kept (docs/security.md, "Photos kept").
            self.archive = WarcArchive(self.settings.path("archive", self.site, name), self.site,
                                       keep_media=self.settings.photos.keep_originals)
            self.crawler.stats.set_value(ARCHIVE_STAT, str(self.archive.path))
        return self.archive

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        page = item.pop(PAGE_KEY, None)
        if page is not None:
            try:
                self._archive().write_ad(page, item)
            except OSError as exc:
                # Losing the evidence copy is serious but must not lose the ad itself.
                self._problem(page.url, f"cannot write WARC: {exc}")
            if page.url == item.get("url"):
                # The ad's own page: its validators let the next crawl ask "changed since?".
                item[VALIDATORS_KEY] = validators(page.headers)
        shot = item.pop(SCREENSHOT_KEY, None)
        if isinstance(shot, bytes):
            self._screenshot(str(item.get("url")), shot)
        return item

    def _screenshot(self, url: str, png: bytes) -> None:
        if len(png) > MAX_SCREENSHOT_BYTES:
            self._problem(url, f"screenshot of {len(png)} bytes not kept (limit {MAX_SCREENSHOT_BYTES})")
            return
        try:
            save_screenshot(self.settings, self.site, url, png, datetime.now(timezone.utc))
        except OSError as exc:
            self._problem(url, f"cannot write screenshot: {exc}")

    def _problem(self, where: str, message: str) -> None:
        self.crawler.signals.send_catch_log(crawl_problem, kind="archive", where=where, message=message)

    def close_spider(self) -> None:
        if self.archive is not None:
            self.archive.close()


class PhotoPipeline:
    """Fetches each photo through Scrapy's engine (so robots, throttling and limits apply)."""

    def __init__(self, crawler: Crawler, limits: PhotoLimits, config: PhotoConfig) -> None:
        self.crawler = crawler
        self.limits = limits
        self.config = config
        self.known: OrderedDict[str, asyncio.Future[PhotoResult]] = OrderedDict()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "PhotoPipeline":
        settings: Settings = crawler.settings["VIDERE_SETTINGS"]
        pipeline = cls(crawler, PhotoLimits.from_settings(settings.photos),
                       PrepareConfig.from_settings(settings).photos)
        crawler.signals.connect(pipeline.headers_received, signal=signals.headers_received)
        return pipeline

    def headers_received(self, headers: Headers, body_length: int, request: Request, spider: Any) -> None:
        """Refuse a photo on its headers, before its body is downloaded."""
        if not request.meta.get(PHOTO_META):
            return
        try:
            check_download(_content_type(headers), body_length if body_length >= 0 else None, self.limits)
        except ImageRejected as exc:
            request.meta[REJECTED_META] = str(exc)
            raise StopDownload(fail=True) from None

    async def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        if item.get(SEEN_KEY) or self._unchanged(item):
            return item
        urls = [str(url) for url in item.get("images") or []]
        # shield: an ad given up on (a closing spider) must not cancel a photo other ads share.
        done = await asyncio.gather(*(asyncio.shield(self.photo(url)) for url in urls))
        item[HASHED_KEY] = ([row for rows, _ in done for row in rows],
                            [error for _, errors in done for error in errors])
        return item

    def photo(self, url: str) -> asyncio.Future[PhotoResult]:
        """The photo's row or error, fetched and hashed once however many ads show it."""
        known = self.known.get(url)
        if known is not None:
            self.known.move_to_end(url)
            return known
        known = self.known[url] = asyncio.ensure_future(self._fetch_and_hash(url))
        if len(self.known) > MAX_KNOWN_PHOTOS:
            self.known.popitem(last=False)
        return known

    async def _fetch_and_hash(self, url: str) -> PhotoResult:
        photo = await self.fetch(url)
        if photo.data is None:
            return photo_rows([photo], self.config)  # only why it could not be had
        loop = asyncio.get_running_loop()
        pool = photo_pool()
        if pool is not None:
            try:
                return await loop.run_in_executor(pool, photo_rows, [photo], self.config)
            except BrokenProcessPool:
                pass  # a worker died (out of memory?): the store thread hashes it
        return await loop.run_in_executor(_STORE_THREAD, photo_rows, [photo], self.config)

    def _unchanged(self, item: dict[str, Any]) -> bool:
        """The stored ad already has exactly this content: its photos need not be fetched again."""
        memory = getattr(self.crawler.spider, "pages", None)
        if memory is None or not memory.known(str(item.get("url"))):
            return False
        try:
            return memory.same_content(str(item["url"]), content_hash(parse_record(public(item))))
        except InputError:
            return False  # the store reports it

    async def fetch(self, url: str) -> FetchedPhoto:
        """The photo's bytes, or why there are none; never raises."""
        # Offsite filtering applies: crawler.offsite allows the site's own hosts and its photo_hosts.
        request = Request(url, meta={
            PHOTO_META: True, "download_maxsize": self.limits.max_bytes,
            "download_warnsize": self.limits.max_bytes,
        })
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # noqa: BLE001 - every failure of one photo is that photo's error
            reason = request.meta.get(REJECTED_META) or f"{type(exc).__name__}: {exc}"
            return FetchedPhoto(url, error=reason[:500])
        if response.status != 200:
            return FetchedPhoto(url, error=f"HTTP {response.status}")
        content_type = _content_type(response.headers)
        try:
            check_download(content_type, len(response.body), self.limits)
        except ImageRejected as exc:
            return FetchedPhoto(url, error=str(exc))
        return FetchedPhoto(url, data=response.body, content_type=content_type)


def _content_type(headers: Headers) -> str | None:
    value = headers.get("Content-Type")
    return value.decode("latin-1") if value else None


@dataclass(frozen=True)
class ToStore:
    record: AdRecord
    hashed: PhotoResult | None
    page: tuple[str, str] | None
    # Extracted in a photo worker already (StorePipeline._prepared); None: the store thread does it.
    prepared: Prepared | None = None


class StorePipeline:
    """Hands ad records and their photos to the Ingestor, as `videre import` does.

    Each ad is extracted in a photo worker when there is one (`_prepared`). Ads are written in
    batches, one transaction each (at most MAX_STORE_BATCH ads): while requests are in flight, a
    batch of fewer than GATHER_ADS waits up to GATHER_S for more, and ads that arrive while a batch
    is being written go in the next. An ad is done only once its batch has committed, so a crawl
    killed at any point has stored every ad it reported, and its page is fetched again next time
    otherwise.
    """

    def __init__(self, crawler: Crawler, settings: Settings) -> None:
        self.crawler = crawler
        self.settings = settings
        self.db: Database | None = None
        self.ingestor: Ingestor | None = None
        self.waiting: list[tuple[ToStore, asyncio.Future[IngestOutcome]]] = []
        self.writing = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "StorePipeline":
        return cls(crawler, crawler.settings["VIDERE_SETTINGS"])

    def open_spider(self) -> None:
        self.db = Database.from_settings(self.settings)
        self.ingestor = Ingestor(self.settings, self.db)

    async def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        assert self.ingestor is not None
        loop = asyncio.get_running_loop()
        if item.get(SEEN_KEY):
            await loop.run_in_executor(_STORE_THREAD, self.ingestor.seen, str(item["url"]),
                                       bool(item.get(CHECKED_KEY)))
            self.crawler.stats.inc_value("videre/ads/unchanged")
            return public(item)
        record_obj = public(item)
        try:
            record = parse_record(record_obj)
        except InputError as exc:
            self.crawler.signals.send_catch_log(crawl_problem, kind="record",
                                                where=str(record_obj.get("url", "?"))[:300], message=str(exc))
            raise DropItem(f"not a valid ad record: {exc}") from None
        hashed, page = item.get(HASHED_KEY), item.get(VALIDATORS_KEY)
        done: asyncio.Future[IngestOutcome] = loop.create_future()
        self.waiting.append((ToStore(record, hashed, page, await self._prepared(record, hashed, page)), done))
        if not self.writing:
            self.writing = True
            asyncio.ensure_future(self._drain())
        outcome = await done
        self.crawler.stats.inc_value(f"videre/ads/{outcome.status}")
        # What Scrapy logs and exports: the ad record itself, without photo bytes.
        return record_obj

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self.waiting:
                await self._gathered()
                batch = self.waiting[:MAX_STORE_BATCH]
                del self.waiting[:MAX_STORE_BATCH]
                try:
                    results = await loop.run_in_executor(_STORE_THREAD, self._write, [t for t, _ in batch])
                except Exception as exc:  # noqa: BLE001 - every waiting ad must hear of it
                    results = [exc] * len(batch)
                for (_, future), result in zip(batch, results):
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self.writing = False

    async def _gathered(self) -> None:
        """Wait up to GATHER_S for GATHER_ADS ads, while more may come: no longer once nothing is
        in flight or waiting."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + GATHER_S
        while len(self.waiting) < GATHER_ADS and self._more_coming() and (left := deadline - loop.time()) > 0:
            await asyncio.sleep(min(GATHER_CHECK_S, left))

    async def _prepared(self, record: AdRecord, hashed: PhotoResult | None,
                        page: tuple[str, str] | None) -> Prepared | None:
        """The ad extracted in a photo worker, off this process's one GIL (the crawl's critical path:
        bench/README.md, crawl), as `videre import` extracts in its workers; None on one core or
        when the workers are gone, and the store thread extracts it."""
        pool = photo_pool()
        if pool is None:
            return None
        assert self.ingestor is not None
        try:
            return await asyncio.get_running_loop().run_in_executor(
                pool, prepare, record, [], self.ingestor.config, page, hashed)
        except BrokenProcessPool:
            return None

    def _more_coming(self) -> bool:
        """Whether requests are in flight or waiting: then more ads may be on their way. At the end
        of a crawl none are, and the last ads are written at once."""
        engine = self.crawler.engine
        if engine is None:
            return False
        scheduler = engine.scheduler
        return bool(engine.downloader.active) or (scheduler is not None and scheduler.has_pending_requests())

    def _write(self, batch: list[ToStore]) -> list[IngestOutcome | BaseException]:
        """On the store thread: write a batch in one transaction (extracting the ads no worker did);
        when the database refuses it, each ad alone, so one bad ad costs only itself."""
        assert self.ingestor is not None
        ingestor = self.ingestor
        prepared = [t.prepared if t.prepared is not None else prepare(t.record, [], ingestor.config, t.page, t.hashed)
                    for t in batch]
        try:
            return list(ingestor.write(prepared))
        except Exception as exc:  # noqa: BLE001 - retried one by one below, where each error is its ad's
            if len(prepared) == 1:
                return [exc]
        results: list[IngestOutcome | BaseException] = []
        for p in prepared:
            try:
                results.append(ingestor.write([p])[0])
            except Exception as exc:  # noqa: BLE001 - the error of this ad alone
                results.append(exc)
        return results

    def close_spider(self) -> None:
        if self.ingestor is not None:
            self.crawler.signals.send_catch_log(ingest_finished, tally=self.ingestor.tally)
        if self.db is not None:
            self.db.dispose()
