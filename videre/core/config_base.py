"""What every part of the typed settings shares (videre.core.config, videre.core.site_config)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ConfigModel(BaseModel):
    # A typo in config.yaml should fail loudly, not be silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


def region_code(value: object) -> object:
    # YAML 1.1 reads a bare NO (Norway) as false; take it back as the country code it was meant as.
    if value is False:
        return "NO"
    return value.upper() if isinstance(value, str) else value
