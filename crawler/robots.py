"""Scrapy's robots.txt middleware, with every request that waits for a host's file given it.

While a host's robots.txt downloads, Scrapy 2.19 lets each further request to that host await
one shared Deferred through `Deferred.asFuture`, which leaves the Deferred firing None for the
next awaiter: the third and later requests get None ("no robots.txt") and are never checked.
Photos of a new host arrive several at once (one ad's photos are fetched together), so on a
CDN host (`photo_hosts`) this let photos through that its robots.txt forbids.
"""

from __future__ import annotations

from typing import TypeVar

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

_T = TypeVar("_T")


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Downloader middleware in place of Scrapy's RobotsTxtMiddleware (crawler/settings.py)."""

    async def robot_parser(self, request: Request) -> RobotParser | None:
        # A private attribute of Scrapy 2.19: without it, Scrapy's own behaviour is kept.
        pending = getattr(self, "_parsers", {}).get(urlparse_cached(request).netloc)
        if isinstance(pending, Deferred):
            # Each waiter its own Deferred, fed without changing what the shared one passes on.
            mine: Deferred[RobotParser | None] = Deferred()
            pending.addBoth(_pass_to, mine)
            return await maybe_deferred_to_future(mine)
        return await super().robot_parser(request)


def _pass_to(result: _T, waiter: Deferred[_T]) -> _T:
    waiter.callback(result)
    return result
