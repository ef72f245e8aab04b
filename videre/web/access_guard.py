"""One gate in front of every route: who is asking, and is this state change really from our own form.

- Every request except static files and the sign-in page needs a live session. Anonymous GETs are
  sent to the sign-in page; anything else is refused.
- Every request that is not GET/HEAD must be a small url-encoded form carrying the CSRF token:
  the session's token, or on the sign-in page a token signed for the sign-in cookie's nonce.
  The form is parsed here once and handed on as `request.state.form`.
"""

from __future__ import annotations

import secrets
from urllib.parse import quote

import anyio.to_thread
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from videre.services.sessions import COOKIE
from videre.web.context import LOGIN_COOKIE, Web
from videre.web.i18n import N_
from videre.web.params import BadText, check_request, decode_pairs

SAFE_METHODS = frozenset({"GET", "HEAD"})
PUBLIC_PATHS = frozenset({"/login"})
STATIC_PREFIX = "/static/"
MAX_FORM_BYTES = 64 * 1024
CSRF_FIELD = "csrf_token"


class BodyTooLarge(Exception):
    pass


async def read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


def safe_next(target: str | None) -> str:
    """A local path to go back to after signing in; anything else (//host, http:...) becomes /."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target[:1000]


class Guard:
    def __init__(self, app: ASGIApp, web: Web) -> None:
        self.app = app
        self.web = web

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        try:
            check_request(scope)
        except BadText as exc:
            scope.setdefault("state", {}).update(user=None, form=FormData())
            await (await self._refuse(request, 400, N_("The request could not be understood."), str(exc)))(
                scope, receive, send)
            return
        if scope["path"].startswith(STATIC_PREFIX):
            await self.app(scope, receive, send)
            return
        ip = scope["client"][0] if scope.get("client") else ""
        user = await anyio.to_thread.run_sync(self.web.load_user, request.cookies.get(COOKIE), ip)
        state = scope.setdefault("state", {})
        state["user"] = user
        state["form"] = FormData()
        public = scope["path"] in PUBLIC_PATHS

        if request.method not in SAFE_METHODS:
            refusal = await self._check_form(request, receive, state, public)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
            receive = replay(b"")

        if user is None and not public:
            if request.method in SAFE_METHODS:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                response: Response = RedirectResponse(f"/login?next={quote(target, safe='')}", 303)
            else:
                response = await self._refuse(request, 403, N_("Please sign in."))
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _refuse(self, request: Request, status: int, message: str, detail: str = "") -> Response:
        return await anyio.to_thread.run_sync(self.web.error, request, status, message, detail)

    async def _check_form(self, request: Request, receive: Receive, state: dict, public: bool) -> Response | None:
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            return await self._refuse(request, 415, N_("This request is not accepted."))
        try:
            body = await read_body(receive, MAX_FORM_BYTES)
            pairs = decode_pairs(body.decode("utf-8"), "form")
        except BodyTooLarge:
            return await self._refuse(request, 413, N_("The form is too large."))
        except UnicodeDecodeError:
            return await self._refuse(request, 400, N_("The form could not be read."), "the form is not valid UTF-8")
        except BadText as exc:
            return await self._refuse(request, 400, N_("The form could not be read."), str(exc))
        form = FormData(pairs)
        sent = form.get(CSRF_FIELD, "")
        user = state["user"]
        if public:
            ok = self.web.login_token_ok(str(sent), request.cookies.get(LOGIN_COOKIE))
        else:
            ok = user is not None and bool(sent) and secrets.compare_digest(str(sent).encode(), user.csrf_token.encode())
        if not ok:
            return await self._refuse(request, 403, N_("The form has expired. Go back, reload the page and try again."))
        state["form"] = form
        return None
