"""The extraction memo gives what extraction gives, reads a repeated ad once, and keeps long ones out."""

from __future__ import annotations

import subprocess
import sys
import textwrap

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


def test_warm_builds_what_workers_would_each_build_and_reads_the_made_up_ad_fully() -> None:
    code = textwrap.dedent("""
        import phonenumbers.phonemetadata as pm
        from videre.extract.normalise import extract, memo
        assert "RO" not in pm.PhoneMetadata._region_metadata
        assert extract.phrase_index.cache_info().currsize == 0
        memo.warm("RO")
        assert "RO" in pm.PhoneMetadata._region_metadata and "SE" in pm.PhoneMetadata._region_metadata
        assert extract.phrase_index.cache_info().currsize == 1
        assert memo.shared_memo.cache_info().currsize == 0   # no memo holds the made-up ad
        ex = extract.extract(memo._WARM_AD, "SE")
        assert [p.e164 for p in ex.phones] == ["+46701234567"], ex.phones
        assert ex.location is not None and ex.location.city == "Göteborg" and ex.age == 25
        print("ok")
    """)
    # A fresh interpreter: in this one, other tests have built everything already.
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.stdout.strip() == "ok", run.stderr
