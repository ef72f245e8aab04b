"""The one time parser: what sites show -> aware UTC, read against the fetch time in the site's zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from videre.core.errors import InputError
from videre.extract.pages.times import parse_iso, parse_site_time

# Fetched on a winter night (CET, UTC+1): 02:30 local on 7 December 2026.
WINTER = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)
# Fetched on a summer evening (CEST, UTC+2): 20:00 local on 15 July 2026.
SUMMER = datetime(2026, 7, 15, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize("shown, fetched, expected", [
    ("2026-11-03T14:05:00+01:00", WINTER, "2026-11-03T13:05:00+00:00"),
    ("2026-11-03T13:05:00Z", WINTER, "2026-11-03T13:05:00+00:00"),
    ("2026-07-03 14:05", WINTER, "2026-07-03T12:05:00+00:00"),       # no zone: Stockholm summer time
    ("2026-11-03 14:05", WINTER, "2026-11-03T13:05:00+00:00"),       # no zone: Stockholm winter time
    ("idag 01:15", WINTER, "2026-12-07T00:15:00+00:00"),
    ("Idag kl. 00:05", WINTER, "2026-12-06T23:05:00+00:00"),         # today in Sweden, yesterday in UTC
    ("igår 21:14", WINTER, "2026-12-06T20:14:00+00:00"),
    ("Igår, 23:59", WINTER, "2026-12-06T22:59:00+00:00"),
    ("i förrgår 10:00", WINTER, "2026-12-05T09:00:00+00:00"),
    ("för 2 timmar sedan", WINTER, "2026-12-06T23:30:00+00:00"),
    ("för 45 minuter sedan", WINTER, "2026-12-07T00:45:00+00:00"),
    ("3 nov 2026 14:05", WINTER, "2026-11-03T13:05:00+00:00"),
    ("17 okt 14:05", WINTER, "2026-10-17T12:05:00+00:00"),          # no year: the latest in the past
    ("Publicerad: 5 december 2026 08:00", WINTER, "2026-12-05T07:00:00+00:00"),
    ("yesterday", SUMMER, "2026-07-14T18:00:00+00:00"),
    ("Posted yesterday at 21:14", SUMMER, "2026-07-14T19:14:00+00:00"),
    ("2 hours ago", SUMMER, "2026-07-15T16:00:00+00:00"),
    ("igår 23:30", SUMMER, "2026-07-14T21:30:00+00:00"),
    ("14 jul 2026 kl 09:00", SUMMER, "2026-07-14T07:00:00+00:00"),
])
def test_site_times_are_read_as_utc(shown: str, fetched: datetime, expected: str) -> None:
    assert parse_site_time(shown, fetched_at=fetched).isoformat() == expected


def test_another_zone_and_language() -> None:
    got = parse_site_time("gestern 21:14", fetched_at=WINTER, tz="Europe/Berlin", languages=["de"])
    assert got == datetime(2026, 12, 6, 20, 14, tzinfo=UTC)
    got = parse_site_time("2026-12-01 12:00", fetched_at=WINTER, tz="America/New_York")
    assert got == datetime(2026, 12, 1, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize("shown", ["när månen är ny", "x" * 500])
def test_an_unreadable_time_names_itself(shown: str) -> None:
    with pytest.raises(InputError, match="not a time in sv/en"):
        parse_site_time(shown, fetched_at=WINTER)


def test_a_worded_time_after_the_fetch_is_a_misreading() -> None:
    with pytest.raises(InputError, match="after the fetch"):
        parse_site_time("1 mars 2027 10:00", fetched_at=WINTER)


def test_empty_is_none_and_iso_is_the_fast_path() -> None:
    assert parse_site_time("  ", fetched_at=WINTER) is None
    assert parse_iso("igår") is None
    assert parse_iso("2026-12-07T02:30:00+01:00") == datetime(2026, 12, 7, 1, 30, tzinfo=UTC)
