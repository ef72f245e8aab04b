"""Typed settings: config.yaml plus a few environment overrides, loaded once and passed down.

This is the only module that reads the environment.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ConfigDict, Field, ValidationError, field_validator, model_validator

from videre.core.config_base import ConfigModel, region_code
from videre.core.config_file import DEFAULT_CONFIG, config_path
from videre.core.errors import ConfigError
from videre.core.site_config import SiteSettings

# libyaml's safe loader where PyYAML was built with it: the same documents, read about seven times
# faster (the shipped config.yaml: 0.016 s of every command's start in pure Python, 0.0025 s).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

ENV_DATABASE_URL = "VIDERE_DATABASE_URL"
ENV_REDIS_URL = "VIDERE_REDIS_URL"


class DatabaseSettings(ConfigModel):
    url: str = "sqlite:///videre.db"
    echo: bool = False
    # PostgreSQL connection pool per process (SQLAlchemy QueuePool): connections kept open, and
    # how many more a burst may open. Size the server's max_connections from these (docs/deploy.md).
    pool_size: int = Field(5, ge=1, le=200)
    max_overflow: int = Field(10, ge=0, le=200)


class RedisSettings(ConfigModel):
    """The distributed crawl's job queue (`videre worker`, `videre crawl --distributed`)."""

    url: str = "redis://127.0.0.1:6379/0"
    # Every key Videre writes starts with this, so several installations can share one Redis.
    key_prefix: str = Field("videre", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
    # A worker silent this long counts as dead: the site it was crawling goes back on the queue.
    heartbeat_timeout_s: float = Field(60, ge=1, le=3600)


class SiteCheckSettings(ConfigModel):
    """When a crawl is flagged "site changed?": broken selectors must not pass silently."""

    # Compare with the median of this many earlier finished crawls of the same site.
    history_runs: int = Field(5, ge=1, le=50)
    # Flag when the ads seen fall below this share of that median.
    min_count_share: float = Field(0.5, gt=0, le=1)
    # Flag a key field left empty in at least this share of the ads parsed in the run...
    empty_share: float = Field(0.5, gt=0, le=1)
    # ...when the site's stored ads had it empty at most this much less often.
    empty_jump: float = Field(0.3, gt=0, le=1)
    # Below this many parsed ads a run says too little about empty fields.
    min_parsed: int = Field(5, ge=1)


class CrawlSettings(ConfigModel):
    user_agent: str = "Videre/0.1 (research crawler; +mailto:ops@videre.example)"
    contact: str = "ops@videre.example"
    obey_robots: bool = True
    concurrency_per_site: int = Field(2, ge=1, le=32)
    download_delay: float = Field(0.25, ge=0)
    autothrottle: bool = True
    page_max_bytes: int = Field(5_000_000, ge=10_000)
    page_timeout_s: float = Field(30, gt=0)
    run_timeout_s: float = Field(3600, gt=0)
    # How often a running crawl writes its counts to its run row and the terminal.
    progress_interval_s: float = Field(3.0, gt=0)
    # Pages (listing and detail) one crawl of a site may request; 0 means no budget.
    max_pages_per_site: int = Field(0, ge=0, description="0 means no budget")
    # Listing pages followed from each start URL; 0 means no limit.
    max_depth: int = Field(0, ge=0, description="0 means no limit")
    # An ad page checked less than this long ago is not requested again (the listing still shows
    # the ad); an older one is asked for conditionally (ETag / Last-Modified). Below a day, so that
    # a nightly crawl re-checks every page each night. 0: ask every time.
    recheck_after_hours: float = Field(20, ge=0)
    chromium: str = Field("auto", description="path to a Chromium binary, or auto")
    browser_max_pages: int = Field(4, ge=1)
    screenshots: bool = False
    site_check: SiteCheckSettings = SiteCheckSettings()


class PhotoSettings(ConfigModel):
    max_bytes: int = Field(8_000_000, ge=1_000)
    max_pixels: int = Field(40_000_000, ge=10_000)
    max_side: int = Field(12_000, ge=16)
    thumbnail_px: int = Field(160, ge=16, le=1024)
    keep_originals: bool = False
    hub_min_ads: int = Field(8, ge=2)


class ImportSettings(ConfigModel):
    max_line_bytes: int = Field(4_000_000, ge=1_000)


class ExtractSettings(ConfigModel):
    max_text_chars: int = Field(100_000, ge=1_000)


class HubSettings(ConfigModel):
    """When a phone, photo or template is a hub (kept out of linking); see triage/hubs.py."""

    # Used under more than this many distinct names...
    max_names: int = Field(12, ge=2)
    # ...unless it is the only number on most of its ads (an agency's booking line): then this many.
    max_names_sole: int = Field(40, ge=2)
    # Printed on more than this share of one site's ads (a support line), on sites this big.
    max_site_share: float = Field(0.2, gt=0, le=1)
    min_site_ads: int = Field(20, ge=1)
    # Next to more than this many other phone numbers (a placeholder photo, a stock text).
    max_phones: int = Field(8, ge=1)
    # In more than this many cities while used under more than half of max_names names.
    max_cities: int = Field(12, ge=2)
    # No cluster may hold more names than this through one key: the widest key is cut.
    giant_names: int = Field(60, ge=2)


class ScoreRules(ConfigModel):
    """The thresholds at which a feature becomes a reason; weights are in `triage.weights`."""

    women_per_number: int = Field(3, ge=2, description="women behind one number")
    shared_by_women: int = Field(2, ge=2, description="women sharing a photo or template")
    movement_cities: int = Field(3, ge=2, description="distinct cities seen over time")
    wording_share: float = Field(0.3, gt=0, le=1, description="share of a cluster's ads showing a wording indicator")
    young_age: int = Field(21, ge=18, description="stated ages up to this count as young")
    batch_minutes: int = Field(15, ge=1, description="ads of different women posted this close together")
    organised_women: int = Field(3, ge=2, description="women before shared photos, texts or batches count")
    roster_women: int = Field(4, ge=2, description="women behind one booking line for an agency")
    roster_city_share: float = Field(0.6, gt=0, le=1, description="share of ads in the main city")
    flat_max_phones: int = Field(4, ge=2, description="most numbers a flat rotates")


class TriageSettings(ConfigModel):
    # Clusters scoring at least this are queued for analysts.
    threshold: float = 2.0
    # Reason code -> weight; any code left out keeps its default (triage/score.py DEFAULT_WEIGHTS).
    weights: dict[str, float] = Field(default_factory=dict)
    rules: ScoreRules = ScoreRules()
    hubs: HubSettings = HubSettings()
    # Template links: rapidfuzz similarity of the template words a candidate pair must reach.
    template_threshold: float = Field(0.85, gt=0, le=1)
    # Ads with fewer template words than this are not template-linked (too little to go on).
    template_min_words: int = Field(10, ge=3)
    # MinHash LSH: `bands` groups of `rows` hashes over word shingles of `shingle` words.
    minhash_bands: int = Field(8, ge=1, le=64)
    minhash_rows: int = Field(4, ge=1, le=16)
    shingle_words: int = Field(3, ge=1, le=8)
    # Photo and template links weaker than this (1 / (1 + ln spread), triage/anchor.py) are dropped.
    min_link_weight: float = Field(0.3, ge=0, le=1)
    # The largest cluster growing past this factor of the previous run's (and by 100 ads) is
    # warned about in the run history.
    giant_growth: float = Field(2.0, ge=1)
    # Threads for rapidfuzz verification.
    workers: int = Field(2, ge=1, le=64)
    # Weights learned from analysts' labels (triage/learned_weights.py) are fitted only from this
    # many labelled items on (with both outcomes among them); below it the weights page says so.
    learn_min_labels: int = Field(40, ge=10)


class WebSettings(ConfigModel):
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    session_minutes: int = Field(60, ge=1, description="idle time before a sign-in expires")
    session_max_hours: int = Field(12, ge=1, description="a sign-in expires this long after it began")
    # Signs the sign-in form's token. Empty: a random key per server start (forms then expire on restart).
    secret_key: str = ""
    page_size: int = Field(50, ge=1, le=500)
    # Set when served behind HTTPS, so that cookies are never sent in clear.
    secure_cookies: bool = False
    login_max_failures: int = Field(5, ge=1, description="failures per account or address per window")
    login_window_minutes: int = Field(15, ge=1)
    min_password_length: int = Field(12, ge=8)
    # Reverse proxies (addresses or networks) whose X-Forwarded-For / X-Forwarded-Proto are
    # believed. Empty: forwarded headers are ignored and the peer's own address is what the
    # audit log records and the sign-in throttle counts (docs/security.md).
    trusted_proxies: list[str] = Field(default_factory=list)

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: list[str]) -> list[str]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"web.trusted_proxies: {entry!r} is not an IP address or network "
                                 "(such as 10.0.0.5 or 10.0.0.0/24)") from None
        return value


class RetentionSettings(ConfigModel):
    days: int = Field(180, ge=1)
    # Data attached to a queue item in one of these states is kept whatever its age.
    keep_statuses: list[str] = Field(default_factory=lambda: ["in_review", "escalated"])


class ScheduleSettings(ConfigModel):
    timezone: str = "Europe/Stockholm"
    crawl_cron: str = "15 2 * * *"
    retention_cron: str = "30 4 * * *"
    misfire_grace_s: int = Field(6 * 3600, ge=1)
    site_crons: dict[str, str] = Field(default_factory=dict)
    # After SIGTERM, how long a running crawl gets to close (and save its job state) before SIGKILL.
    stop_grace_s: int = Field(60, ge=1)


class Settings(ConfigModel):
    region: str = "SE"
    data_dir: Path = Path("var")
    database: DatabaseSettings = DatabaseSettings()
    redis: RedisSettings = RedisSettings()
    crawl: CrawlSettings = CrawlSettings()
    photos: PhotoSettings = PhotoSettings()
    imports: ImportSettings = Field(ImportSettings(), alias="import")
    extract: ExtractSettings = ExtractSettings()
    triage: TriageSettings = TriageSettings()
    web: WebSettings = WebSettings()
    retention: RetentionSettings = RetentionSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    sites: list[SiteSettings] = Field(default_factory=list)
    _region = field_validator("region", mode="before")(region_code)
    # Where the file came from; relative paths in it are resolved against its folder.
    source: Path | None = None

    # Forbidden extras and frozen come from ConfigModel: pydantic merges a subclass's config with its base's.
    model_config = ConfigDict(populate_by_name=True)

    @model_validator(mode="after")
    def _robots_reasons(self) -> "Settings":
        # Not obeying a site's robots.txt is a decision someone must be able to account for.
        silent = [s.slug for s in self.sites if not (self.crawl.obey_robots if s.obey_robots is None
                                                     else s.obey_robots) and not s.robots_reason.strip()]
        if silent:
            raise ValueError(f"robots.txt is not obeyed for {', '.join(silent)}: give each site a "
                             "robots_reason (it is recorded in every run)")
        return self

    def site(self, slug: str) -> SiteSettings:
        for s in self.sites:
            if s.slug == slug:
                return s
        raise ConfigError(f"no site {slug!r} in config; known: {', '.join(self.site_slugs) or 'none'}")

    @property
    def site_slugs(self) -> list[str]:
        return [s.slug for s in self.sites]

    def region_for(self, site_slug: str | None) -> str:
        if site_slug:
            for s in self.sites:
                if s.slug == site_slug and s.region:
                    return s.region
        return self.region

    def path(self, *parts: str) -> Path:
        """A path under data_dir, made absolute against the config file's folder."""
        base = self.data_dir
        if not base.is_absolute() and self.source is not None:
            base = self.source.parent / base
        return base.joinpath(*parts)


def _anchor_sqlite(url: str, base: Path) -> str:
    """A relative SQLite path in config.yaml means relative to that file, not to the cwd."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return url
    rest = url[len(prefix):]
    if not rest or rest.startswith(("/", ":memory:")) or rest.startswith("file:"):
        return url
    return prefix + str((base / rest).resolve())


def parse_settings(data: Mapping[str, Any], source: Path | None = None,
                   env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    data = dict(data)
    if source is not None:
        db = dict(data.get("database") or {})
        db["url"] = _anchor_sqlite(str(db.get("url", DatabaseSettings().url)), source.parent)
        data["database"] = db
    if env.get(ENV_DATABASE_URL):
        data["database"] = {**dict(data.get("database") or {}), "url": env[ENV_DATABASE_URL]}
    if env.get(ENV_REDIS_URL):
        data["redis"] = {**dict(data.get("redis") or {}), "url": env[ENV_REDIS_URL]}
    try:
        return Settings.model_validate({**data, "source": source})
    except ValidationError as exc:
        where = f" in {source}" if source else ""
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"invalid configuration{where}: {problems}") from None


def load_settings(path: str | os.PathLike[str] | None = None,
                  env: Mapping[str, str] | None = None) -> Settings:
    """Read config.yaml (or the file named by --config / VIDERE_CONFIG) and the env overrides."""
    p = config_path(path, env)
    if not p.exists():
        if path is None and p == DEFAULT_CONFIG:
            # No file at all is allowed: defaults plus environment.
            return parse_settings({}, None, env)
        raise ConfigError(f"config file not found: {p}")
    try:
        data = yaml.load(p.read_text(encoding="utf-8"), Loader=_SAFE_LOADER) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"config file {p} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"config file {p} must hold a mapping at the top level")
    return parse_settings(data, p.resolve(), env)
