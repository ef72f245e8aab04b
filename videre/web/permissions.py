"""What each role may do. Checked on the server for every route; templates only mirror it."""

from __future__ import annotations

from starlette.exceptions import HTTPException

from models.users import ROLES

_ANALYSTS = frozenset({"analyst", "lead", "admin"})
_LEADS = frozenset({"lead", "admin"})

# Outreach workers see only the outreach list (area, time, languages, contact number); nothing
# that names, shows or scores a woman. Admins can do what leads do, plus accounts and retention.
PERMISSIONS: dict[str, frozenset[str]] = {
    "queue": _ANALYSTS,          # the queue, items, ads, photos, alerts
    "review": _ANALYSTS,         # status, label, notes
    "assign": _LEADS,
    "export": _LEADS,
    "watch": _LEADS,             # add and remove watchlist entries
    "weights": _LEADS,
    "hubs": _LEADS,              # override the hub detector for a number, photo or template
    "runs": _LEADS,
    "outreach": frozenset({"outreach", "lead", "admin"}),
    "users": frozenset({"admin"}),
    "audit": frozenset({"admin"}),
    "retention": frozenset({"admin"}),
    "account": frozenset(ROLES),  # own language and password
}


def can(role: str, permission: str) -> bool:
    return role in PERMISSIONS[permission]


def require(role: str, permission: str) -> None:
    if not can(role, permission):
        raise HTTPException(403, "not allowed for this role")


def home_for(role: str) -> str:
    return "/" if can(role, "queue") else "/outreach"
