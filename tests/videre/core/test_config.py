from __future__ import annotations

from pathlib import Path

import pytest

from videre.core.config import load_settings
from videre.core.errors import ConfigError


def test_env_overrides_database_url(tmp_path: Path) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("region: SE\ndatabase:\n  url: sqlite:///a.db\n")
    s = load_settings(cfg, env={"VIDERE_DATABASE_URL": "sqlite:///b.db"})
    assert s.database.url == "sqlite:///b.db"


def test_config_path_from_env(tmp_path: Path) -> None:
    cfg = tmp_path / "other.yaml"
    cfg.write_text("region: NO\n")
    assert load_settings(None, env={"VIDERE_CONFIG": str(cfg)}).region == "NO"


def test_typo_in_config_is_named(tmp_path: Path) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("crawl:\n  user_agnet: x\n")
    with pytest.raises(ConfigError, match="crawl.user_agnet"):
        load_settings(cfg, env={})


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.yaml", env={})


def test_data_dir_is_relative_to_the_config_file(tmp_path: Path) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("data_dir: var\n")
    assert load_settings(cfg, env={}).path("archive") == tmp_path.resolve() / "var" / "archive"


def test_region_falls_back_from_site_to_config(tmp_path: Path) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("region: SE\nsites:\n  - slug: a\n    start_urls: ['http://127.0.0.1:1/']\n"
                   "    region: no\n  - slug: b\n    start_urls: ['http://127.0.0.1:1/']\n")
    s = load_settings(cfg, env={})
    assert s.region_for("a") == "NO" and s.region_for("b") == "SE" and s.region_for(None) == "SE"


def test_relative_sqlite_path_is_relative_to_the_config_file(tmp_path: Path) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("database:\n  url: sqlite:///var/v.db\n")
    assert load_settings(cfg, env={}).database.url == f"sqlite:///{tmp_path.resolve()}/var/v.db"


def test_redis_section_pool_sizes_and_redis_env_override(tmp_path: Path) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("database:\n  pool_size: 3\n  max_overflow: 0\n"
                   "redis:\n  url: redis://q.internal:6379/2\n  key_prefix: region-vast\n")
    s = load_settings(cfg, env={})
    assert (s.database.pool_size, s.database.max_overflow) == (3, 0)
    assert (s.redis.url, s.redis.key_prefix, s.redis.heartbeat_timeout_s) == (
        "redis://q.internal:6379/2", "region-vast", 60)
    assert load_settings(cfg, env={"VIDERE_REDIS_URL": "redis://other:6379/0"}).redis.url == "redis://other:6379/0"


@pytest.mark.parametrize("bad", ["redis:\n  key_prefix: 'a b*'\n", "database:\n  pool_size: 0\n",
                                 "redis:\n  heartbeat_timeout_s: 0\n"])
def test_bad_redis_or_pool_settings_are_named(tmp_path: Path, bad: str) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text(bad)
    with pytest.raises(ConfigError, match=r"redis\.|database\.pool_size"):
        load_settings(cfg, env={})


def test_a_file_that_is_not_yaml_is_named_with_where_it_breaks(tmp_path: Path) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("crawl:\n  user_agent: [x\nregion: SE\n")
    with pytest.raises(ConfigError, match=r"(?s)config.yaml is not valid YAML: .*line 3"):
        load_settings(cfg, env={})


def test_the_shipped_config_reads_the_same_with_either_yaml_loader() -> None:
    import yaml

    shipped = Path(__file__).resolve().parents[3] / "config.yaml"
    text = shipped.read_text(encoding="utf-8")
    assert yaml.load(text, Loader=yaml.CSafeLoader) == yaml.safe_load(text)
    assert load_settings(shipped, env={}).sites
