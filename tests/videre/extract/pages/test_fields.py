"""Selectors from config on HTML: text as a reader sees it, links, and early selector checks."""

from __future__ import annotations

import pytest
from parsel import Selector

from videre.core.errors import ConfigError
from videre.extract.pages.fields import browser_selector, check_selector, text_value, url_values, values

HTML = """<html><head><title>T</title><style>p{}</style></head><body>
<div class="ad-body">
  <p>Hej! Jag heter <b>Wilma</b>
     och finns i Göteborg.</p>
  <p>Ring 070-174 06 05<br>eller sms:a.</p><script>document.title='x'</script>
  Diskret <!-- note --> och trevlig
</div>
<ul class="facts"><li>Ålder: 24</li><li>Ort: GBG</li></ul>
<img class="photo" src="/bilder/p1.jpg"><img class="photo" src=" /bilder/p2.jpg ">
<a class="next" href="/annonser?page=2">Nästa</a>
</body></html>"""


def test_element_text_keeps_paragraphs_and_line_breaks_and_skips_scripts() -> None:
    text = text_value(Selector(text=HTML), "div.ad-body")
    assert text == ("Hej! Jag heter Wilma och finns i Göteborg.\n\n"
                    "Ring 070-174 06 05\neller sms:a.\n\nDiskret och trevlig")


def test_several_matches_are_joined_one_per_line() -> None:
    assert text_value(Selector(text=HTML), "ul.facts li") == "Ålder: 24\nOrt: GBG"
    assert values(Selector(text=HTML), "ul.facts li::text") == ["Ålder: 24", "Ort: GBG"]


def test_xpath_selectors_work_too() -> None:
    assert text_value(Selector(text=HTML), "//ul[@class='facts']/li[2]") == "Ort: GBG"


def test_url_values_take_attributes_or_an_elements_href_or_src() -> None:
    sel = Selector(text=HTML)
    assert url_values(sel, "img.photo::attr(src)") == ["/bilder/p1.jpg", "/bilder/p2.jpg"]
    assert url_values(sel, "img.photo") == ["/bilder/p1.jpg", "/bilder/p2.jpg"]
    assert url_values(sel, "a.next") == ["/annonser?page=2"]


def test_no_match_is_empty() -> None:
    assert text_value(Selector(text=HTML), "h1.ad-title") == ""


def test_deeply_nested_hostile_markup_is_read_without_recursion() -> None:
    deep = "<div>" * 200 + "djupt" + "</div>" * 200
    assert text_value(Selector(text=f"<body><section>{deep}</section></body>"), "section") == "djupt"
    # Deeper than libxml2 builds: whatever it kept is read, nothing raises.
    deeper = "<div>" * 20_000 + "djupt" + "</div>" * 20_000
    assert isinstance(text_value(Selector(text=f"<body><section>{deeper}</section></body>"), "section"), str)


@pytest.mark.parametrize("selector", ["h1..title", "div[class=", "//div[", "p::texts"])
def test_a_broken_selector_is_a_config_error(selector: str) -> None:
    with pytest.raises(ConfigError, match="invalid selector"):
        check_selector(selector, "sites.x.fields.title")


def test_browser_selector_drops_pseudo_elements() -> None:
    assert browser_selector("h1.title::text") == "h1.title"
    assert browser_selector("img.photo::attr(src)") == "img.photo"
    assert browser_selector("span.phone:not(:empty)") == "span.phone:not(:empty)"
