"""System status for supervisors and operators (系统状态): what ``storewatch status`` prints — the daemon's
heartbeat, the crawl queue and its workers (which machine, heartbeat, what it crawls), running crawls,
coverage gaps, the index outbox, digests waiting and trusted-time tokens pending — as one page."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from store.status import collect_status
from web.common import render, require, state

WORKER_STATES = {"alive": "运行中", "stopping": "正在停止", "lost": "失联"}


async def system_view(request: Request) -> Response:
    require(request, "supervisor")
    st = state(request)
    info = await asyncio.to_thread(collect_status, st.settings)
    return render(request, "system.html", info=info, worker_states=WORKER_STATES)


ROUTES = [Route("/system", system_view)]
