"""Which config file a command reads, found without loading it: the `videre` command starts a
crawl process from the path alone, before it loads the settings (bench/README.md, crawl)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ENV_CONFIG = "VIDERE_CONFIG"
DEFAULT_CONFIG = Path("config.yaml")


def config_path(explicit: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if explicit:
        return Path(explicit)
    if env.get(ENV_CONFIG):
        return Path(env[ENV_CONFIG])
    return DEFAULT_CONFIG
