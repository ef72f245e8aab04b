"""Archive replay's batches: bounded in pages and in bytes."""

from __future__ import annotations

from pathlib import Path

from videre.store.archive import PageCapture, WarcArchive
from videre.store.archive_replay import PAGES_PER_BATCH, ReplayReport, _page_chunks


def _archive(path: Path, bodies: list[bytes]) -> None:
    archive = WarcArchive(path, "nattfjaril")
    for n, body in enumerate(bodies):
        url = f"http://127.0.0.1:8701/annons/{n}"
        capture = PageCapture(url=url, status=200, body=body,
                              headers=[("Content-Type", "text/html; charset=utf-8")], request_headers=[])
        archive.write_ad(capture, {"url": url, "site": "nattfjaril", "title": f"ad {n}"})
    archive.close()


def test_a_batch_of_big_pages_ends_at_its_byte_budget(tmp_path: Path) -> None:
    _archive(tmp_path / "big.warc.gz", [b"<html>" + b"x" * 9_000_000 + b"</html>"] * 3)
    report = ReplayReport()
    got = [[c.url.rsplit("/", 1)[1] for c in batch]
           for batch in _page_chunks([tmp_path / "big.warc.gz"], report, lambda: None)]
    assert got == [["0", "1"], ["2"]]  # 9 MB + 9 MB reached the 16 MB budget
    assert report.files == 1 and not report.problems


def test_small_pages_are_batched_by_count(tmp_path: Path) -> None:
    _archive(tmp_path / "a.warc.gz", [b"<html>ad</html>"] * (PAGES_PER_BATCH + 5))
    batches = list(_page_chunks([tmp_path / "a.warc.gz"], ReplayReport(), lambda: None))
    assert [len(b) for b in batches] == [PAGES_PER_BATCH, 5]
