"""Field post-processing from config: srcset, pattern, absolute, first, join."""

from __future__ import annotations

import pytest

from videre.core.site_config import FieldPost, SiteSettings
from videre.extract.pages.post import apply_post, joined, largest_candidate

BASE = "http://127.0.0.1:8799/profil/a1?x=1"


@pytest.mark.parametrize("srcset, expected", [
    ("/b/1-320.jpg 320w, /b/1-960.jpg 960w, /b/1-640.jpg 640w", "/b/1-960.jpg"),
    ("a.jpg 1x, b.jpg 2x", "b.jpg"),
    ("only.jpg", "only.jpg"),
    (" , bad, x.jpg 10w", "x.jpg"),
])
def test_srcset_gives_the_largest_candidate(srcset: str, expected: str) -> None:
    assert largest_candidate(srcset) == expected


def test_pattern_keeps_its_group_and_drops_non_matches() -> None:
    post = FieldPost(pattern=r",\s*(\d{2})\b")
    assert apply_post(["Sofia, 24", "no age here", "Ida,31 år"], post, BASE) == ["24", "31"]


def test_srcset_then_absolute_then_first() -> None:
    post = FieldPost(srcset=True, absolute=True, first=True)
    got = apply_post(["/b/1-320.jpg 320w, /b/1-960.jpg 960w", "/b/2.jpg 10w"], post, BASE)
    assert got == ["http://127.0.0.1:8799/b/1-960.jpg"]


def test_join() -> None:
    assert joined(["a", "b"], FieldPost(join=" | ")) == "a | b"
    assert joined(["a", "b"], None) == "a\nb"


def test_inline_field_mapping_and_bad_patterns_in_config() -> None:
    site = SiteSettings(slug="s", start_urls=["http://127.0.0.1:8799/"],
                        fields={"name": {"select": "h1", "pattern": "^([^,]+),"}, "title": "h2"})
    assert site.fields == {"name": "h1", "title": "h2"}
    assert site.post["name"].pattern == "^([^,]+),"
    for bad in ({"select": "h1", "pattern": "(a)(b)"}, {"select": "h1", "pattern": "("}, {"pattern": "(a)"}):
        with pytest.raises(ValueError):
            SiteSettings(slug="s", start_urls=["http://127.0.0.1:8799/"], fields={"name": bad})
