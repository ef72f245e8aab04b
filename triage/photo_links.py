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
from triage.rows import stream
from videre.extract.normalise.images import PhotoHashes

log = logging.getLogger(__name__)


def load_photo_keys(session: Session, frame: Frame) -> tuple[Keys, np.ndarray, np.ndarray]:
    """Keys over photo groups (id: the group's smallest photo id), plus, per stored photo, its id
    and its group position, so hub marks can be written back to every photo of a group."""
    # Streamed: each packed fingerprint is dropped once unpacked (400k of them are half a GB).
    ids: list[int] = []
    shas: list[str] = []
    marks: list[bool | None] = []
    items = []
    unreadable: list[tuple[int, str]] = []
    for rows in stream(session, "SELECT id, sha256, fingerprint, hub_override FROM photos ORDER BY id"):
        for pid, sha, packed, mark in rows:
            ids.append(pid)
            shas.append(sha)
            marks.append(None if mark is None else bool(mark))
            try:
                items.append((pid, PhotoHashes.unpack(bytes(packed))))
            except (ValueError, TypeError) as e:
                unreadable.append((pid, str(e)))
        del rows
    photo_ids = np.array(ids, dtype=np.int64)
    if unreadable:
        # Such a photo still links ads through identical files (its sha256), not through edited copies.
        log.warning("%d photos have an unreadable fingerprint and match only identical files "
                    "(photo %d: %s)", len(unreadable), *unreadable[0])
    group_of = group_photos(items) if items else {}
    del items
    groups = np.array([group_of.get(i, i) for i in ids], dtype=np.int64)
    del group_of
    group_ids, photo_group = np.unique(groups, return_inverse=True)
    labels = [""] * len(group_ids)
    override: list[bool | None] = [None] * len(group_ids)
    for pid, sha, mark, g in zip(ids, shas, marks, photo_group.tolist()):
        if pid == group_ids[g]:
            labels[g] = sha
        # Any photo an analyst marked as a hub makes its group one; else a vouched-for photo wins.
        if mark:
            override[g] = True
        elif mark is not None and override[g] is None:
            override[g] = False
    ad_pos, photo_pos = membership(session, frame, "SELECT ad_id, photo_id FROM ad_photos", photo_ids)
    key_pos = photo_group[photo_pos]
    # One membership per (ad, group): two photos of one picture in one ad are one link.
    packed = uniq((ad_pos.astype(np.int64) << 32) | key_pos)
    keys = Keys("photo", group_ids, labels, packed >> 32, packed & 0xFFFFFFFF, override)
    return keys, photo_ids, photo_group
