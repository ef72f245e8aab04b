"""The Scrapy underneath every crawl, whatever the config: which of Scrapy's own extensions and
download handlers are loaded. Only Scrapy's defaults are imported here, so the crawl benchmark's
bare spider can load the same Scrapy without Videre's settings (bench/README.md, crawl)."""

from __future__ import annotations

from scrapy.settings.default_settings import EXTENSIONS_BASE

# Scrapy's extensions, less the telnet console and the remote control, which the crawl switches
# off (crawler.settings.PROCESS_SETTINGS). Scrapy imports every extension named in EXTENSIONS or
# EXTENSIONS_BASE, even one set to None, and the remote control's module loads aiohttp (0.15 s
# timed on its own; bench/README.md, crawl); a crawl process that handles hostile pages should not
# hold a code-execution server's code either. Built from Scrapy's own list, so an extension a
# later Scrapy adds still runs.
_OFF_EXTENSIONS = ("scrapy.extensions.telnet.TelnetConsole", "scrapy.extensions.remote_control.RemoteControl")
SCRAPY_EXTENSIONS = {path: order for path, order in EXTENSIONS_BASE.items() if path not in _OFF_EXTENSIONS}
# The crawl speaks HTTP(S) only: Scrapy's data:, file:, s3: and ftp: handlers are not loaded, and a
# request in one of those schemes fails as unsupported (the offsite filter refuses them first).
WEB_ONLY_HANDLERS: dict[str, str | None] = {"data": None, "file": None, "s3": None, "ftp": None}
