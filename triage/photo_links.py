"""Photo links: ads that show the same picture, through groups of near-duplicate photos.

The photo matcher (triage.photos.group_photos) decides which stored photos show the same picture
(re-posted, cropped, bordered, mirrored...). Each group is one key; a placeholder or stock picture
becomes a big group, which the hub guard then keeps out of linking.
"""

from __future__ import annotations

import logging

import numpy as np
from sqlalchemy.orm import Session

from triage.frame import Frame, Keys, membership
from triage.groupby import uniq
from triage.photos import group_photos
from triage.rows import fetch_all
from videre.extract.normalise.images import PhotoHashes

log = logging.getLogger(__name__)


def load_photo_keys(session: Session, frame: Frame) -> tuple[Keys, np.ndarray, np.ndarray]:
    """Keys over photo groups (id: the group's smallest photo id), plus, per stored photo, its id
    and its group position, so hub marks can be written back to every photo of a group."""
    rows = fetch_all(session, "SELECT id, sha256, fingerprint, hub_override FROM photos ORDER BY id")
    photo_ids = np.array([r[0] for r in rows], dtype=np.int64)
    items = []
    unreadable: list[tuple[int, str]] = []
    for r in rows:
        try:
            items.append((r[0], PhotoHashes.unpack(bytes(r[2]))))
        except (ValueError, TypeError) as e:
            unreadable.append((r[0], str(e)))
    if unreadable:
        # Such a photo still links ads through identical files (its sha256), not through edited copies.
        log.warning("%d photos have an unreadable fingerprint and match only identical files "
                    "(photo %d: %s)", len(unreadable), *unreadable[0])
    group_of = group_photos(items) if items else {}
    groups = np.array([group_of.get(int(i), int(i)) for i in photo_ids], dtype=np.int64)
    group_ids, photo_group = np.unique(groups, return_inverse=True)
    labels = [""] * len(group_ids)
    override: list[bool | None] = [None] * len(group_ids)
    for r, g in zip(rows, photo_group.tolist()):
        if r[0] == group_ids[g]:
            labels[g] = r[1]
        # Any photo an analyst marked as a hub makes its group one; else a vouched-for photo wins.
        if r[3] is not None and bool(r[3]):
            override[g] = True
        elif r[3] is not None and override[g] is None:
            override[g] = False
    ad_pos, photo_pos = membership(session, frame, "SELECT ad_id, photo_id FROM ad_photos", photo_ids)
    key_pos = photo_group[photo_pos]
    # One membership per (ad, group): two photos of one picture in one ad are one link.
    packed = uniq((ad_pos.astype(np.int64) << 32) | key_pos)
    keys = Keys("photo", group_ids, labels, packed >> 32, packed & 0xFFFFFFFF, override)
    return keys, photo_ids, photo_group
