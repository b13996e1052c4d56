"""The web application: Starlette, server-rendered Jinja2 pages, server-side sessions.

Only ``/login`` and ``/healthz`` answer without a session (:class:`AuthMiddleware`); every other
path, static files included, needs a signed-in user. Every response gets security headers
(:class:`SecurityHeadersMiddleware`); archived storefront pages set their own sandbox CSP.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from config import Settings
from errors import PermissionDenied, StorewatchError
from store.db import Store, open_store
from web import auth, capability
from web.common import HERE, WebState, render

log = logging.getLogger(__name__)
COOKIE = "sw_session"
PRE_COOKIE = "sw_pre"  # double-submit CSRF token for the login form
PUBLIC = ("/login", "/healthz")
UI_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; "
          "frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


def _cookies(scope: Scope) -> dict[str, str]:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            c: SimpleCookie = SimpleCookie()
            try:
                c.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie header means no cookies
                return {}
            return {k: m.value for k, m in c.items()}
    return {}


class AuthMiddleware:
    """Resolve the session cookie; refuse everything but PUBLIC without a valid session."""

    def __init__(self, app: ASGIApp, web: WebState) -> None:
        self.app = app
        self.web = web

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _cookies(scope).get(COOKIE)
        scope["sw_cookie"] = token

        def lookup() -> Any:
            with self.web.db() as session:
                return auth.resolve(session, token, self.web.settings.web)

        user = await run_in_threadpool(lookup) if token else None
        scope["sw_user"] = user
        path = scope["path"]
        held = capability.session_for(path) if user is None and path not in PUBLIC else None
        if held is not None:  # a replay capability: good only while the session it was handed to is alive

            def alive() -> bool:
                with self.web.db() as session:
                    return auth.session_alive(session, held, self.web.settings.web)

            if await run_in_threadpool(alive):
                scope["sw_capability"] = held
        if user is None and path not in PUBLIC and "sw_capability" not in scope:
            if scope["method"] == "GET" and not path.startswith("/static/"):
                target = path + ("?" + scope["query_string"].decode() if scope.get("query_string") else "")
                resp: Response = RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)
            else:
                resp = PlainTextResponse("请先登录 (login required)", status_code=401)
            await resp(scope, receive, send)
            return
        await self.app(scope, receive, send)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, behind_tls: bool) -> None:
        self.app = app
        self.behind_tls = behind_tls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope["sw_nonce"] = nonce

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", UI_CSP.format(nonce=nonce).encode()))
                    headers.append((b"x-frame-options", b"DENY"))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"same-origin"))
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                if self.behind_tls:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, wrapped)


async def healthz(request: Request) -> Response:
    web: WebState = request.app.state.web

    def ping() -> bool:
        with web.store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True

    try:
        await run_in_threadpool(ping)
    except Exception as exc:  # noqa: BLE001 - health reports any failure as unhealthy
        log.warning("health check failed: %s", exc)
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok"})


def _safe_next(value: str | None) -> str:
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/findings"


async def login_page(request: Request) -> Response:
    if request.scope.get("sw_user") is not None and request.method == "GET":
        return RedirectResponse(_safe_next(request.query_params.get("next")), status_code=303)
    web: WebState = request.app.state.web
    pre = _cookies(request.scope).get(PRE_COOKIE) or secrets.token_urlsafe(24)
    request.scope["sw_precsrf"] = pre
    error = ""
    status = 200
    if request.method == "POST":
        data = await request.form()
        if not auth.csrf_ok(_cookies(request.scope).get(PRE_COOKIE, ""), data.get("csrf_token")):  # type: ignore[arg-type]
            raise HTTPException(403, "表单已失效或缺少安全令牌 (CSRF)，请刷新页面后重试")
        name, password = str(data.get("username", "")), str(data.get("password", ""))
        ip = request.client.host if request.client else ""

        def do_login() -> str | auth.LoginRefused:
            with web.db() as session:  # a refusal is returned, not raised: its audit row must commit
                try:
                    return auth.login(session, name, password, ip, request.headers.get("user-agent", ""),
                                      web.settings.web)[0]
                except auth.LoginRefused as exc:
                    return exc

        outcome = await run_in_threadpool(do_login)
        if isinstance(outcome, auth.LoginRefused):
            error, status = str(outcome), 429 if outcome.throttled else 401
        else:
            token = outcome
            resp = RedirectResponse(_safe_next(str(data.get("next", ""))), status_code=303)
            resp.set_cookie(COOKIE, token, httponly=True, samesite="lax", secure=web.settings.web.behind_tls,
                            path="/")
            resp.delete_cookie(PRE_COOKIE, path="/login")
            return resp
    resp = render(request, "login.html", status_code=status, error=error,
                  next=_safe_next(request.query_params.get("next") or None), inline_css=web.css)
    resp.set_cookie(PRE_COOKIE, pre, httponly=True, samesite="strict", secure=web.settings.web.behind_tls,
                    path="/login")
    return resp


async def logout(request: Request) -> Response:
    from web.common import form, in_db

    await form(request)
    token = request.scope.get("sw_cookie")
    ip = request.client.host if request.client else ""
    await in_db(request, lambda s: auth.logout(s, token, ip))
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(COOKIE, path="/")
    return resp


async def home(request: Request) -> Response:
    return RedirectResponse("/findings", status_code=303)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return render(request, "error.html", status_code=exc.status_code, message=exc.detail,
                  code=exc.status_code)


async def storewatch_error(request: Request, exc: Exception) -> Response:
    log.warning("%s %s: %s", request.method, request.url.path, exc)
    if isinstance(exc, PermissionDenied):
        code = 403
    else:
        code = 400 if getattr(exc, "exit_code", 1) == 2 else 500
    # a failure's own text may name server paths or hosts: people see a plain message, the log has it all
    message = str(exc) if code < 500 else "服务器内部错误，已记录日志，请联系系统管理员"
    return render(request, "error.html", status_code=code, message=message, code=code)


def create_app(settings: Settings, store: Store | None = None) -> Starlette:
    """The ASGI app for ``settings``; ``store`` defaults to the one the settings name."""
    from web.views import admin, cases, credit_views, dashboard, findings, replay, rules, system

    store = store or open_store(settings)
    web = WebState(settings, store)
    routes = [
        Route("/healthz", healthz),
        Route("/login", login_page, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/", home),
        *findings.ROUTES, *replay.ROUTES, *rules.ROUTES, *cases.ROUTES, *credit_views.ROUTES, *dashboard.ROUTES, *system.ROUTES,
        *admin.ROUTES,
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        web.close()

    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPException: http_error, StorewatchError: storewatch_error})
    app.state.web = web
    app.add_middleware(AuthMiddleware, web=web)
    app.add_middleware(SecurityHeadersMiddleware, behind_tls=settings.web.behind_tls)
    return app
