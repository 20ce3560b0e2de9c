"""Protective middleware: security headers, request size and rate limits, access tokens.

All of it answers in the API's one error shape, {"error": ..., "status": ...}.
"""

from __future__ import annotations

import hmac
import json
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
DOCS_CSP = PAGE_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
PDF_CSP = (
    "default-src 'none'; object-src 'self'; plugin-types application/pdf; frame-ancestors 'self'"
)


async def send_error(
    send: Send, status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps({"error": message, "status": status}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """CSP without inline scripts, no MIME sniffing, no framing, no referrer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        csp = DOCS_CSP if path.startswith(("/docs", "/_docs")) else PAGE_CSP
        if path.endswith("/pdf"):
            csp = PDF_CSP

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY" if not path.endswith("/pdf") else b"SAMEORIGIN"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class RequestLimits:
    """413 for bodies over `max_body` bytes, 414 for URLs over `max_url` bytes."""

    def __init__(
        self,
        app: ASGIApp,
        max_body: int,
        max_url: int,
        large_bodies: dict[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.max_url = max_url
        self.large_bodies = large_bodies or {}
        """Paths that take bigger bodies (uploads), with their own limit."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        url_size = len(scope.get("raw_path", b"")) + len(scope.get("query_string", b""))
        if url_size > self.max_url:
            await send_error(send, 414, f"request URL is {url_size} bytes; at most {self.max_url}")
            return
        limit = self.large_bodies.get(str(scope.get("path", "")), self.max_body)
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await send_error(send, 413, f"request body is {int(declared)} bytes; at most {limit}")
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        try:
            await self.app(scope, counted, send)
        except BodyTooLarge as exc:
            await send_error(send, 413, exc.detail)


class BodyTooLarge(HTTPException):
    """A body over the limit, found while reading it (no Content-Length was sent).

    An HTTP exception, because FastAPI turns any other error raised while it reads a body
    into a 400 "error parsing the body"; this one reaches the error handlers as a 413.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body is over {limit} bytes")


class RateLimit:
    """A token bucket per client address: `per_minute` requests, refilled continuously."""

    def __init__(self, app: ASGIApp, per_minute: int) -> None:
        self.app = app
        self.rate = per_minute / 60.0
        self.capacity = float(max(per_minute, 1))
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or self.rate <= 0
            or not scope.get("path", "").startswith("/api/")
        ):
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self._take(client)
        if wait > 0:
            await send_error(
                send,
                429,
                f"too many requests from {client}; try again in {wait:.0f} s",
                [(b"retry-after", str(max(1, round(wait))).encode())],
            )
            return
        await self.app(scope, receive, send)

    def _take(self, client: str) -> float:
        now = time.monotonic()
        with self.lock:
            tokens, last = self.buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens < 1:
                self.buckets[client] = (tokens, now)
                return (1 - tokens) / self.rate
            self.buckets[client] = (tokens - 1, now)
            if len(self.buckets) > 10_000:
                self.buckets = {k: v for k, v in self.buckets.items() if now - v[1] < 120}
            return 0.0


def token_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a presented token with the configured one."""
    if not given:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else None
