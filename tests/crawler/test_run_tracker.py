"""How a crawl's counts, errors and way of ending become its Run row."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.process import mark_unfinished, runs_summary, select_sites
from crawler.run_tracker import merge, run_outcome
from tests.conftest import make_settings
from videre.core.config import Settings
from videre.core.errors import ConfigError
from videre.store.db import Database
from videre.store.ingest import IngestTally
from videre.store.run_record import RunRecorder


def _tally(new: int = 0, errors: int = 0, kind: str = "fetch") -> IngestTally:
    t = IngestTally()
    t.statuses["new"] += new
    for n in range(errors):
        t.error(kind, f"http://127.0.0.1:8701/annons/{n}", "HTTP 500")
    return t


@pytest.mark.parametrize("reason, tally, pages, status", [
    ("finished", _tally(new=3), 4, "ok"),
    ("finished", _tally(new=3, errors=1), 5, "partial"),
    ("finished", _tally(), 6, "failed"),  # pages but no ad: the layout changed
    ("finished", _tally(), 0, "failed"),  # nothing fetched at all
    ("closespider_timeout", _tally(new=2), 3, "partial"),
    ("shutdown", _tally(new=2), 3, "interrupted"),
    ("cancelled", _tally(new=2), 3, "failed"),
])
def test_status_follows_the_close_reason_and_the_counts(reason: str, tally: IngestTally, pages: int,
                                                        status: str) -> None:
    assert run_outcome(reason, tally, pages)[0] == status


def test_an_empty_crawl_says_why() -> None:
    assert run_outcome("finished", _tally(), 6)[2] == [
        "no ads stored: is the site down, or has its layout changed?"]
    assert run_outcome("finished", _tally(), 0)[2] == ["no page could be fetched"]
    assert "run_timeout_s" in run_outcome("closespider_timeout", _tally(new=1), 1)[1]


def test_merge_adds_counts_and_keeps_samples() -> None:
    total = _tally(new=1, errors=2, kind="fetch")
    ingest = _tally(new=4, errors=60, kind="photo")  # more than the tally keeps samples of
    ingest.photos = 7
    merge(total, ingest)
    assert total.statuses["new"] == 5 and total.photos == 7
    assert dict(total.errors) == {"fetch": 2, "photo": 60}
    assert len(total.samples) == 50 and total.samples[0]["kind"] == "fetch"


def test_select_sites(shipped: Settings, tmp_path: Path) -> None:
    assert [s.slug for s in select_sites(shipped, [])] == ["nattfjaril", "kvallsros", "vastkontakt"]
    assert [s.slug for s in select_sites(shipped, ["vastkontakt", "vastkontakt"])] == ["vastkontakt"]
    with pytest.raises(ConfigError, match="no site 'nosuch'"):
        select_sites(shipped, ["nosuch"])
    with pytest.raises(ConfigError, match="no sites to crawl"):
        select_sites(make_settings(tmp_path), [])


def test_runs_left_running_by_a_killed_crawl_are_closed(db: Database) -> None:
    with RunRecorder(db, "crawl", "nattfjaril") as done:
        done.update(pages=3)
    killed = RunRecorder(db, "crawl", "kvallsros").__enter__()  # the process died inside
    assert killed.run_id is not None and done.run_id is not None
    mark_unfinished(db, [done.run_id, killed.run_id], "killed", "killed at the crawl time limit")
    by_site = {r["site"]: r for r in runs_summary(db, [done.run_id, killed.run_id])}
    assert by_site["nattfjaril"]["status"] == "ok" and by_site["nattfjaril"]["pages"] == 3
    assert by_site["kvallsros"]["status"] == "killed"
    assert by_site["kvallsros"]["message"] == "killed at the crawl time limit"
    assert by_site["kvallsros"]["seconds"] is not None
