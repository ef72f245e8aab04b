"""Scrapy's own tools in this project: `scrapy list`, `scrapy crawl SLUG`, `scrapy parse`, `scrapy shell`.

scrapy.cfg names this module as the project's settings. Its spider loader builds one spider per site
of config.yaml (the file named by VIDERE_CONFIG, else ./config.yaml), with the same settings
`videre crawl` gives it, so a site behaves alike under both. `videre crawl` stays the main command:
it also keeps crawls out of the nightly run's way and prints the summary.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.settings import BaseSettings

from crawler.settings import PROCESS_SETTINGS, site_settings
from crawler.spiders import spider_class
from videre.core.config import Settings, load_settings
from videre.core.site_config import SiteSettings

BOT_NAME = "videre"
SPIDER_LOADER_CLASS = "crawler.project.ConfigSpiderLoader"
TWISTED_REACTOR = PROCESS_SETTINGS["TWISTED_REACTOR"]
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
# Settings that belong to the process or to the command line (`-L DEBUG`), not to one spider.
_PROCESS_KEYS = frozenset({*PROCESS_SETTINGS, "LOG_LEVEL"})


def bound_spider(settings: Settings, site: SiteSettings) -> type[Spider]:
    """The site's spider class with its site and its settings bound, as Scrapy's tools expect."""
    base = spider_class(site)
    custom = {k: v for k, v in site_settings(settings, site).items() if k not in _PROCESS_KEYS}

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:  # noqa: N807
        kwargs.setdefault("site", site)
        base.__init__(self, *args, **kwargs)

    return type(f"{base.__name__}_{site.slug}", (base,), {
        "name": site.slug, "custom_settings": custom, "__init__": __init__,
        "allowed_domains": sorted({urlsplit(u).hostname or "" for u in site.start_urls} - {""}),
    })


class ConfigSpiderLoader:
    """SPIDER_LOADER_CLASS: the sites of config.yaml as spiders, by slug."""

    def __init__(self, settings: BaseSettings) -> None:
        self.config = load_settings(settings.get("VIDERE_CONFIG_PATH"))
        self._spiders = {s.slug: s for s in self.config.sites}

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> "ConfigSpiderLoader":
        return cls(settings)

    def load(self, spider_name: str) -> type[Spider]:
        site = self._spiders.get(spider_name)
        if site is None:
            raise KeyError(f"Spider not found: {spider_name} (sites in config.yaml: "
                           f"{', '.join(self._spiders) or 'none'})")
        return bound_spider(self.config, site)

    def list(self) -> list[str]:
        return list(self._spiders)

    def find_by_request(self, request: Request) -> list[str]:
        host = urlsplit(request.url).hostname or ""
        return [slug for slug, site in self._spiders.items()
                if host in {urlsplit(u).hostname for u in site.start_urls}]
