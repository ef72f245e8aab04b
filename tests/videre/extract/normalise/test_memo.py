"""The extraction memo gives what extraction gives, reads a repeated ad once, and keeps long ones out."""

from __future__ import annotations

from videre.extract.normalise.extract import extract
from videre.extract.normalise.memo import MEMO_MAX_CHARS, memoised

AD = {"title": "Ny i stan", "body": "Ring 070-123 45 67, Göteborg. 23 år.", "phone": "", "html": None}


def test_same_result_as_extract_and_read_once() -> None:
    read = memoised(10_000)
    first = read(AD, "SE")
    assert first == extract(AD, "SE", max_chars=10_000)
    assert read(dict(AD), "SE") is first          # an identical ad is not read again
    assert read({**AD, "body": AD["body"] + "!"}, "SE") is not first
    assert read(AD, "NO") is not first            # the region is part of the key


def test_long_records_are_read_directly() -> None:
    read = memoised(100_000)
    long = {**AD, "body": "x " * MEMO_MAX_CHARS}
    assert read(long, "SE") is not read(long, "SE")
    assert read(long, "SE") == extract(long, "SE", max_chars=100_000)
