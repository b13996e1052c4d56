"""Subresources archived beside each judged page, and the page replayed from the WARC alone.

A storefront on 127.0.0.1 with a stylesheet (which @imports another and loads a background image
and a font), an image and a script is crawled and recorded; then the storefront is stopped. In
Debian's Chromium, the finding's archived page in the UI still shows its image (natural width > 0)
and its styles apply, every request the browser made went to the UI server, and what the run did
not archive is 404. The boxed exhibit shows the image too."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import cli
from store.db import Store
from store.models import Finding, PageRecord, Storefront
from tests.crawler.sitekit import Site, png
from tests.web.live import CHROMIUM_ARGS, web_process

pytestmark = pytest.mark.integration

CSS = ('@import "/css/base.css";\n.claim { color: rgb(0, 128, 0); }\n'
       "body { background: #fff url(../img/bg.png) no-repeat; }\n"
       "@font-face { font-family: Shop; src: url('/fonts/shop.woff2') format('woff2'); }\n")
HTML = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>高原好物</title>'
        '<link rel="stylesheet" href="/css/shop.css"><script src="/js/app.js"></script></head><body>'
        '<h1>高原好物商城</h1><img id="logo" src="img/logo.png" alt="店标">'
        '<img id="gone" src="/img/gone.png" alt="已失效">'
        '<img id="far" src="http://127.0.0.2:9/far.png" alt="外站图片">'
        '<p class="claim">本品为国家级优质产品</p><a href="/item/1.html">商品</a></body></html>')
PASSWORD = "qh-Ana-pass-123"


def _site() -> Site:
    s = Site("replay")
    s.page("/", HTML)
    s.page("/item/1.html", HTML.replace("国家级", "精选").replace('"img/logo.png"', '"/img/logo.png"'))
    s.page("/css/shop.css", CSS, content_type="text/css")
    s.page("/css/base.css", "h1 { font-size: 40px; }", content_type="text/css")
    logo = png(120, 40)
    s.raw("/img/logo.png", lambda _p: (200, {"Content-Type": "image/png"}, logo))
    bg = png(8, 8)
    s.raw("/img/bg.png", lambda _p: (200, {"Content-Type": "image/png"}, bg))
    s.raw("/fonts/shop.woff2", lambda _p: (200, {"Content-Type": "font/woff2"}, b"wOF2" + b"\0" * 60))
    s.page("/js/app.js", "document.title = 'ran';", content_type="application/javascript")
    return s.start()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("replay")
    site = _site()
    url = f"sqlite:///{tmp / 'sw.db'}"
    store = Store(url)
    store.upgrade()
    with store.session() as s:
        shop = Storefront(name="西宁高原好物电子商务有限公司", uscc="91630100MA7XXXXX0X", domain=site.host,
                          site_name="高原好物商城")
        s.add(shop)
        s.flush()
        sid = shop.id
    config = tmp / "storewatch.toml"
    config.write_text('[crawler]\nallow_loopback = true\nretries = 0\npage_timeout = 3\nmax_depth = 1\n'
                      'render = "never"\nocr = false\n', encoding="utf-8")
    args = ["--config", str(config), "--data-dir", str(tmp / "data"), "--database-url", url]
    try:
        assert cli.main([*args, "crawl", "--storefront", str(sid)]) == 0
        hits = dict(site.hits)
    finally:
        site.stop()  # from here on the storefront is gone: the replay has only the WARC
    assert cli.main([*args, "user", "add", "analyst1", "--role", "analyst", "--password", PASSWORD]) == 0
    with store.session() as s:
        finding = s.scalars(select(Finding).where(Finding.storefront_id == sid, Finding.match == "国家级")).one()
        page = s.get(PageRecord, finding.page_id)
        assert not Path(page.warc_path).is_absolute() and page.warc_path == finding.evidence["warc"]
        yield {"args": args, "tmp": tmp, "finding": finding.to_dict(), "page_id": page.id, "hits": hits,
               "warc": tmp / "data" / "evidence" / page.warc_path, "host": site.host, "store": store,
               "run_id": finding.crawl_run_id}


def test_subresources_are_archived_once_and_never_off_host(crawled: dict[str, Any]) -> None:
    index = json.loads(Path(str(crawled["warc"]) + ".idx.json").read_text(encoding="utf-8"))
    sub = {r["uri"].split("/", 3)[3]: r for r in index["records"] if r["kind"] == "subresource"}
    assert set(sub) == {"css/shop.css", "css/base.css", "img/logo.png", "img/bg.png", "fonts/shop.woff2",
                        "js/app.js", "img/gone.png"}
    assert all(r["type"] == "response" for r in sub.values())
    hits = crawled["hits"]
    assert hits["/css/shop.css"] == 1 and hits["/img/logo.png"] == 1  # two pages use them: fetched once
    assert not any("far.png" in r["uri"] for r in index["records"])  # the other host is never touched
    listing = [r for r in index["records"] if r["uri"].startswith("urn:storewatch:resources:")]
    assert len(listing) == 2  # one list per page, referring to it


def test_warcinfo_names_the_capture_environment(crawled: dict[str, Any]) -> None:
    import socket

    from warcio.archiveiterator import ArchiveIterator

    with open(crawled["warc"], "rb") as fh:
        info = next(iter(ArchiveIterator(fh)))
        assert info.rec_type == "warcinfo"
        fields = dict(line.split(": ", 1) for line in info.content_stream().read().decode().splitlines() if ": " in line)
    assert fields["crawler-host"] == socket.gethostname()
    assert fields["crawler-ip"] == "127.0.0.1"  # the local address towards the storefront on 127.0.0.1
    assert re.search(r"Chromium \d+\.", fields["browser-version"]) and "render = never" in fields["browser-version"]


def _web(crawled: dict[str, Any]) -> Iterator[str]:
    with web_process(crawled["args"], crawled["tmp"] / "web.log") as base:
        yield base


@pytest.fixture(scope="module")
def web(crawled: dict[str, Any]) -> Iterator[str]:
    yield from _web(crawled)


def test_replay_in_chromium_shows_the_archived_css_and_image(crawled: dict[str, Any], web: str) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(web + "/login")
            page.fill("input[name=username]", "analyst1")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(re.compile(r"/findings"))
            page.goto(web + f"/findings/{crawled['finding']['finding_id']}")
            iframe = page.locator("iframe.archived")
            assert iframe.get_attribute("sandbox") == ""
            frame = iframe.element_handle().content_frame()
            frame.wait_for_load_state("load")
            got = frame.evaluate("""() => ({
                logo: document.getElementById('logo').naturalWidth,
                gone: document.getElementById('gone').naturalWidth,
                far: document.getElementById('far').naturalWidth,
                claim: getComputedStyle(document.querySelector('.claim')).color,
                h1: getComputedStyle(document.querySelector('h1')).fontSize,
                bg: getComputedStyle(document.body).backgroundImage,
                title: document.title})""")
        finally:
            browser.close()
    assert got["logo"] == 120  # the archived image, from the WARC
    assert got["claim"] == "rgb(0, 128, 0)" and got["h1"] == "40px"  # the stylesheet and its @import
    assert "/replay/" in got["bg"] and "bg.png" in got["bg"]
    assert got["gone"] == 0 and got["far"] == 0  # the 404 the site gave, and an image of another host
    assert got["title"] == "高原好物"  # the archived script was not run
    assert all(u.startswith((web, "data:", "about:")) for u in requests), [u for u in requests if web not in u]
    assert not any(crawled["host"] in u.split("?", 1)[0] for u in requests)


def test_replay_endpoint_answers_only_from_the_archive(crawled: dict[str, Any], web: str) -> None:
    import http.cookiejar
    import urllib.parse

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = opener.open(web + "/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    opener.open(web + "/login", urllib.parse.urlencode({"username": "analyst1", "password": PASSWORD,
                                                         "csrf_token": token, "next": "/findings"}).encode())
    pid, host = crawled["page_id"], crawled["host"]
    archived = opener.open(f"{web}/evidence/pages/{pid}/archived").read().decode()
    prefix = re.search(rf'"(/evidence/pages/{pid}/replay/[0-9]+\.[0-9a-f]{{16}}\.[0-9a-f]{{32}})\?url=',
                       archived).group(1)
    assert f"http://{host}/img" not in archived.replace("url=http%3A", "")  # no live reference is left
    anon = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(url: str, path: str = prefix) -> tuple[int, dict[str, str], bytes]:
        q = urllib.parse.quote(url, safe="")
        try:  # without a session, as the sandboxed frame asks: the capability is the key
            with anon.open(f"{web}{path}?url={q}") as r:
                return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
        except urllib.error.HTTPError as exc:
            return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()

    status, headers, body = get(f"http://{host}/css/shop.css")
    assert status == 200 and headers["content-type"].startswith("text/css")
    assert f"{prefix}?url=" in body.decode() and "url(../img" not in body.decode()
    assert headers["content-security-policy"].startswith("sandbox;")
    status, headers, body = get(f"http://{host}/img/logo.png")
    assert status == 200 and body.startswith(b"\x89PNG") and headers["x-archived-record"].startswith("<urn:uuid:")
    assert get(f"http://{host}/never-archived.png")[0] == 404
    assert get(f"http://{host}/img/gone.png")[0] == 404  # archived as the site's 404
    assert get("javascript:alert(1)")[0] == 404
    # a forged, another page's or a missing capability meets the login wall
    expires, ref, sig = prefix.rsplit("/", 1)[1].split(".")
    forged = prefix.replace(sig, "0" * 32)
    other = prefix.replace(f"/pages/{pid}/", f"/pages/{pid + 1}/")
    later = prefix.replace(f"/{expires}.", f"/{int(expires) + 3600}.")  # a longer life is not signed
    unknown = prefix.replace(f".{ref}.", f".{'0' * 16}.")  # another session's reference is not signed
    for path in (forged, other, later, unknown, f"/evidence/pages/{pid}/replay/{expires}.{ref}"):
        status, headers, body = get(f"http://{host}/img/logo.png", path)
        assert not body.startswith(b"\x89PNG") and "登录" in body.decode(), path


def test_exhibit_shows_the_archived_image(crawled: dict[str, Any]) -> None:
    import cv2
    import numpy as np

    from evidence.exhibit import exhibit

    finding = {**crawled["finding"], "evidence": {**crawled["finding"]["evidence"], "warc": str(crawled["warc"])}}
    d = exhibit(finding, refresh=True)
    img = cv2.imdecode(np.frombuffer((Path(d["folder"]) / d["clean"]).read_bytes(), np.uint8), cv2.IMREAD_COLOR)
    logo = (np.abs(img.astype(int) - [30, 30, 200]) < 8).all(axis=2).sum()  # BGR of the logo's red
    assert logo >= 120 * 40 * 0.9
    green = (np.abs(img.astype(int) - [0, 128, 0]) < 40).all(axis=2).sum()  # the claim in the CSS's green
    assert green > 20


@pytest.mark.parametrize(("per_page", "archived"), [(2, {"css/shop.css", "js/app.js"}), (0, set())])
def test_subresources_are_bounded_per_page(tmp_path: Path, per_page: int, archived: set[str]) -> None:
    from tests.crawler.conftest import crawl

    site = _site()
    try:
        out = crawl(site.url("/"), tmp_path, max_depth=0, max_pages=1, ocr=False, subresources_per_page=per_page)
    finally:
        site.stop()
    index = json.loads(Path(out.summary["warc"] + ".idx.json").read_text(encoding="utf-8"))
    got = {r["uri"].split("/", 3)[3] for r in index["records"] if r["kind"] == "subresource"}
    assert got == archived
    cuts = [c["reason"] for c in out.summary["cuts"] if "subresources" in c["reason"]]
    assert bool(cuts) == bool(per_page) and (not cuts or "5 not archived" in cuts[0])
    assert site.hits["/fonts/shop.woff2"] == 0 and site.hits["/img/gone.png"] == 0  # over the limit: not fetched


def test_a_moved_data_folder_still_verifies(crawled: dict[str, Any], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Evidence is addressed by name under the evidence folder; an old row's absolute path of another
    machine is found by its trailing path (read-time fallback, no migration)."""
    import shutil

    from store.models import CrawlRun

    moved = tmp_path / "elsewhere"
    shutil.copytree(crawled["tmp"] / "data", moved / "data")
    import sqlite3

    with sqlite3.connect(crawled["tmp"] / "sw.db") as src, sqlite3.connect(moved / "sw.db") as dst:
        src.backup(dst)  # the store, WAL and all
    url = f"sqlite:///{moved / 'sw.db'}"
    store = Store(url)
    with store.session() as s:  # rows as an older storewatch wrote them: absolute, on a machine now gone
        run = s.get(CrawlRun, crawled["run_id"])
        run.warc_path = f"/srv/old-host/storewatch/data/evidence/{run.warc_path}"
        page = s.get(PageRecord, crawled["page_id"])
        page.warc_path = f"/srv/old-host/storewatch/data/evidence/{page.warc_path}"
        finding = s.get(Finding, crawled["finding"]["finding_id"])
        finding.evidence = {**finding.evidence, "warc": page.warc_path}
        other = s.scalars(select(Finding).where(Finding.finding_id != finding.finding_id)).first()
        other_id = other.finding_id  # keeps its name
    store.dispose()
    args = ["--data-dir", str(moved / "data"), "--database-url", url, "evidence", "verify"]
    for target in (crawled["finding"]["finding_id"], other_id, str(crawled["run_id"])):
        assert cli.main([*args, target]) == 0, capsys.readouterr()
        assert str(moved / "data" / "evidence") in capsys.readouterr().out  # the moved copy was checked
    shutil.rmtree(moved / "data" / "evidence")
    assert cli.main([*args, other_id]) != 0  # gone for real: named missing, not passed
    assert "missing" in capsys.readouterr().out.lower()


def test_locate_names_and_fallbacks(tmp_path: Path) -> None:
    from evidence.locate import evidence_name, locate

    root = tmp_path / "evidence"
    (root / "3" / "run").mkdir(parents=True)
    (root / "3" / "run" / "run.warc.gz").write_bytes(b"x")
    assert evidence_name(root / "3" / "run" / "run.warc.gz", root) == "3/run/run.warc.gz"
    assert evidence_name(tmp_path / "scan" / "a.warc.gz", root) == str(tmp_path / "scan" / "a.warc.gz")
    assert locate(root, "3/run/run.warc.gz") == root / "3" / "run" / "run.warc.gz"
    assert locate(root, "/gone/data/evidence/3/run/run.warc.gz") == root / "3" / "run" / "run.warc.gz"
    assert locate(root, "/gone/elsewhere/3/run/run.warc.gz") == root / "3" / "run" / "run.warc.gz"
    assert locate(root, "/gone/data/evidence/4/run/run.warc.gz") == Path("/gone/data/evidence/4/run/run.warc.gz")
    assert locate(root, "") == Path("")


def test_replay_capability_ends_with_the_session(crawled: dict[str, Any], web: str) -> None:
    """The capability is bound to the session that was handed it: after sign-out (or the session's end, or
    the user's deactivation) its replay URLs meet the login wall, not an hour later."""
    import http.cookiejar
    import urllib.parse

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login = opener.open(web + "/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    opener.open(web + "/login", urllib.parse.urlencode({"username": "analyst1", "password": PASSWORD,
                                                         "csrf_token": token, "next": "/findings"}).encode())
    pid, host = crawled["page_id"], crawled["host"]
    archived = opener.open(f"{web}/evidence/pages/{pid}/archived").read().decode()
    prefix = re.search(rf'"(/evidence/pages/{pid}/replay/[^"?]+)\?url=', archived).group(1)
    url = f"{web}{prefix}?url={urllib.parse.quote(f'http://{host}/img/logo.png', safe='')}"

    def anon_get() -> bytes:
        try:
            with urllib.request.urlopen(url) as r:  # noqa: S310 - the local test server
                return r.read()
        except urllib.error.HTTPError as exc:
            return exc.read()

    assert anon_get().startswith(b"\x89PNG")
    page = opener.open(web + "/findings").read().decode()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    opener.open(web + "/logout", urllib.parse.urlencode({"csrf_token": csrf}).encode())
    body = anon_get()
    assert not body.startswith(b"\x89PNG") and "登录" in body.decode(), body[:200]
