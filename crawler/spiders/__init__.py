"""Generic spiders: a site of a known shape needs only its entry in config.yaml."""

from __future__ import annotations

from crawler.spiders.base import SiteSpider
from videre.core.errors import ConfigError
from videre.core.site_config import SiteSettings
from videre.extract.pages.fields import check_selector


def spider_class(site: SiteSettings) -> type[SiteSpider]:
    """The spider for the site's kind; its selectors are checked first, so a typo fails at once."""
    check_site(site)
    if site.kind == "json_api":
        from crawler.spiders.json_api import JsonApiSpider

        return JsonApiSpider
    from crawler.spiders.html import HtmlSiteSpider

    return HtmlSiteSpider


def check_site(site: SiteSettings) -> None:
    where = f"sites.{site.slug}"
    if not site.start_urls:
        raise ConfigError(f"{where}: start_urls is empty")
    if site.kind == "html":
        if not (site.listing.links or site.listing.cards):
            raise ConfigError(f"{where}.listing: set links (detail pages) or cards")
        for name, selector in [*site.listing.model_dump().items(), *site.fields.items()]:
            if selector:
                check_selector(selector, f"{where}: {name}")
        if site.reveal is not None:
            check_selector(site.reveal.click, f"{where}.reveal.click")
            check_selector(site.reveal.wait_for, f"{where}.reveal.wait_for")
    if not site.fields:
        raise ConfigError(f"{where}.fields: no fields configured")
    if site.load_more is not None and not site.render:
        raise ConfigError(f"{where}: load_more needs render: true (a click or scroll needs a browser)")
    if site.setup.browser and not site.render:
        raise ConfigError(f"{where}.setup.browser needs render: true")
    if site.reveal is not None and not site.render:
        raise ConfigError(f"{where}: reveal needs render: true (a click needs a browser)")
