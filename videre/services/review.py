"""The review workflow on a queue item: status, label, assignee and notes, each change kept in history.

Re-scoring never writes these fields (triage.persist), so they survive every re-score.
Functions take a Session and never commit.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import Session

from models.review import LABELS, STATUSES, ItemChange, Note, QueueItem
from models.users import User
from videre.core.errors import InputError, NotFound

MAX_NOTE_CHARS = 10_000


def get_item(session: Session, item_id: int) -> QueueItem:
    item = session.get(QueueItem, item_id)
    if item is None:
        raise NotFound(f"no queue item {item_id}")
    return item


def _change(session: Session, item: QueueItem, user_id: int, field: str, new: str | None,
            now: datetime) -> ItemChange | None:
    old = getattr(item, field)
    old_text = None if old is None else str(old)
    new_text = None if new is None else str(new)
    if old_text == new_text:
        return None
    setattr(item, field, new if field != "assignee_id" or new is None else int(new))
    change = ItemChange(item_id=item.id, user_id=user_id, field=field, old=old_text, new=new_text, at=now)
    session.add(change)
    return change


def set_status(session: Session, item: QueueItem, user_id: int, status: str,
               now: datetime | None = None) -> ItemChange | None:
    if status not in STATUSES:
        raise InputError(f"unknown status {status!r}")
    return _change(session, item, user_id, "status", status, now or datetime.now(timezone.utc))


def set_label(session: Session, item: QueueItem, user_id: int, label: str | None,
              now: datetime | None = None) -> ItemChange | None:
    if label is not None and label not in LABELS:
        raise InputError(f"unknown label {label!r}")
    return _change(session, item, user_id, "label", label, now or datetime.now(timezone.utc))


def set_assignee(session: Session, item: QueueItem, user_id: int, assignee_id: int | None,
                 now: datetime | None = None) -> ItemChange | None:
    if assignee_id is not None:
        assignee = session.get(User, assignee_id)
        if assignee is None or assignee.disabled or assignee.role == "outreach":
            raise InputError("items can be assigned only to an active analyst, lead or admin")
    return _change(session, item, user_id, "assignee_id",
                   None if assignee_id is None else str(assignee_id), now or datetime.now(timezone.utc))


def add_note(session: Session, item: QueueItem, user_id: int, text: str,
             now: datetime | None = None) -> Note | None:
    text = text.strip()
    if not text:
        return None
    if len(text) > MAX_NOTE_CHARS:
        raise InputError(f"a note has at most {MAX_NOTE_CHARS} characters")
    note = Note(item_id=item.id, user_id=user_id, text=text, created_at=now or datetime.now(timezone.utc))
    session.add(note)
    return note
