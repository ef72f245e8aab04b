"""A site's entry under `sites:` (videre/core/site_config.py), read through the settings' loader so
that errors name where in config.yaml they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from videre.core.config import load_settings
from videre.core.errors import ConfigError


def _site_with_photo_hosts(tmp_path: Path, hosts: str) -> Path:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("sites:\n  - slug: nattsida\n    start_urls: ['https://www.nattsida.test/lista']\n"
                   f"    photo_hosts: {hosts}\n", encoding="utf-8")
    return cfg


def test_photo_hosts_are_lower_cased_idna_encoded_and_deduplicated(tmp_path: Path) -> None:
    cfg = _site_with_photo_hosts(tmp_path, "[' Bilder.CDN-exempel.test', '*.ImgCache.example', "
                                           "'bilder.cdn-exempel.test', 'bildvärd.test']")
    site = load_settings(cfg, env={}).site("nattsida")
    # The last as a crawled URL has it.
    assert site.photo_hosts == ["bilder.cdn-exempel.test", "*.imgcache.example", "xn--bildvrd-9wa.test"]
    assert load_settings(_site_with_photo_hosts(tmp_path, "[]"), env={}).site("nattsida").photo_hosts == []


@pytest.mark.parametrize(("entry", "why"), [
    ("https://bilder.cdn-exempel.test", "has a scheme"),
    ("//bilder.cdn-exempel.test", "has a scheme"),
    ("bilder.cdn-exempel.test/foto", "has a path"),
    ("bilder.cdn-exempel.test:8443", "has a port"),
    ("*.se", "too broad"),
    ("bilder.*.se", "not a host name"),
    ("bilder..test", "not a host name"),
    ("bilder_cdn.test", "not a host name"),
    ("", "not a host name"),
])
def test_a_photo_host_that_is_not_a_bare_host_name_is_refused(tmp_path: Path, entry: str, why: str) -> None:
    with pytest.raises(ConfigError, match=rf"sites\.0\.photo_hosts: .*{why}"):
        load_settings(_site_with_photo_hosts(tmp_path, f"['{entry}']"), env={})
