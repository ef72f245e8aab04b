"""Per-cluster features, each computed from the data and kept with its evidence."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np
import phonenumbers

from triage.frame import Frame


@dataclass
class ClusterFeatures:
    cluster_id: int
    ads: list[int]                       # positions in the frame
    n_ads: int = 0
    sites: int = 0
    phones: list[str] = field(default_factory=list)
    foreign_phones: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    names_per_phone: dict[str, list[str]] = field(default_factory=dict)
    cities: list[str] = field(default_factory=list)
    route: list[tuple[str, str]] = field(default_factory=list)   # (city, first day there)
    obfuscated_share: float = 0.0
    first_seen: datetime | None = None
    last_seen: datetime | None = None

    @property
    def max_names_per_phone(self) -> int:
        return max((len(v) for v in self.names_per_phone.values()), default=0)

    def to_json(self) -> dict:
        return {
            "n_ads": self.n_ads, "sites": self.sites, "phones": self.phones,
            "foreign_phones": self.foreign_phones, "names": self.names,
            "names_per_phone": self.names_per_phone, "cities": self.cities,
            "route": [list(r) for r in self.route], "obfuscated_share": round(self.obfuscated_share, 3),
        }


def _aware(t: np.datetime64) -> datetime:
    return datetime.fromisoformat(str(t.astype("datetime64[s]"))).replace(tzinfo=timezone.utc)


def route(frame: Frame, positions: list[int]) -> list[tuple[str, str]]:
    """The sequence of cities in time order, one entry per stay (consecutive repeats collapsed)."""
    stops = sorted((frame.seen[p], frame.cities[p]) for p in positions if frame.cities[p])
    out: list[tuple[str, str]] = []
    for when, city in stops:
        if not out or out[-1][0] != city:
            out.append((city, str(when.astype("datetime64[D]"))))
    return out


def compute_features(frame: Frame, cluster_of: np.ndarray, region: str) -> dict[int, ClusterFeatures]:
    members: dict[int, list[int]] = defaultdict(list)
    for pos, cid in enumerate(cluster_of.tolist()):
        members[cid].append(pos)

    phone_keys = frame.keys["phone"]
    phones_of: dict[int, list[int]] = defaultdict(list)
    for a, k in zip(phone_keys.ad_pos.tolist(), phone_keys.key_pos.tolist()):
        phones_of[a].append(k)

    home = f"+{phonenumbers.country_code_for_region(region)}"
    result: dict[int, ClusterFeatures] = {}
    for cid, positions in members.items():
        f = ClusterFeatures(cluster_id=cid, ads=positions, n_ads=len(positions))
        f.sites = len({int(frame.site[p]) for p in positions})
        per_phone: dict[str, set[str]] = defaultdict(set)
        phones: set[str] = set()
        for p in positions:
            for k in phones_of.get(p, []):
                if phone_keys.hub[k]:
                    continue
                label = phone_keys.labels[k]
                phones.add(label)
                if frame.names[p]:
                    per_phone[label].add(frame.names[p])
        f.phones = sorted(phones)
        f.foreign_phones = [p for p in f.phones if not p.startswith(home)]
        f.names = sorted({frame.names[p] for p in positions if frame.names[p]})
        f.names_per_phone = {k: sorted(v) for k, v in sorted(per_phone.items())}
        f.cities = sorted({c for c in (frame.cities[p] for p in positions) if c})
        f.route = route(frame, positions)
        f.obfuscated_share = float(np.mean(frame.obfuscated[positions])) if positions else 0.0
        seen = frame.seen[positions]
        f.first_seen, f.last_seen = _aware(seen.min()), _aware(seen.max())
        result[cid] = f
    return result
