"""Everything triage needs, read in bulk into arrays indexed by position (no per-ad ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.ads import Ad
from models.entities import AdPhone, AdPhoto, Phone, Photo


@dataclass
class Keys:
    """One kind of identifier (phone, photo, template) and which ads carry it.

    `ad_pos` and `key_pos` are parallel arrays: ad at position ad_pos[i] carries key key_pos[i].
    `hub` marks keys that must not link anything; `hub_reason` says why.
    """

    kind: str
    ids: np.ndarray                     # database id per key position
    labels: list[str]                   # what an analyst sees (E.164, photo sha, ...)
    ad_pos: np.ndarray
    key_pos: np.ndarray
    override: list[bool | None]         # analysts' decisions; None = let the data decide
    hub: np.ndarray = field(init=False)
    hub_reason: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.hub = np.zeros(len(self.ids), dtype=bool)
        self.hub_reason = [""] * len(self.ids)


@dataclass
class Frame:
    ad_ids: np.ndarray                  # int64, ascending
    site: np.ndarray                    # site id per ad
    names: list[str]                    # folded name per ad ("" unknown)
    cities: list[str | None]
    ages: list[int | None]
    seen: np.ndarray                    # datetime64[s]: posted_at, else first_seen
    obfuscated: np.ndarray              # bool
    extraction: list[dict]
    old_cluster: np.ndarray             # previous cluster id per ad, 0 = none
    urls: list[str]
    keys: dict[str, Keys] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ad_ids)

    def positions(self, ids: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.ad_ids, ids)


def fold_name(name: str) -> str:
    return " ".join(name.casefold().split())[:100]


def _when(posted: datetime | None, first: datetime) -> np.datetime64:
    t = posted or first
    return np.datetime64(t.replace(tzinfo=None), "s")


def load_frame(session: Session) -> Frame:
    rows = session.execute(
        select(Ad.id, Ad.site_id, Ad.name, Ad.city, Ad.age, Ad.posted_at, Ad.first_seen,
               Ad.phone_obfuscated, Ad.extraction, Ad.cluster_id, Ad.url).order_by(Ad.id)
    ).all()
    frame = Frame(
        ad_ids=np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)),
        site=np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows)),
        names=[fold_name(r[2] or "") for r in rows],
        cities=[r[3] for r in rows],
        ages=[r[4] for r in rows],
        seen=np.array([_when(r[5], r[6]) for r in rows], dtype="datetime64[s]"),
        obfuscated=np.fromiter((bool(r[7]) for r in rows), dtype=bool, count=len(rows)),
        extraction=[r[8] or {} for r in rows],
        old_cluster=np.fromiter((r[9] or 0 for r in rows), dtype=np.int64, count=len(rows)),
        urls=[r[10] for r in rows],
    )
    frame.keys["phone"] = _load_keys(session, frame, "phone", Phone, Phone.e164, AdPhone.phone_id,
                                     AdPhone.ad_id)
    frame.keys["photo"] = _load_keys(session, frame, "photo", Photo, Photo.sha256, AdPhoto.photo_id,
                                     AdPhoto.ad_id)
    return frame


def _load_keys(session: Session, frame: Frame, kind: str, model: type, label_col: object,
               link_key: object, link_ad: object) -> Keys:
    keys = session.execute(select(model.id, label_col, model.hub_override).order_by(model.id)).all()
    ids = np.fromiter((k[0] for k in keys), dtype=np.int64, count=len(keys))
    pairs = np.array(session.execute(select(link_ad, link_key)).all(), dtype=np.int64).reshape(-1, 2)
    return Keys(kind=kind, ids=ids, labels=[k[1] for k in keys],
                ad_pos=frame.positions(pairs[:, 0]), key_pos=np.searchsorted(ids, pairs[:, 1]),
                override=[k[2] for k in keys])
