"""Route handlers are plain functions `(web, request, user) -> Response`, wrapped here with the role check
and the translation of Videre's own errors into HTTP statuses."""

from __future__ import annotations

import functools
from collections.abc import Callable

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from videre.core.errors import InputError, NotFound, PermissionDenied
from videre.services.sessions import CurrentUser
from videre.web.context import Web, current
from videre.web.permissions import require

Handler = Callable[[Web, Request, CurrentUser], Response]
MAX_ID = 2**31 - 1


def page(permission: str) -> Callable[[Handler], Callable[[Request], Response]]:
    def wrap(fn: Handler) -> Callable[[Request], Response]:
        @functools.wraps(fn)
        def endpoint(request: Request) -> Response:
            user = current(request)
            if user is None:  # the guard lets no one through unsigned; this is a second lock
                raise HTTPException(403, "sign in first")
            require(user.role, permission)
            # Ids beyond a database integer cannot exist; say so before a query overflows.
            if any(isinstance(v, int) and v > MAX_ID for v in request.path_params.values()):
                raise HTTPException(404, "no such id")
            try:
                return fn(request.app.state.web, request, user)
            except NotFound as exc:
                raise HTTPException(404, str(exc)) from None
            except PermissionDenied as exc:
                raise HTTPException(403, str(exc)) from None
            except InputError as exc:
                raise HTTPException(400, str(exc)) from None

        return endpoint

    return wrap


def form(request: Request) -> FormData:
    """The posted form, already parsed and CSRF-checked by the guard."""
    return request.state.form


def int_param(value: str | None, name: str, default: int | None = None, lo: int = 1,
              hi: int = 10**9) -> int:
    if value is None or value == "":
        if default is None:
            raise InputError(f"{name} is required")
        return default
    try:
        n = int(value)
    except ValueError:
        raise InputError(f"{name} must be a whole number") from None
    if not lo <= n <= hi:
        raise InputError(f"{name} must be between {lo} and {hi}")
    return n
