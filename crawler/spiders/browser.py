"""What the browser does on a rendered page before its DOM is read: wait for content, reveal the phone.

These run as scrapy-playwright PageMethods. They never raise on a timeout: a page whose phone
would not show is still an ad, so they return what happened and the spider reports it.
"""

from __future__ import annotations

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
