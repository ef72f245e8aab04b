"""The crawl: Scrapy spiders, pipelines and the crawl process (docs/architecture.md)."""

import os

# Scrapy's cookie middleware asks tldextract which domains are public suffixes, and tldextract
# fetches the list from publicsuffix.org on first use. A crawl talks only to the sites it is
# configured for (docs/security.md): the list bundled with tldextract is used unless the operator
# names another source (a local file) in this variable.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
