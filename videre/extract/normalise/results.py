"""What extraction returns: frozen, JSON-ready records (re-exported by `extract`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PhoneHit:
    e164: str
    raw: str
    field: str
    start: int
    end: int
    methods: tuple[str, ...]
    country: str

    def to_json(self) -> dict[str, Any]:
        return {"e164": self.e164, "raw": self.raw, "field": self.field, "start": self.start,
                "end": self.end, "methods": list(self.methods), "country": self.country}


@dataclass(frozen=True)
class Evidence:
    field: str
    start: int
    end: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Indicator:
    code: str
    evidence: tuple[Evidence, ...]
    counts: bool

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "counts": self.counts,
                "evidence": [e.to_json() for e in self.evidence]}


@dataclass(frozen=True)
class Place:
    city: str
    raw: str
    country: str
    lat: float | None
    lon: float | None
    district: str | None

    def to_json(self) -> dict[str, Any]:
        return {"city": self.city, "raw": self.raw, "country": self.country, "lat": self.lat,
                "lon": self.lon, "district": self.district}


@dataclass(frozen=True)
class Extraction:
    phones: tuple[PhoneHit, ...]
    emails: tuple[str, ...]
    handles: tuple[str, ...]
    location: Place | None
    age: int | None
    name: str | None
    languages: tuple[str, ...]
    nationalities: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    incall: bool | None
    outcall: bool | None
    price_sek_per_hour: float | None

    @property
    def phone_obfuscated(self) -> bool:
        return any(hit.methods for hit in self.phones)

    def to_output(self, id: object) -> dict[str, Any]:
        """The `videre extract` line (docs/cli.md)."""
        return {
            "id": id,
            "phones": [hit.e164 for hit in self.phones],
            "phone_obfuscated": self.phone_obfuscated,
            "emails": list(self.emails),
            "location": {"city": self.location.city, "raw": self.location.raw} if self.location else None,
            "age": self.age,
            "languages": list(self.languages),
            "indicators": [ind.code for ind in self.indicators],
        }

    def to_json(self) -> dict[str, Any]:
        """Everything, JSON-safe: what is stored on the ad."""
        return {
            "phones": [hit.to_json() for hit in self.phones],
            "phone_obfuscated": self.phone_obfuscated,
            "emails": list(self.emails),
            "handles": list(self.handles),
            "location": self.location.to_json() if self.location else None,
            "age": self.age,
            "name": self.name,
            "languages": list(self.languages),
            "nationalities": list(self.nationalities),
            "indicators": [ind.to_json() for ind in self.indicators],
            "incall": self.incall,
            "outcall": self.outcall,
            "price_sek_per_hour": self.price_sek_per_hour,
        }
