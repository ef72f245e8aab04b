"""Kvällsros in a real browser: app.js renders the cards, the ad and the revealed phone."""

from __future__ import annotations

import shutil

import pytest

from videre.demo import DemoSites, World

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium")
def test_listing_detail_and_reveal_render_in_chromium(sites: DemoSites, world: World) -> None:
    from playwright.sync_api import sync_playwright

    base = sites.base_urls["kvallsros"]
    listing = world.site_ads("kvallsros")
    hostile = next((a for a in listing if "<" in a.title + a.name + a.location + a.body), None)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            page = browser.new_page()
            alerts: list[str] = []
            page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
            page.goto(base + "/lista?page=1")
            page.wait_for_selector("a.card")
            cards = page.locator("a.card")
            assert cards.count() == 15
            assert cards.first.locator("h2").text_content() == listing[0].title
            assert page.locator("a.next").get_attribute("href") == "/lista?page=2"

            ad = listing[3]
            page.goto(base + f"/annons/{ad.id}")
            page.wait_for_selector("h1.title")
            assert page.locator("span.name").text_content() == ad.name
            assert page.locator("img.photo").count() == len(ad.photos)
            assert page.locator("span.phone").text_content() == ""
            page.click("button.reveal")
            page.wait_for_function("document.querySelector('span.phone').textContent !== ''")
            assert page.locator("span.phone").text_content() == ad.phone

            if hostile is not None:
                page.goto(base + f"/annons/{hostile.id}")
                page.wait_for_selector("h1.title")
                assert page.locator("h1.title").text_content() == hostile.title
                assert page.locator("span.location").text_content() == hostile.location
                assert page.title() != "pwned" and not alerts
        finally:
            browser.close()
