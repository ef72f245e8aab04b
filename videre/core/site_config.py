"""One site's entry under `sites:` in config.yaml, typed and checked: where its ads are, how its
fields are read, and how the crawler gets in (docs/sites.md). Part of the settings that
videre.core.config loads."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from videre.core.config_base import ConfigModel, region_code

# One label of a host name (LDH rule), after IDNA encoding.
_HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def _photo_host(value: str) -> str:
    """A `photo_hosts` entry, lower-cased and IDNA-encoded as a crawler sees it in a URL; or why not."""
    host = value.strip().lower()
    example = "give the host name only, e.g. cdn.example.com or *.example.com"
    if "://" in host or host.startswith("//"):
        raise ValueError(f"{value!r} has a scheme: {example}")
    if any(c in host for c in "/?#"):
        raise ValueError(f"{value!r} has a path: {example}")
    if ":" in host or "@" in host:
        raise ValueError(f"{value!r} has a port or user: {example} (any port of the host is allowed)")
    wildcard = host.startswith("*.")
    name = host[2:] if wildcard else host
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"{value!r} is not a host name: {example}") from None
    labels = name.split(".")
    if not all(_HOST_LABEL.fullmatch(label) for label in labels) or len(name) > 253:
        raise ValueError(f"{value!r} is not a host name: {example}")
    if wildcard and len(labels) < 2:
        # "*.se" would let photos come from anywhere under a top-level domain.
        raise ValueError(f"{value!r} is too broad: a wildcard needs a domain of two labels or more")
    return f"*.{name}" if wildcard else name


class ListingSelectors(ConfigModel):
    links: str = ""
    next: str = ""
    # Set when the listing itself holds every field (cards) and there are no detail pages.
    cards: str = ""


class RevealSettings(ConfigModel):
    click: str
    wait_for: str
    timeout_ms: int = Field(5_000, ge=100)


class FieldPost(ConfigModel):
    """What happens to a field's raw match before it is stored (docs/sites.md, "Post-processing")."""

    # A regular expression with one group: the group's text is kept, a non-match leaves the field empty.
    pattern: str = ""
    # The value is an HTML srcset: keep the URL of its largest candidate.
    srcset: bool = False
    # Several matches: keep only the first, or join them with this string (default: one a line).
    first: bool = False
    join: str | None = None
    # The value is a link: resolve it against the page's URL.
    absolute: bool = False

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, value: str) -> str:
        if not value:
            return value
        try:
            compiled = re.compile(value)
        except re.error as exc:
            raise ValueError(f"pattern {value!r} is not a regular expression: {exc}") from None
        if compiled.groups != 1:
            raise ValueError(f"pattern {value!r} needs exactly one group (...), the part to keep")
        return value


class SetupRequest(ConfigModel):
    """One request made before the crawl, e.g. posting an age gate's form; its cookies are kept."""

    url: str
    method: Literal["GET", "POST"] = "GET"
    form: dict[str, str] = Field(default_factory=dict)


class BrowserStep(ConfigModel):
    """One step in Chromium before the crawl: exactly one of goto, click, wait."""

    goto: str = ""
    click: str = ""
    wait: str = ""
    timeout_ms: int = Field(10_000, ge=100)

    @model_validator(mode="after")
    def _one(self) -> "BrowserStep":
        if sum(bool(v) for v in (self.goto, self.click, self.wait)) != 1:
            raise ValueError("a browser step is one of goto: URL, click: SELECTOR or wait: SELECTOR")
        return self


class SiteSetup(ConfigModel):
    """How the crawler gets in: run once before the first page (docs/sites.md, "Getting in")."""

    cookies: dict[str, str] = Field(default_factory=dict)
    headers: dict[str, str] = Field(default_factory=dict)
    requests: list[SetupRequest] = Field(default_factory=list)
    browser: list[BrowserStep] = Field(default_factory=list)
    # A selector that matches only the gate or consent page: a page that matches it stops the crawl.
    gate: str = ""
    gate_name: str = "age gate or cookie consent"


class LoadMoreSettings(ConfigModel):
    """A JavaScript listing that grows in place: click `click` or scroll, until `max_rounds`."""

    click: str = ""
    scroll: bool = False
    max_rounds: int = Field(10, ge=1, le=500)
    wait_ms: int = Field(800, ge=50, le=30_000)

    @model_validator(mode="after")
    def _how(self) -> "LoadMoreSettings":
        if bool(self.click) == self.scroll:
            raise ValueError("load_more needs either click: SELECTOR or scroll: true")
        return self


class ApiRevealSettings(ConfigModel):
    """A phone behind a button whose script asks an API: ask it directly (no browser needed)."""

    # The API URL with {id} for the part of the ad URL that `id_pattern` (one group) picks out.
    url: str
    id_pattern: str
    # Dotted path to the phone in the JSON answer.
    path: str = "phone"
    field: str = "phone"

    @field_validator("id_pattern")
    @classmethod
    def _one_group(cls, value: str) -> str:
        try:
            groups = re.compile(value).groups
        except re.error as exc:
            raise ValueError(f"id_pattern {value!r} is not a regular expression: {exc}") from None
        if groups != 1:
            raise ValueError(f"id_pattern {value!r} needs exactly one group (...), the ad's id")
        return value


class SiteSettings(ConfigModel):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    name: str = ""
    kind: Literal["html", "json_api"] = "html"
    region: str | None = None
    start_urls: list[str]
    render: bool = False
    obey_robots: bool | None = None
    robots_reason: str = ""
    concurrency: int | None = Field(None, ge=1, le=32)
    download_delay: float | None = Field(None, ge=0)
    max_pages: int | None = Field(None, ge=0)
    listing: ListingSelectors = ListingSelectors()
    # Field name -> CSS/XPath selector (html) or dotted path (json_api).
    fields: dict[str, str] = Field(default_factory=dict)
    reveal: RevealSettings | None = None
    enabled: bool = True
    # Hosts the site serves its photos from besides its own (a CDN); "*.example.com" for any
    # subdomain. Only photos are fetched from them: pages there are never followed.
    photo_hosts: list[str] = Field(default_factory=list)
    # Getting in past an age gate or cookie consent.
    setup: SiteSetup = SiteSetup()
    # How the site's own times are read: its zone for times without one, and its languages for
    # words such as "igår" or "för 2 timmar sedan" (docs/sites.md, "Dates").
    timezone: str = "Europe/Stockholm"
    date_languages: list[str] = Field(default_factory=lambda: ["sv", "en"])
    # Post-processing per field; written inline as `name: {select: ..., pattern: ...}`.
    post: dict[str, FieldPost] = Field(default_factory=dict)
    load_more: LoadMoreSettings | None = None
    # Query parameters removed from every followed link ("utm_*", "fbclid"), so an ad has one URL.
    drop_params: list[str] = Field(default_factory=list)
    api_reveal: ApiRevealSettings | None = None

    _region = field_validator("region", mode="before")(region_code)

    @model_validator(mode="before")
    @classmethod
    def _inline_post(cls, data: Any) -> Any:
        # `title: {select: "h1", pattern: ...}` is the selector plus its post-processing.
        if not isinstance(data, Mapping) or not isinstance(data.get("fields"), Mapping):
            return data
        fields: dict[str, Any] = {}
        post: dict[str, Any] = dict(data.get("post") or {})
        for name, value in data["fields"].items():
            if isinstance(value, Mapping):
                rest = dict(value)
                if "select" not in rest:
                    raise ValueError(f"fields.{name}: a field written as a mapping needs select:")
                fields[name] = rest.pop("select")
                post[name] = rest
            else:
                fields[name] = value
        return {**data, "fields": fields, "post": post}

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a time zone name (e.g. Europe/Stockholm)") from None
        return value

    @model_validator(mode="after")
    def _post_known(self) -> "SiteSettings":
        if unknown := set(self.post) - set(self.fields):
            raise ValueError(f"post-processing for fields that have no selector: {sorted(unknown)}")
        return self

    @field_validator("photo_hosts")
    @classmethod
    def _photo_hosts(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(_photo_host(v) for v in value))
