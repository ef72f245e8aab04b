"""ordered_map and StartedMap: results in order, with or without workers, work begun before the
first result is asked for; garbage collection is frozen, and the automatic collector off (with a
full collection every few results), only while they run, and off in the workers, whose tasks make
no reference cycles."""

from __future__ import annotations

import gc
import time
import weakref
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from videre.core.config import parse_settings
from videre.demo.generate import generate_world
from videre.demo.pages import nattfjaril_detail
from videre.extract import extract_lines
from videre.store import archive_replay, jsonl_prepare, process_pool
from videre.store.jsonl_prepare import ImportConfig
from videre.store.prepared import PrepareConfig
from videre.store.process_pool import HEAD_START, StartedMap, ordered_map

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 12, 1, 21, 0, tzinfo=timezone.utc)


def _square(n: int) -> int:
    return n * n


@pytest.mark.parametrize("workers", [0, 2])
def test_results_in_order_and_gc_unfrozen_after(workers: int) -> None:
    gc.unfreeze()
    seen_frozen, seen_collecting = [], []
    out = []
    for result in ordered_map(_square, range(20), workers):
        seen_frozen.append(gc.get_freeze_count() > 0)
        seen_collecting.append(gc.isenabled())
        out.append(result)
    assert out == [n * n for n in range(20)]
    assert all(seen_frozen) and not any(seen_collecting)
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_the_parent_collects_every_few_results_while_a_map_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(process_pool, "COLLECT_EVERY", 4)
    with StartedMap(_square, range(8), 0) as started:
        assert next(started) == 0
        left = weakref.ref(_Cyclic())
        for _ in range(2):
            next(started)
        assert left() is not None
        next(started)  # the fourth result
        assert left() is None
    assert gc.isenabled()


def _touch(path: str) -> str:
    Path(path).write_text("done")
    return path


def test_started_map_begins_before_the_first_result_is_asked_for(tmp_path: Path) -> None:
    marks = [str(tmp_path / f"m{i}") for i in range(3)]
    with StartedMap(_touch, marks, 2) as started:
        # No result taken yet: the workers must still have started on the tasks.
        deadline = time.monotonic() + 60
        while not all(Path(m).exists() for m in marks):
            assert time.monotonic() < deadline, "the workers did not start before iteration"
            time.sleep(0.02)
        assert list(started) == marks
    assert gc.get_freeze_count() == 0


def test_started_map_works_ahead_while_the_caller_loads(tmp_path: Path) -> None:
    marks = [str(tmp_path / f"m{i}") for i in range(50)]
    with StartedMap(_touch, marks, 2) as started:
        # The caller takes nothing yet: each worker still gets its head start, and no more.
        deadline = time.monotonic() + 60
        while sum(Path(m).exists() for m in marks) < HEAD_START * 2:
            assert time.monotonic() < deadline, "the workers stopped before their head start"
            time.sleep(0.02)
        time.sleep(0.3)
        assert sum(Path(m).exists() for m in marks) == HEAD_START * 2
        assert list(started) == marks


def test_started_map_closed_early_sends_no_more_tasks(tmp_path: Path) -> None:
    marks = [str(tmp_path / f"m{i}") for i in range(50)]
    with StartedMap(_touch, marks, 1) as started:
        assert next(started) == marks[0]
    # At most the head start was ever sent.
    assert sum(Path(m).exists() for m in marks) <= HEAD_START
    assert gc.get_freeze_count() == 0


def _collector_state(_: int) -> bool:
    return gc.isenabled()


def test_workers_run_without_the_automatic_collector() -> None:
    assert gc.isenabled()
    assert list(ordered_map(_collector_state, range(4), 2)) == [False] * 4
    assert gc.isenabled()  # this process keeps its own


class _Cyclic:
    def __init__(self) -> None:
        self.me = self


def test_a_worker_still_collects_every_few_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(process_pool, "COLLECT_EVERY", 3)
    monkeypatch.setattr(process_pool, "_tasks_run", 0)
    gc.disable()
    try:
        left = weakref.ref(_Cyclic())
        process_pool._run(_square, 1)
        process_pool._run(_square, 2)
        assert left() is not None  # a cycle is left to the next collection...
        process_pool._run(_square, 3)
        assert left() is None  # ...which the third task ran
    finally:
        gc.enable()


def _unreachable_after(work: Callable[[], object]) -> int:
    """Cyclic garbage `work` leaves behind, with the collector off as in a worker."""
    work()  # tables, caches and lazily loaded modules: made once, not garbage
    gc.collect()
    gc.disable()
    try:
        work()
        return gc.collect()
    finally:
        gc.enable()


def test_the_pools_tasks_make_no_reference_cycles(tmp_path: Path) -> None:
    # What COLLECT_EVERY relies on, for each kind of task a pool runs: an import chunk with photos
    # to hash and bad lines, a `videre extract` chunk, and archived pages read again.
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data.update(data_dir=str(tmp_path / "var"), database={"url": f"sqlite:///{tmp_path / 'v.db'}"})
    settings = parse_settings(data, source=tmp_path / "config.yaml", env={})
    world = generate_world(4, 0.3, with_photos=True)
    jsonl = world.write(tmp_path / "world") / "ads.jsonl"
    with jsonl.open("ab") as f:
        f.write(b'{"url": 5}\nnot json\n{"url": "http://127.0.0.1:8701/x", "site": "s", "scraped_at": "no"}\n')
    config = ImportConfig.from_settings(settings)
    import_chunks = list(jsonl_prepare.chunks([jsonl], config.max_line_bytes))
    assert sum(len(c.lines) for c in import_chunks) > 60
    photos = 0

    def import_work() -> None:
        nonlocal photos
        for chunk in import_chunks:
            prepared = jsonl_prepare.prepare_chunk(chunk, config, jsonl_prepare.PhotoLoader(10**7, 5))
            photos = sum(len(o.prepared.item.photos) for o in prepared.outcomes if o.prepared)

    assert _unreachable_after(import_work) == 0
    assert photos > 10

    extract_lines.worker_init(extract_lines.LineLimits("SE", 10_000, 4_000_000))
    lines = [(n, raw) for chunk in import_chunks for n, raw in chunk.lines]
    assert _unreachable_after(lambda: extract_lines.worker_chunk(lines)) == 0

    sites = {s.slug: s for s in settings.sites}
    ads = world.site_ads("nattfjaril")[:20]
    pages = [archive_replay.Capture("nattfjaril", f"http://127.0.0.1:8701{ad.path}",
                                    nattfjaril_detail(world, ad, 1).encode("utf-8"), NOW) for ad in ads]
    prepare = PrepareConfig.from_settings(settings)
    read = [0]

    def replay_work() -> None:
        read[0] = sum(len(archive_replay.prepare_page(p, sites, prepare).prepared) for p in pages)

    assert _unreachable_after(replay_work) == 0
    assert read[0] == len(ads)
