"""The store pipeline: ads are extracted in the photo workers when there are some; while pages are
being fetched, ads that come close together are written together; each ad is done only once its
batch has committed; and at the end of a crawl the last ads are not kept waiting for company."""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler
from sqlalchemy import func, select

from crawler import pipelines
from crawler.pipelines import GATHER_S, StorePipeline, ToStore
from models.ads import Ad
from videre.core.config import parse_settings
from videre.store.ingest import IngestOutcome

N_ADS = 30


@pytest.fixture(autouse=True)
def _no_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """One core's way unless a test gives the pipeline workers: the store thread extracts."""
    monkeypatch.setattr(pipelines, "photo_pool", lambda: None)


class _Workers(ProcessPoolExecutor):
    """A photo worker pool, as the crawl process has (spawned), that notes what it is given."""

    def __init__(self) -> None:
        super().__init__(1, mp_context=multiprocessing.get_context("spawn"))
        self.given: list[str] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        self.given.append(fn.__name__)
        return super().submit(fn, *args, **kwargs)


def _pipeline(tmp_path: Path, fetching: bool) -> tuple[StorePipeline, list[int]]:
    settings = parse_settings({"database": {"url": f"sqlite:///{tmp_path / 'v.db'}"}, "data_dir": str(tmp_path)},
                              env={})
    crawler = get_crawler(Spider, {"VIDERE_SETTINGS": settings})
    # What the pipeline asks of the engine: whether requests are in flight or waiting.
    crawler.engine = SimpleNamespace(downloader=SimpleNamespace(active={"a page"} if fetching else set()),
                                     scheduler=None)  # type: ignore[assignment]
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    sizes: list[int] = []
    write = pipeline._write

    def counted(batch: list[ToStore]) -> list[IngestOutcome | BaseException]:
        sizes.append(len(batch))
        return write(batch)

    pipeline._write = counted  # type: ignore[method-assign]
    return pipeline, sizes


def _ad(i: int) -> dict[str, Any]:
    return {"url": f"https://www.nattsida.test/annons/{i}", "site": "nattsida", "title": f"Ny i stan {i}",
            "body": f"Hej! Ring 070-123 45 {i:02d}", "region": "SE"}


def _stored(pipeline: StorePipeline) -> int:
    assert pipeline.db is not None
    with pipeline.db.session() as s:
        return int(s.scalar(select(func.count(Ad.id))) or 0)


def _written_at_once(pipeline: StorePipeline, sizes: list[int], ads: Any, n_ads: int) -> float:
    """Run `ads` (a coroutine function feeding the pipeline); check its `n_ads` ads were written in
    one batch and committed by the time it returned; how long it took. Closes the pipeline."""
    try:
        begun = time.monotonic()
        asyncio.run(ads())
        waited = time.monotonic() - begun
        assert sizes == [n_ads]
        assert _stored(pipeline) == n_ads  # committed by the time process_item returned
        return waited
    finally:
        pipeline.close_spider()


def test_ads_that_come_close_together_while_pages_are_fetched_are_written_in_few_batches(
        tmp_path: Path) -> None:
    pipeline, sizes = _pipeline(tmp_path, fetching=True)

    async def crawl() -> None:
        # Ads arriving 5 ms apart, as a crawl's pages do: each batch would have held one or two.
        items = []
        for i in range(N_ADS):
            items.append(asyncio.ensure_future(pipeline.process_item(_ad(i))))
            await asyncio.sleep(0.005)
        await asyncio.gather(*items)

    try:
        asyncio.run(crawl())
        assert sum(sizes) == N_ADS
        assert len(sizes) <= 3, sizes
        assert max(sizes) >= 10  # without gathering: 1-2 an ad every 5 ms
        assert _stored(pipeline) == N_ADS
    finally:
        pipeline.close_spider()


def test_a_lone_ad_waits_at_most_the_gathering_time(tmp_path: Path) -> None:
    pipeline, sizes = _pipeline(tmp_path, fetching=True)

    async def one() -> None:
        await pipeline.process_item(_ad(1))

    waited = _written_at_once(pipeline, sizes, one, 1)
    assert GATHER_S <= waited < GATHER_S + 5.0  # the write itself, on a loaded machine


def test_with_nothing_left_to_fetch_the_last_ads_are_written_at_once(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipelines, "GATHER_S", 30.0)  # a wait would show
    pipeline, sizes = _pipeline(tmp_path, fetching=False)

    async def last() -> None:
        await asyncio.gather(*(pipeline.process_item(_ad(i)) for i in range(3)))

    assert _written_at_once(pipeline, sizes, last, 3) < 10.0


def test_a_gathering_batch_is_written_as_soon_as_the_last_request_ends(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipelines, "GATHER_S", 30.0)  # waiting it out would show
    pipeline, sizes = _pipeline(tmp_path, fetching=True)

    async def last_photo_then_done() -> None:
        ad = asyncio.ensure_future(pipeline.process_item(_ad(1)))
        await asyncio.sleep(0.05)
        pipeline.crawler.engine.downloader.active.clear()  # type: ignore[union-attr]
        await ad

    assert _written_at_once(pipeline, sizes, last_photo_then_done, 1) < 10.0


def test_ads_are_extracted_in_the_photo_workers_when_there_are_some(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    workers = _Workers()
    monkeypatch.setattr(pipelines, "photo_pool", lambda: workers)
    pipeline, sizes = _pipeline(tmp_path, fetching=False)

    async def three() -> None:
        await asyncio.gather(*(pipeline.process_item(_ad(i)) for i in range(3)))

    try:
        asyncio.run(three())
        assert workers.given == ["prepare"] * 3
        assert pipeline.db is not None
        with pipeline.db.session() as s:
            found = {ad.url: ad.extraction["phones"] for ad in s.scalars(select(Ad))}
        assert {url.rsplit("/", 1)[1]: [p["e164"] for p in phones] for url, phones in found.items()} == {
            str(i): [f"+467012345{i:02d}"] for i in range(3)}
    finally:
        pipeline.close_spider()
        workers.shutdown()
