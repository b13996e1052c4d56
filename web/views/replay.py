"""Replay of an archived storefront page with its own CSS and images, from the run's WARC only.

``/evidence/pages/{pid}/archived`` serves the page's archived record with every reference rewritten
to ``/evidence/pages/{pid}/replay/<capability>?url=<absolute URL>`` (:mod:`evidence.resources`, as
pywb does; the capability is :mod:`web.capability`);
that endpoint answers from the same run's WARC (:class:`evidence.replay.RunArchive`): the archived
response of the URL, stylesheets and HTML rewritten again, anything not archived 404 — never a live
fetch. Both answer with a sandbox CSP without scripts that lets the document load only from this
server, and the UI frames them in a sandboxed iframe.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from errors import EvidenceError
from evidence.replay import RunArchive, replay_html
from store.models import PageRecord
from web import auth, capability, evidence_view
from web.common import in_db, state

log = logging.getLogger(__name__)
# no script may run; styles, images and fonts only from this server (the replay endpoint) or data:
ARCHIVE_CSP = ("sandbox; default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
               "font-src 'self' data:; media-src 'self'; frame-ancestors 'self'; form-action 'none'")
_HEADERS = {"Content-Security-Policy": ARCHIVE_CSP, "X-Frame-Options": "SAMEORIGIN",  # nosniff: app.py
            "Cache-Control": "private, max-age=300"}


def replay_url(pid: int, request: Request) -> Any:
    """Archived URL -> its replay URL for page ``pid`` (with a capability for this request's session, or
    the session of the capability it came with: see :mod:`web.capability`)."""
    held = request.scope.get("sw_capability")
    cookie = request.scope.get("sw_cookie")
    cap = capability.grant(pid, held if held else auth.session_key(str(cookie or "")))

    def to(url: str) -> str:
        return f"/evidence/pages/{pid}/replay/{cap}?url={quote(url, safe='')}"

    return to


@lru_cache(maxsize=32)
def _archive(path: str, mtime: float) -> RunArchive:
    return RunArchive(Path(path))


def run_archive(path: Path) -> RunArchive:
    return _archive(str(path), path.stat().st_mtime)


async def page_record(request: Request) -> PageRecord:
    """The page of the path's ``pid`` (404 when there is none)."""
    pid = request.path_params["pid"]
    page = await in_db(request, lambda s: s.get(PageRecord, pid))
    if page is None:
        raise HTTPException(404, "没有该页面记录")
    return page  # type: ignore[no-any-return]


def _missing(text: str) -> Response:
    return Response(text, status_code=404, media_type="text/plain; charset=utf-8", headers=_HEADERS)


async def archived_page(request: Request) -> Response:
    """The archived page, inert, its subresources sent to the replay endpoint."""
    st = state(request)
    page = await page_record(request)
    try:
        path = evidence_view.resolve_path(st.settings.evidence_dir, page.warc_path)
        rec = await run_in_threadpool(lambda: evidence_view.read_record(path, page.warc_offset, page.warc_record_id))
    except EvidenceError as exc:
        return _missing(str(exc))
    kind = rec.content_type.split(";")[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml"):
        to = replay_url(page.id, request)
        body = await run_in_threadpool(lambda: replay_html(rec.body, rec.content_type, page.url, to))
        return Response(body, media_type="text/html; charset=utf-8", headers=_HEADERS)
    return Response(rec.body, media_type="text/plain; charset=utf-8", headers=_HEADERS)


async def replay_resource(request: Request) -> Response:
    """The archived response of ``?url=`` in this page's run; 404 when the run did not archive it.
    Reached with a capability (no session cookie comes from the sandboxed frame) or a session."""
    st = state(request)
    if request.scope.get("sw_user") is None and not request.scope.get("sw_capability"):
        return _missing("链接已失效，请重新打开存档页面 (replay link expired)")
    page = await page_record(request)
    url = request.query_params.get("url", "")
    if not url.startswith(("http://", "https://")):
        return _missing(f"不是存档地址 (not an archived URL): {url[:200]}")
    try:
        path = evidence_view.resolve_path(st.settings.evidence_dir, page.warc_path)
    except EvidenceError as exc:
        return _missing(str(exc))

    def get() -> Any:
        return run_archive(path).replayed(url, replay_url(page.id, request))

    try:
        got = await run_in_threadpool(get)
    except (OSError, ValueError, EOFError) as exc:
        log.warning("replay of %s from %s failed: %s", url, path, exc)
        return _missing(f"存档记录无法读取 (cannot read the archived record): {exc}")
    if got is None:
        return _missing(f"本次抓取未存档该资源 (not archived in this run): {url[:500]}")
    headers = dict(_HEADERS)
    if got.headers.get("content-encoding"):
        headers["Content-Encoding"] = got.headers["content-encoding"]
    headers["X-Archived-Record"] = got.record_id
    status = got.status if 200 <= got.status < 300 else 404  # a recorded redirect or error is not replayed
    return Response(got.body, status_code=status, headers=headers,
                    media_type=got.content_type or "application/octet-stream")


ROUTES = [
    Route("/evidence/pages/{pid:id}/archived", archived_page),
    Route("/evidence/pages/{pid:id}/replay/{cap}", replay_resource),
]
