"""The crawl's photo workers start with the crawl process, load their imaging code before the first
photo, and end at once without losing a result (crawler/photo_workers.py)."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

import crawler.photo_workers as photo_workers
from videre.extract.normalise.photo_checks import PhotoLimits
from videre.extract.records import FetchedPhoto
from videre.store.photo_rows import PhotoConfig, photo_rows


def _jpeg(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG")
    return out.getvalue()


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


@pytest.fixture()
def one_worker(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Two cores: one worker, so every task below runs in it, in the order submitted.
    monkeypatch.setattr(photo_workers, "worker_count", lambda: 2)
    yield
    photo_workers.close_photo_pool()


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads /proc")
def test_the_worker_has_its_imaging_code_loaded_before_any_photo(one_worker: None) -> None:
    pool = photo_workers.photo_pool()
    assert pool is not None
    # Queued after the warm-up task, so it runs once that is done.
    pid = pool.submit(os.getpid).result(timeout=60)
    assert pid != os.getpid()
    maps = Path(f"/proc/{pid}/maps").read_text()
    assert "cv2" in maps and "numpy" in maps


def test_rows_hashed_in_a_worker_that_ends_at_once_are_those_hashed_here(one_worker: None,
                                                                          tmp_path: Path) -> None:
    config = PhotoConfig(PhotoLimits(), keep_originals=False, photo_dir=tmp_path)
    photos = [FetchedPhoto(f"http://127.0.0.1/p{i}.jpg", data=_jpeg((40 * i, 90, 200 - 30 * i)),
                           content_type="image/jpeg") for i in range(4)]
    photos.append(FetchedPhoto("http://127.0.0.1/broken.jpg", data=b"not a picture", content_type="image/jpeg"))
    pool = photo_workers.photo_pool()
    assert pool is not None
    pid = pool.submit(os.getpid).result(timeout=60)
    hashed = [f.result(timeout=60) for f in [pool.submit(photo_rows, [p], config) for p in photos]]
    photo_workers.close_photo_pool()  # as the crawl process does at its end
    assert hashed == [photo_rows([p], config) for p in photos]
    assert [len(rows) for rows, _ in hashed] == [1, 1, 1, 1, 0] and hashed[4][1]
    deadline = time.monotonic() + 10
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(pid)


def test_the_go_line_starts_the_workers_only_on_go(one_worker: None) -> None:
    given_up = photo_workers.GoLine(io.StringIO(""), "go")
    assert not given_up.wait()
    pool = photo_workers.photo_pool(start=False)
    assert pool is not None and not photo_workers._STARTED  # made, no worker spawned
    told = photo_workers.GoLine(io.StringIO("go\n"), "go")
    assert told.wait()
    assert photo_workers._STARTED
    assert pool.submit(os.getpid).result(timeout=60) != os.getpid()


def test_no_workers_on_one_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(photo_workers, "worker_count", lambda: 0)
    assert photo_workers.photo_pool() is None
