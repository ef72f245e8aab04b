"""Response headers that keep hostile ad content inert, on every response including errors."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Ad text can hold HTML and script: nothing inline runs, nothing loads from elsewhere.
SECURITY_HEADERS = {
    b"content-security-policy": b"default-src 'none'; img-src 'self'; style-src 'self'; "
                                b"script-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                                b"base-uri 'none'",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",
    b"x-frame-options": b"DENY",
    b"cross-origin-opener-policy": b"same-origin",
    b"cross-origin-resource-policy": b"same-origin",
    b"permissions-policy": b"camera=(), microphone=(), geolocation=(), interest-cohort=()",
}
# Pages show personal data: no shared or on-disk caches keep them.
NO_STORE = (b"cache-control", b"no-store")


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k not in SECURITY_HEADERS]
                if not static and not any(k == b"cache-control" for k, _ in headers):
                    headers.append(NO_STORE)
                message["headers"] = headers + list(SECURITY_HEADERS.items())
            await send(message)

        await self.app(scope, receive, send_with_headers)
