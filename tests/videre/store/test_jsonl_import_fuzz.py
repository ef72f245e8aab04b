"""Hypothesis: any JSON, any Unicode (lone surrogates too), any bytes, any size. An import never
stops on a record: each line is stored or reported, and nothing stored carries a NUL."""

from __future__ import annotations

import json
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import select

from models.ads import Ad
from tests.conftest import make_settings
from videre.store.db import Database
from videre.store.jsonl_import import import_files

# Text with everything: NUL, controls, lone surrogates, astral characters.
any_text = st.text(st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF), max_size=60)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=12)
times = st.one_of(
    any_text,
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                 timezones=st.timezones() | st.just(timezone(timedelta(hours=14)))).map(lambda d: d.isoformat()),
)
records = st.fixed_dictionaries(
    {"url": st.one_of(st.integers(0, 30).map(lambda n: f"http://127.0.0.1:9/a/{n}"), any_text),
     "site": st.one_of(st.sampled_from(["s1", "s2"]), any_text, st.text(min_size=65, max_size=80))},
    optional={"title": any_text, "body": st.one_of(any_text, st.text(max_size=3000)), "name": any_text,
              "age": st.one_of(any_text, st.integers()), "phone": any_text, "location": any_text,
              "scraped_at": times, "posted_at": times, "region": any_text,
              "images": st.lists(any_text, max_size=3), "html": any_text, "extra": json_values})


def _encode(value: object, ascii_only: bool) -> bytes:
    return json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


lines = st.one_of(
    st.tuples(records, st.booleans()).map(lambda t: _encode(*t)),
    st.tuples(json_values, st.booleans()).map(lambda t: _encode(*t)),
    st.binary(max_size=200).map(lambda b: b.replace(b"\n", b" ")),
)


def _check(db_url: str | None, batch: list[bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        over = {"database": {"url": db_url}} if db_url else {}
        settings = make_settings(folder, **over)
        db = Database.from_settings(settings)
        try:
            data = folder / "in.jsonl"
            data.write_bytes(b"\n".join(batch) + b"\n")
            report = import_files([data], settings, db, workers=0)
            written = [line for line in batch if line.strip()]
            assert report.bad_lines + sum(report.statuses.values()) == len(written)
            with db.session() as s:
                for ad in s.scalars(select(Ad)):
                    for text in (ad.url, ad.title, ad.body, ad.name, ad.age_raw, ad.phone_raw):
                        assert "\x00" not in text
                        text.encode("utf-8")
        finally:
            db.dispose()


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(lines, min_size=1, max_size=12))
def test_any_lines_are_each_stored_or_reported_on_sqlite(batch: list[bytes]) -> None:
    _check(None, batch)


@pytest.mark.postgres
@hsettings(max_examples=20, deadline=None,
           suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(batch=st.lists(lines, min_size=1, max_size=12))
def test_any_lines_are_each_stored_or_reported_on_postgres(pg_url: str, batch: list[bytes]) -> None:
    _check(pg_url, batch)
