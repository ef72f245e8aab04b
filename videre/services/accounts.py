"""User accounts: argon2 password hashes, the password rule, and the changes the CLI and admin page share.

Functions take a Session and never commit.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models.users import LANGUAGES, ROLES, User, WebSession
from videre.core.errors import InputError, NotFound

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MAX_PASSWORD_CHARS = 1024
HASHER = PasswordHasher()
# Verified against when the account does not exist, so that a wrong username costs as much time
# as a wrong password and the response does not reveal which accounts exist.


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return HASHER.hash("videre-no-such-account")


def normalise_username(username: str) -> str:
    return username.strip().casefold()


def check_username(username: str) -> str:
    name = normalise_username(username)
    if not USERNAME.match(name):
        raise InputError("a username is 2-64 characters: letters a-z, digits, dot, dash or underscore, "
                         "starting with a letter or digit")
    return name


def check_password(password: str, username: str, min_length: int) -> None:
    if len(password) < min_length:
        raise InputError(f"the password must have at least {min_length} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise InputError(f"the password must have at most {MAX_PASSWORD_CHARS} characters")
    if password.strip().casefold() == username.casefold():
        raise InputError("the password must not be the username")


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    return role


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise InputError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    return language


def get_user(session: Session, username: str) -> User:
    user = session.execute(select(User).where(User.username == normalise_username(username))).scalar_one_or_none()
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


def add_user(session: Session, username: str, password: str, role: str, min_length: int,
             language: str = "sv") -> User:
    name = check_username(username)
    check_role(role)
    check_language(language)
    check_password(password, name, min_length)
    if session.execute(select(User.id).where(User.username == name)).first() is not None:
        raise InputError(f"the username {name!r} is taken")
    now = datetime.now(timezone.utc)
    user = User(username=name, password_hash=HASHER.hash(password), role=role, language=language,
                disabled=False, created_at=now, password_changed_at=now)
    session.add(user)
    session.flush()
    return user


def end_sessions(session: Session, user_id: int) -> None:
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))


def set_password(session: Session, user: User, password: str, min_length: int) -> None:
    check_password(password, user.username, min_length)
    user.password_hash = HASHER.hash(password)
    user.password_changed_at = datetime.now(timezone.utc)
    end_sessions(session, user.id)


def set_disabled(session: Session, user: User, disabled: bool) -> None:
    user.disabled = disabled
    if disabled:
        end_sessions(session, user.id)


def set_role(session: Session, user: User, role: str) -> None:
    user.role = check_role(role)
    # What the browser could do changed with the role: make it sign in again.
    end_sessions(session, user.id)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The enabled user with this name and password, or None. Rehashes old-parameter hashes."""
    user = session.execute(
        select(User).where(User.username == normalise_username(username)[:64])
    ).scalar_one_or_none()
    stored = user.password_hash if user is not None else _dummy_hash()
    try:
        HASHER.verify(stored, password[:MAX_PASSWORD_CHARS])
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user.disabled:
        return None
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    return user


def list_users(session: Session) -> list[User]:
    return list(session.execute(select(User).order_by(User.username)).scalars())
