"""The evidence behind a cluster's features, spelled out for the clusters analysts will see.

Features (triage.features) are counts for every cluster; this module lists what was counted (which
names under which number, the route, the shared photos and templates, the hubs left out) for the
few clusters that reach the queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np

from triage.frame import Frame, Keys

MAX_LISTED = 50


def iso_day(t: int) -> str:
    return datetime.fromtimestamp(int(t), tz=timezone.utc).date().isoformat()


def aware(t: int) -> datetime:
    return datetime.fromtimestamp(int(t), tz=timezone.utc)


@dataclass
class Link:
    kind: str
    key: int                # phone id, photo id (of the group), template id
    label: str
    ads: int
    strength: float
    names: list[str]

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "key": self.key, "label": self.label, "ads": self.ads,
                "strength": round(self.strength, 3), "names": self.names[:MAX_LISTED]}


@dataclass
class Evidence:
    positions: list[int]
    names: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    names_per_phone: dict[str, list[str]] = field(default_factory=dict)
    route: list[tuple[str, str]] = field(default_factory=list)      # (city, first day there)
    cities: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    hubs: list[dict[str, object]] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    ages: list[int] = field(default_factory=list)
    first_seen: datetime | None = None
    last_seen: datetime | None = None

    def shared(self, kind: str, min_names: int) -> list[Link]:
        return [lk for lk in self.links if lk.kind == kind and len(lk.names) >= min_names]

    def to_json(self) -> dict[str, object]:
        return {
            "names": self.names[:MAX_LISTED], "phones": self.phones[:MAX_LISTED],
            "names_per_phone": {k: v[:MAX_LISTED] for k, v in list(self.names_per_phone.items())[:MAX_LISTED]},
            "route": [list(r) for r in self.route[:200]], "cities": self.cities, "sites": self.sites,
            "links": [lk.to_json() for lk in self.links[:MAX_LISTED]], "hubs": self.hubs[:MAX_LISTED],
            "nationalities": self.nationalities, "ages": self.ages[:MAX_LISTED],
        }


class EvidenceBuilder:
    """Member lists for every cluster, and per-ad key lists, built once; evidence on demand."""

    def __init__(self, frame: Frame, cluster_index: np.ndarray, nationalities: list[str]) -> None:
        self.frame = frame
        order = np.argsort(cluster_index, kind="stable")
        self.order = order
        self.starts = np.searchsorted(cluster_index[order], np.arange(cluster_index.max(initial=-1) + 2))
        self.nationalities = nationalities
        # Per kind: membership rows sorted by ad, and where each ad's rows start.
        self.by_ad: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for kind, keys in frame.keys.items():
            o = np.argsort(keys.ad_pos, kind="stable")
            self.by_ad[kind] = (o, np.searchsorted(keys.ad_pos[o], np.arange(len(frame) + 1)))

    def members(self, i: int) -> list[int]:
        return self.order[self.starts[i]:self.starts[i + 1]].tolist()

    def build(self, i: int) -> Evidence:
        f = self.frame
        pos = self.members(i)
        ev = Evidence(pos)
        name_of = {p: f.names.shown[f.names.of_ad[p]] for p in pos if f.names.of_ad[p] >= 0}
        ev.names = sorted(set(name_of.values()))
        stops = sorted((int(f.seen[p]), int(f.ad_ids[p]), f.cities.shown[f.cities.of_ad[p]])
                       for p in pos if f.cities.of_ad[p] >= 0)
        for t, _, city in stops:
            if not ev.route or ev.route[-1][0] != city:
                ev.route.append((city, iso_day(t)))
        ev.cities = sorted({c for _, _, c in stops})
        ev.sites = sorted({f.site_slugs.get(int(f.site[p]), str(f.site[p])) for p in pos})
        ev.ages = sorted({int(f.ages[p]) for p in pos if f.ages[p] > 0})
        ev.nationalities = sorted({n for p in pos for n in self.nationalities[p].split(",") if n})
        seen = f.seen[pos]
        ev.first_seen, ev.last_seen = aware(seen.min()), aware(seen.max())
        for kind, keys in f.keys.items():
            self._links(ev, kind, keys, np.array(pos, dtype=np.int64), name_of)
        ev.phones = [lk.label for lk in ev.links if lk.kind == "phone"]
        ev.names_per_phone = {lk.label: lk.names for lk in ev.links if lk.kind == "phone" and lk.names}
        return ev

    def _links(self, ev: Evidence, kind: str, keys: Keys, pos: np.ndarray, name_of: dict[int, str]) -> None:
        o, starts = self.by_ad[kind]
        counts = starts[pos + 1] - starts[pos]
        if not counts.sum():
            return
        rows = o[np.repeat(starts[pos], counts) + np.arange(counts.sum())
                 - np.repeat(np.cumsum(counts) - counts, counts)]
        kp, ap, st = keys.key_pos[rows], keys.ad_pos[rows], keys.strength[rows]
        order = np.lexsort((ap, kp))
        kp, ap, st = kp[order], ap[order], st[order]
        bounds = np.nonzero(np.diff(kp))[0] + 1
        groups = sorted(zip(np.split(kp, bounds), np.split(ap, bounds), np.split(st, bounds)),
                        key=lambda g: (-len(np.unique(g[1])), int(g[0][0])))
        for gk, ga, gs in groups:
            k = int(gk[0])
            ads = set(ga.tolist())
            names = sorted({name_of[p] for p in ads if p in name_of})
            if keys.hub[k]:
                ev.hubs.append({"kind": kind, "key": int(keys.ids[k]), "label": keys.labels[k],
                                "reason": keys.hub_reason[k], "ads": len(ads)})
            elif kind == "phone" or len(ads) >= 2:
                ev.links.append(Link(kind, int(keys.ids[k]), keys.labels[k], len(ads),
                                     float(gs.mean()), names))
