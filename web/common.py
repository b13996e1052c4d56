"""What every view needs: the app state, rendering, the current user, roles and CSRF-checked forms."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from sqlalchemy import event
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.convertors import Convertor, register_url_convertor
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from config import Settings
from errors import StorewatchError
from index.search import SearchBackend, open_backend
from store.db import Store
from store.models import OutboxEntry
from web import labels
from web.auth import CurrentUser, csrf_ok
from web.models import CASE_OUTCOMES, CASE_STATUS_LABELS, NOTICE_KINDS, ROLE_LABELS

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
T = TypeVar("T")


class WebState:
    """Built once per app: settings, the store, the search backend and the template environment."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self._backend: SearchBackend | None = None
        self._backend_lock = threading.Lock()
        self.tz = ZoneInfo(settings.timezone)
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"),
                               autoescape=select_autoescape(["html", "svg"], default=True),
                               trim_blocks=True, lstrip_blocks=True)
        self.env.globals.update(
            category_label=labels.category_label, severity_label=labels.severity_label,
            status_label=labels.status_label, article_label=labels.article_label,
            run_status_label=labels.run_status_label, trigger_label=labels.trigger_label,
            CATEGORY_LABELS=labels.CATEGORY_LABELS, SEVERITY_LABELS=labels.SEVERITY_LABELS,
            STATUS_LABELS=labels.STATUS_LABELS, ROLE_LABELS=ROLE_LABELS, CASE_OUTCOMES=CASE_OUTCOMES,
            NOTICE_KINDS=NOTICE_KINDS, CASE_STATUS_LABELS=CASE_STATUS_LABELS, REGULATION=labels.REGULATION,
            CASE_ACTION_LABELS=labels.CASE_ACTION_LABELS,
            page_kind_label=labels.page_kind_label, voice_label=labels.voice_label, source_label=labels.source_label,
            PAGE_KIND_LABELS=labels.PAGE_KIND_LABELS, VOICE_LABELS=labels.VOICE_LABELS,
            SOURCE_LABELS=labels.SOURCE_LABELS,
        )
        self.env.filters["dt"] = self.fmt_dt
        self.env.filters["d"] = self.fmt_date
        self.env.filters["highlight"] = highlight
        self.css = (HERE / "static" / "app.css").read_text(encoding="utf-8")

    def fmt_dt(self, value: datetime | None) -> str:
        return value.astimezone(self.tz).strftime("%Y-%m-%d %H:%M") if value else ""

    def fmt_date(self, value: datetime | None) -> str:
        return value.astimezone(self.tz).strftime("%Y-%m-%d") if value else ""

    def db(self) -> Any:
        return self.store.session()

    @property
    def backend(self) -> SearchBackend:
        """``index.search.open_backend(settings)``, opened on first use (Elasticsearch or embedded FTS5)."""
        with self._backend_lock:
            if self._backend is None:
                self._backend = open_backend(self.settings)
            return self._backend

    def push_to_index(self, outbox_ids: Sequence[int]) -> None:
        """Make changes just committed searchable now; if the backend is away the regular sync will."""
        from index.sync import sync_entries

        try:
            report = sync_entries(self.store, self.backend, outbox_ids)
        except StorewatchError as exc:
            log.warning("search index not updated now (the next `storewatch index sync` will): %s", exc)
            return
        if report.failed:
            log.warning("search index refused %d of %d change(s): %s", report.failed, len(outbox_ids),
                        "; ".join(report.errors))

    def close(self) -> None:
        with self._backend_lock:
            if self._backend is not None:
                self._backend.close()
                self._backend = None


class IdConvertor(Convertor[int]):
    """``{x:id}`` in a route: a database id, 1 to 18 digits (fits a signed 64-bit column); anything
    longer matches no route, so it is a 404 and never an OverflowError deep in the driver."""

    regex = "[0-9]{1,18}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(int(value))


register_url_convertor("id", IdConvertor())


def highlight(text: str, match: str) -> Markup:
    """``text`` escaped, with every occurrence of ``match`` wrapped in <mark> (also escaped)."""
    if not match or match not in text:
        return escape(text)
    parts = text.split(match)
    return Markup("<mark>{}</mark>").format(match).join(escape(p) for p in parts)


def state(request: Request) -> WebState:
    return request.app.state.web  # type: ignore[no-any-return]


def user(request: Request) -> CurrentUser:
    u = request.scope.get("sw_user")
    if u is None:
        raise HTTPException(401, "请先登录")
    return u  # type: ignore[no-any-return]


def require(request: Request, role: str) -> CurrentUser:
    u = user(request)
    if not u.has(role):
        raise HTTPException(403, f"需要{ROLE_LABELS[role]}权限")
    return u


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def render(request: Request, template: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    st = state(request)
    u = request.scope.get("sw_user")
    nonce = request.scope.get("sw_nonce") or secrets.token_urlsafe(16)
    html = st.env.get_template(template).render(
        request=request, user=u, csrf_token=u.csrf_token if u else request.scope.get("sw_precsrf", ""),
        csp_nonce=nonce, path=request.url.path, settings=st.settings, **ctx)
    return HTMLResponse(html, status_code=status_code)


async def form(request: Request, role: str = "analyst") -> tuple[CurrentUser, FormData]:
    """The posted form of a signed-in user with ``role``; 403 unless its CSRF token is right."""
    u = require(request, role)
    data = await request.form()
    if not csrf_ok(u.csrf_token, data.get("csrf_token")):  # type: ignore[arg-type]
        raise HTTPException(403, "表单已失效或缺少安全令牌 (CSRF)，请刷新页面后重试")
    return u, data


async def in_db(request: Request, fn: Callable[[Session], T]) -> T:
    """Run ``fn(session)`` in a worker thread inside one transaction.

    Outbox rows the transaction wrote (a decision, a case action) are pushed to the search index
    right after the commit, so lists and facets show the change at once.
    """
    st = state(request)

    def run() -> T:
        written: list[int] = []

        def collect(session: Session, _context: Any) -> None:
            written.extend(o.id for o in session.new if isinstance(o, OutboxEntry))

        with st.db() as session:
            event.listen(session, "after_flush", collect)
            result = fn(session)
        if written:
            st.push_to_index(written)
        return result

    return await run_in_threadpool(run)
