"""Full-page screenshots of newly seen ads, kept as evidence under the retention rule.

A file is named after a hash of the ad's url, so retention can tell which ad it shows without
opening it: `screenshots/<site>/<url key>-<UTC time>.png`.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone
from pathlib import Path

from videre.core.config import Settings

SCREENSHOT_DIR = "screenshots"
SCREENSHOT_KEY = "_screenshot"  # an item's PNG bytes, from the browser, until the archive saves them
MAX_SCREENSHOT_BYTES = 20_000_000
_NAME = re.compile(r"^([0-9a-f]{32})-\d{8}T\d{6}Z\.png$")


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


def screenshot_path(settings: Settings, site: str, url: str, when: datetime) -> Path:
    stamp = when.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return settings.path(SCREENSHOT_DIR, site, f"{url_key(url)}-{stamp}.png")


def key_of(path: Path) -> str | None:
    """The url key a screenshot file was named with, or None for a file not named by Videre."""
    m = _NAME.match(path.name)
    return m.group(1) if m else None


def save_screenshot(settings: Settings, site: str, url: str, png: bytes, when: datetime) -> Path:
    """Write atomically, so a crawl killed mid-write never leaves half a picture."""
    path = screenshot_path(settings, site, url, when)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(png)
    tmp.replace(path)
    return path
