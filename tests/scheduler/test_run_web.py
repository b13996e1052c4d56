"""`storewatch run` serves the triage UI (a real subprocess over real HTTP): health, the demo admin,
a signed-in page; SIGTERM stops both within the bound; a port in use is exit 2 before any job runs."""

from __future__ import annotations

import re
import signal
import socket
from typing import Any

import httpx
from sqlalchemy import func, select

from store.db import Store
from store.models import CrawlRun, DaemonState
from tests.scheduler.conftest import add_storefront, wait_for
from tests.web.conftest import login


def healthy(base: str) -> bool:
    try:
        return httpx.get(base + "/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_run_serves_the_ui_with_a_demo_admin_and_stops_on_sigterm(db: Store, sites: Any, daemon: Any) -> None:
    add_storefront(db, 1, sites.page("/s1/", "本店茶叶为国家级产品"))
    # port 0: the daemon binds a port the system chooses and says which (no window for another socket to take it)
    d = daemon(None, "--web-port", "0", "--demo-admin")
    url = wait_for(lambda: re.search(r"storewatch web UI on (http://127\.0\.0\.1:(\d+))/", d.log()),
                   what="the UI's address in the log", log=d.log)
    base, port = url.group(1), int(url.group(2))
    wait_for(lambda: healthy(base), what="the UI's /healthz", log=d.log)
    m = wait_for(lambda: re.search(r"用户名 admin  密码 (\S+)", d.log()), what="the demo admin's password", log=d.log)
    wait_for(lambda: _findings(db), what="a crawl's finding", log=d.log)
    with httpx.Client(base_url=base, timeout=10) as client:
        assert client.get("/findings", follow_redirects=False).status_code == 303  # anonymous: to the login page
        login(client, "admin", m.group(1))
        page = client.get("/findings")
        assert page.status_code == 200 and "国家级" in page.text
    with db.session() as s:
        assert s.get(DaemonState, "daemon").value["web"] == base + "/"
    d.signal(signal.SIGTERM)
    assert d.proc.wait(timeout=10 + 5 + 15) == 0  # stop grace + SIGKILL wait + margin
    assert not healthy(base)
    with socket.socket() as sock:  # the port is free again
        sock.bind(("127.0.0.1", port))


def _findings(db: Store) -> bool:
    from store.models import Finding

    with db.session() as s:
        return bool(s.scalar(select(func.count()).select_from(Finding)))


def test_run_with_the_ui_port_in_use_exits_2_before_any_job(db: Store, sites: Any, daemon: Any) -> None:
    add_storefront(db, 1, sites.page("/s1/", "本店茶叶为国家级产品"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        d = daemon(None, "--web-port", str(port), "--crawl-now")
        assert d.proc.wait(timeout=60) == 2
    errors = [line for line in d.log().splitlines() if "already in use" in line]
    assert len(errors) == 1 and f"port {port} on 127.0.0.1" in errors[0], d.log()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(CrawlRun)) == 0
        assert s.get(DaemonState, "daemon") is None
