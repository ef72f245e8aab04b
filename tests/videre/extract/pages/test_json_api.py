"""The JSON API parser on saved pages of the demo API, and on malformed ones."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from tests.crawler.conftest import page
from videre.core.config import Settings
from videre.core.errors import InputError
from videre.core.site_config import SiteSettings
from videre.extract.pages.json_api import parse_api_page, resolve
from videre.extract.records import parse_record

SCRAPED = datetime(2026, 11, 28, 2, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("case", ["api_page_hostile", "api_last"])
def test_api_page_gives_every_ad_the_world_wrote(shipped: Settings, case: str) -> None:
    body, expected = page("vastkontakt", case, "page.json")
    result = parse_api_page(expected["page_url"], body, shipped.site("vastkontakt"), scraped_at=SCRAPED)
    assert result.problems == []
    got = [{k: v for k, v in r.items() if k not in ("scraped_at", "html")} for r in result.records]
    assert got == expected["records"]
    assert result.next_url == expected["next_url"]
    for record in result.records:
        parse_record(record)


def test_each_ads_html_is_its_own_json_object(shipped: Settings) -> None:
    body, expected = page("vastkontakt", "api_page_hostile", "page.json")
    result = parse_api_page(expected["page_url"], body, shipped.site("vastkontakt"))
    ads = json.loads(body)["ads"]
    assert [json.loads(r["html"]) for r in result.records] == ads
    assert all(r["url"].startswith("http://127.0.0.1:8703/profil/") for r in result.records)


def test_hostile_values_are_kept_as_text(shipped: Settings) -> None:
    body, expected = page("vastkontakt", "api_page_hostile", "page.json")
    result = parse_api_page(expected["page_url"], body, shipped.site("vastkontakt"))
    shown = " ".join(r["name"] + r["location"] for r in result.records)
    assert "<img src=x onerror=alert(1)>" in shown or "<script>" in shown


def _site(**fields: str) -> SiteSettings:
    return SiteSettings(slug="api", kind="json_api", start_urls=["http://127.0.0.1:8799/api?page=1"],
                        listing={"cards": "data.items", "next": "data.next"},
                        fields={"url": "link", "title": "head", **fields})


def test_bad_ads_are_reported_one_by_one_and_the_rest_kept() -> None:
    doc = {"data": {"items": [
        {"link": "/p/1", "head": "Anna", "phones": ["0701740605"]},
        "not an object",
        {"head": "no link"},
        {"link": "/p/4", "head": {"nested": "object"}},
        {"link": "/p/5", "head": "Bea", "age": 24},
    ], "next": "/api?page=2"}}
    result = parse_api_page("http://127.0.0.1:8799/api?page=1", json.dumps(doc),
                            _site(phone="phones", age="age"))
    assert [r["url"] for r in result.records] == ["http://127.0.0.1:8799/p/1", "http://127.0.0.1:8799/p/5"]
    assert result.records[0]["phone"] == "0701740605"
    assert result.records[1]["age"] == "24"
    assert result.problems == ["ad 2: is a str, not an object", "ad 3: has no usable url",
                               "ad 4: field title is a dict, not text"]
    assert result.next_url == "http://127.0.0.1:8799/api?page=2"


@pytest.mark.parametrize("text, message", [
    ("<html>503</html>", "not JSON"),
    ('{"data": {"items": {"link": "/p/1"}}}', "data.items is not a list of ads"),
    ("[" * 100_000 + "]" * 100_000, "not JSON"),
])
def test_a_page_that_is_not_the_api_raises_input_error(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_api_page("http://127.0.0.1:8799/api?page=1", text, _site())


def test_resolve_paths() -> None:
    doc = {"a": {"b": [{"u": "x"}, {"u": "y"}, {"v": 1}]}, "n": None}
    assert resolve(doc, "a.b.0.u") == "x"
    assert resolve(doc, "a.b.*.u") == ["x", "y"]
    assert resolve(doc, "a.missing") is None
    assert resolve(doc, "n.deeper") is None
    assert resolve(doc, "a.b.7") is None
