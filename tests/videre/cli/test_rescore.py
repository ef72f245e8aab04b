"""`videre rescore`: incremental and --full from the command line, and --archive re-reading the
WARC files that a crawl of the demo sites wrote."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from crawler.process import crawl_in_subprocess
from tests.crawler.conftest import demo_config
from videre.cli.main import main
from videre.core.config import Settings, load_settings
from videre.demo import generate_world, serve_demo
from videre.store.db import Database

SITES = ["nattfjaril", "vastkontakt"]  # a detail-page site and an API site, no browser needed


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Two demo sites crawled once (in a subprocess, as `videre crawl` does) into a temp database."""
    tmp = tmp_path_factory.mktemp("crawl")
    with serve_demo(generate_world(7, 0.6)) as demo:
        settings = load_settings(demo_config(tmp, demo), env={})
        result = crawl_in_subprocess(settings, SITES)
        assert result.ok, result
    yield settings


def videre(settings: Settings, *args: str) -> str:
    result = CliRunner().invoke(main, ["--config", str(settings.source), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def counts(settings: Settings) -> dict[str, int]:
    db = Database.from_settings(settings)
    try:
        with db.engine.connect() as c:
            q = {"ads": "SELECT count(*) FROM ads", "links": "SELECT count(*) FROM ad_phones",
                 "clusters": "SELECT count(DISTINCT cluster_id) FROM ads",
                 "flagged": "SELECT count(*) FROM queue_items WHERE flagged"}
            return {k: c.execute(sa.text(v)).scalar_one() for k, v in q.items()}
    finally:
        db.dispose()


def test_rescore_full_then_incremental(crawled: Settings) -> None:
    out = videre(crawled, "rescore", "--full")
    assert out.startswith("full: ") and " flagged" in out
    first = counts(crawled)
    assert first["ads"] > 50 and first["flagged"] > 0
    out = videre(crawled, "rescore")
    assert out.startswith("incremental: ") and "(0 re-read)" in out
    assert counts(crawled) == first


def test_archive_replay_brings_new_extraction_to_old_ads(crawled: Settings) -> None:
    videre(crawled, "rescore", "--full")
    before = counts(crawled)
    db = Database.from_settings(crawled)
    with db.engine.begin() as c:
        # As if the ads had been stored by an extractor that found no numbers and no places.
        c.execute(sa.text("UPDATE ads SET extraction = '{}', city = NULL, phone_obfuscated = FALSE, "
                          "changed_at = CURRENT_TIMESTAMP"))
        c.execute(sa.text("DELETE FROM ad_phones"))
    db.dispose()
    videre(crawled, "rescore")
    blind = counts(crawled)
    assert blind["links"] == 0 and blind != before

    archive = crawled.path("archive")
    assert sorted(p.name for p in archive.iterdir()) == sorted(SITES)
    out = videre(crawled, "rescore", "--archive", str(archive))
    assert "reextracted" in out and "new" not in out.split("(")[-1]
    after = counts(crawled)
    assert after == before


def test_archive_replay_of_a_missing_path_is_an_error(crawled: Settings, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--config", str(crawled.source), "rescore", "--archive",
                                       str(tmp_path / "nope")])
    assert result.exit_code != 0 and "does not exist" in result.output
