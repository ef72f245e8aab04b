"""What the browser does on a rendered page before its DOM is read: wait for content, reveal the phone.

These run as scrapy-playwright PageMethods. They never raise on a timeout: a page whose phone
would not show is still an ad, so they return what happened and the spider reports it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from playwright.async_api import TimeoutError as PlaywrightTimeout

from videre.extract.pages.fields import browser_selector, is_xpath

SHOWN = "shown"
REVEALED = "revealed"
NO_BUTTON = "no-button"
TIMED_OUT = "timeout"
_HEAVY = frozenset({"image", "media", "font"})
SCREENSHOT_TIMEOUT_MS = 15_000


def skip_heavy_resource(request: Any) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: photos are fetched once, by the photo pipeline."""
    return request.resource_type in _HEAVY


def playwright_selector(selector: str) -> str:
    """A config selector in a form the browser understands (no `::text`, XPath marked)."""
    if is_xpath(selector):
        trimmed = selector.strip()
        for suffix in ("/text()", "/string()"):
            trimmed = trimmed.removesuffix(suffix)
        if "/@" in trimmed.rsplit("]", 1)[-1]:
            trimmed = trimmed.rsplit("/@", 1)[0]
        return f"xpath={trimmed}"
    return browser_selector(selector)


async def wait_for_content(page: Page, selector: str, timeout_ms: float) -> str:
    """Wait until the page's script has put something matching `selector` in the DOM."""
    try:
        await page.wait_for_selector(selector, state="attached", timeout=timeout_ms)
    except PlaywrightTimeout:
        return TIMED_OUT
    return SHOWN


async def reveal(page: Page, click: str, wait_for: str, timeout_ms: float) -> str:
    """Click the "show number" control, then wait for the number to appear."""
    button = await page.query_selector(click)
    if button is None:
        return NO_BUTTON
    try:
        await button.click(timeout=timeout_ms)
        await page.wait_for_selector(wait_for, state="attached", timeout=timeout_ms)
    except PlaywrightTimeout:
        return TIMED_OUT
    except PlaywrightError as exc:
        # A button that is detached or covered: the ad is kept, the phone reported missing.
        return f"{TIMED_OUT}: {str(exc).splitlines()[0][:200]}"
    return REVEALED


async def screenshot(page: Page) -> bytes | str:
    """The whole page as PNG, for evidence; what went wrong instead of raising."""
    try:
        return await page.screenshot(full_page=True, type="png", timeout=SCREENSHOT_TIMEOUT_MS)
    except PlaywrightError as exc:
        return f"{TIMED_OUT}: {str(exc).splitlines()[0][:200]}"


async def _grew(page: Page, items: str, before: int, timeout_ms: float) -> bool:
    """Whether more items than `before` match within the timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_ms / 1000
    while loop.time() < deadline:
        if await page.locator(items).count() > before:
            return True
        await asyncio.sleep(0.1)
    return False


async def load_more(page: Page, items: str, click: str, scroll: bool, rounds: int, wait_ms: int) -> str:
    """A listing that grows in place: click "load more" (or scroll to the end) until no new item
    matching `items` appears, the button is gone, or `rounds` are used up."""
    done = 0
    for _ in range(rounds):
        before = await page.locator(items).count()
        try:
            if click:
                button = await page.query_selector(click)
                if button is None or not await button.is_visible():
                    break
                await button.click(timeout=wait_ms * 5)
            else:
                await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            if not await _grew(page, items, before, wait_ms * 5):
                break
        except PlaywrightTimeout:
            break
        except PlaywrightError as exc:
            return f"{done} rounds; stopped: {str(exc).splitlines()[0][:200]}"
        done += 1
    return f"{done} rounds"
