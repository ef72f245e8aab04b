"""Watchlists: a lead watches a phone number, a photo or a written template; new matching ads raise alerts.

`check_watchlists(session, since)` is run after each crawl and its re-score (by the nightly job):
every ad added or changed since then is matched against the active entries, and each new
(entry, ad) pair becomes one alert. Running it twice raises nothing new. Numbers match exactly
(E.164), photos also as near-duplicates (triage's photo matcher), templates through the links
triage keeps (ad_templates). Functions take a Session and never commit.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import phonenumbers
from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from models.ads import Ad
from models.entities import AdPhone, AdPhoto, AdTemplate, Phone, Photo, Template
from models.review import Alert, Watchlist
from triage.photos import same_photo
from videre.core.errors import InputError, NotFound
from videre.extract.normalise.photo_hashing import PhotoHashes

SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _existing(session: Session, kind: str, value: str) -> Watchlist | None:
    return session.execute(select(Watchlist).where(Watchlist.kind == kind, Watchlist.value == value)).scalar_one_or_none()


def _save(session: Session, kind: str, value: str, label: str, user_id: int | None) -> Watchlist:
    entry = _existing(session, kind, value)
    if entry is None:
        entry = Watchlist(kind=kind, value=value, label=label[:200], created_by=user_id, created_at=datetime.now(timezone.utc), active=True)
        session.add(entry)
    else:
        entry.active = True
        entry.label = label[:200] or entry.label
    session.flush()
    return entry


def watch_phone(session: Session, number: str, label: str, user_id: int | None, region: str) -> Watchlist:
    try:
        parsed = phonenumbers.parse(number.strip()[:40], region)
    except phonenumbers.NumberParseException:
        raise InputError(f"{number[:40]!r} is not a phone number") from None
    if not phonenumbers.is_possible_number(parsed):
        raise InputError(f"{number[:40]!r} is not a possible phone number")
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return _save(session, "phone", e164, label, user_id)


def watch_photo(session: Session, photo: str, label: str, user_id: int | None) -> Watchlist:
    """`photo` is a stored photo's id or SHA-256: it must be stored, its fingerprint is matched."""
    ref = photo.strip().lower()
    if ref.isdigit():
        sha = session.execute(select(Photo.sha256).where(Photo.id == int(ref))).scalar()
    elif SHA256.match(ref):
        sha = session.execute(select(Photo.sha256).where(Photo.sha256 == ref)).scalar()
    else:
        raise InputError("a photo is given by its number or its SHA-256")
    if sha is None:
        raise NotFound(f"no stored photo {photo[:64]!r}")
    return _save(session, "photo", sha, label, user_id)


def watch_template(session: Session, template: str, label: str, user_id: int | None) -> Watchlist:
    """A template triage keeps (by its number): new ads that triage links to it raise alerts."""
    ref = template.strip().lstrip("#T")
    row = session.get(Template, int(ref)) if ref.isdigit() else None
    if row is None:
        raise NotFound(f"no template {template[:20]!r}")
    return _save(session, "template", str(row.id), label or row.text[:120], user_id)


def unwatch(session: Session, watch_id: int) -> Watchlist:
    entry = session.get(Watchlist, watch_id)
    if entry is None:
        raise NotFound(f"no watchlist entry {watch_id}")
    entry.active = False
    return entry


def _phone_hits(session: Session, since: datetime) -> list[tuple[int, int, dict[str, Any]]]:
    rows = session.execute(
        select(Watchlist.id, AdPhone.ad_id).join(Phone, Phone.e164 == Watchlist.value)
        .join(AdPhone, AdPhone.phone_id == Phone.id).join(Ad, Ad.id == AdPhone.ad_id)
        .where(Watchlist.kind == "phone", Watchlist.active.is_(True), Ad.changed_at >= since)).all()
    return [(w, a, {"match": "same number"}) for w, a in rows]


def _photo_hits(session: Session, since: datetime) -> list[tuple[int, int, dict[str, Any]]]:
    watched = session.execute(
        select(Watchlist.id, Photo.id, Photo.fingerprint).join(Photo, Photo.sha256 == Watchlist.value)
        .where(Watchlist.kind == "photo", Watchlist.active.is_(True))).all()
    if not watched:
        return []
    targets = []
    for wid, pid, fp in watched:
        try:
            targets.append((wid, pid, PhotoHashes.unpack(fp)))
        except ValueError:
            targets.append((wid, pid, None))
    out = []
    fresh = session.execute(
        select(AdPhoto.ad_id, Photo.id, Photo.fingerprint).join(Photo, Photo.id == AdPhoto.photo_id)
        .join(Ad, Ad.id == AdPhoto.ad_id).where(Ad.changed_at >= since)).all()
    for ad_id, pid, fp in fresh:
        try:
            h = PhotoHashes.unpack(fp)
        except ValueError:
            h = None
        for wid, target_id, target in targets:
            if pid == target_id:
                out.append((wid, ad_id, {"match": "identical photo", "photo": pid}))
            elif h is not None and target is not None:
                m = same_photo(target, h)
                if m is not None:
                    out.append((wid, ad_id, {"match": m.reason, "photo": pid}))
    return out


def _template_hits(session: Session, since: datetime) -> list[tuple[int, int, dict[str, Any]]]:
    # Triage links ads to templates when it re-scores, so this check belongs after the re-score.
    rows = session.execute(
        select(Watchlist.id, AdTemplate.ad_id, AdTemplate.similarity)
        .join(AdTemplate, cast(AdTemplate.template_id, String) == Watchlist.value)
        .join(Ad, Ad.id == AdTemplate.ad_id)
        .where(Watchlist.kind == "template", Watchlist.active.is_(True), Ad.changed_at >= since)).all()
    return [(w, a, {"match": "same template", "similarity": round(float(sim), 3)}) for w, a, sim in rows]


def check_watchlists(session: Session, since: datetime) -> int:
    """Alerts for ads added or changed since `since` that match an active entry; returns how many are new."""
    hits = _phone_hits(session, since) + _photo_hits(session, since) + _template_hits(session, since)
    if not hits:
        return 0
    known = {(w, a) for w, a in session.execute(select(Alert.watchlist_id, Alert.ad_id).where(
        Alert.ad_id.in_({a for _, a, _ in hits})))}
    now = datetime.now(timezone.utc)
    new = 0
    for wid, ad_id, detail in hits:
        if (wid, ad_id) in known:
            continue
        known.add((wid, ad_id))
        session.add(Alert(watchlist_id=wid, ad_id=ad_id, created_at=now, detail=detail))
        new += 1
    session.flush()
    return new


def mark_seen(session: Session, alert_id: int, user_id: int) -> Alert:
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFound(f"no alert {alert_id}")
    if alert.seen_at is None:
        alert.seen_at = datetime.now(timezone.utc)
        alert.seen_by = user_id
    return alert
