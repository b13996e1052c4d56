"""End to end in a real browser: Debian's Chromium driven by Playwright against ``storewatch web``.

Log in, search in Chinese with a filter, open a finding and its evidence, confirm one and dismiss
another, open a case, export the case file, view a credit file and the dashboard, log out.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.live import CHROMIUM_ARGS, live_server
from tests.web.seed import PASSWORDS

pytestmark = pytest.mark.integration
playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    with live_server(tmp_path_factory.mktemp("live") / "data") as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    if not Path("/usr/bin/chromium").exists():
        pytest.fail("Debian's chromium is required (/usr/bin/chromium); `make test` installs it")
    with playwright.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path="/usr/bin/chromium",
            headless=True, args=CHROMIUM_ARGS, accept_downloads=True, locale="zh-CN",
            viewport={"width": 1400, "height": 900})
        yield ctx
        ctx.close()


def test_analyst_workflow_in_chromium(server, browser) -> None:  # noqa: ANN001
    base, seeded = server
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    # log in (anonymous access lands on the login page)
    page.goto(base + "/findings")
    assert "/login" in page.url
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", PASSWORDS["admin"])
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/findings"))

    # search in Chinese, then narrow with a facet filter (the checkbox submits by itself)
    page.fill("input[name=q]", "-国家级")
    with page.expect_navigation():
        page.click("form#search button[type=submit]")
    assert page.inner_text("#total") == "9"
    page.fill("input[name=q]", "国家级")
    with page.expect_navigation():
        page.click("form#search button[type=submit]")
    assert page.inner_text("#total") == "1"
    with page.expect_navigation():
        page.check("input[name=category][value=false_advertising]")
    assert "category=false_advertising" in page.url and "q=%E5%9B%BD%E5%AE%B6%E7%BA%A7" in page.url
    assert page.inner_text("#total") == "1"
    assert page.locator("input[name=severity][value=critical]").count() == 0  # facets follow the query
    with page.expect_navigation():
        page.check("input[name=severity][value=medium]")
    assert page.inner_text("#total") == "1" and "severity=medium" in page.url

    # open a finding and its evidence
    page.click("td.excerpt a:has-text('国家级')")
    page.wait_for_url(re.compile(r"/findings/[0-9a-f]{32}$"))
    assert page.inner_text("#verify") == "证据完整"
    assert page.locator("#excerpt mark").inner_text() == "国家级"
    frame = page.frame_locator("iframe.archived")
    assert frame.locator("h1").inner_text() == "高原优选商城"
    # the archived page's own script did not run (it would have renamed the title to 'pwned')
    assert frame.locator("title").inner_text() == "商品 0"
    shot = page.locator("svg.shot image")
    assert shot.count() == 1
    with page.expect_download() as dl:
        page.click("#export-evidence")
    names = zipfile.ZipFile(io.BytesIO(Path(dl.value.path()).read_bytes())).namelist()
    assert "records.warc.gz" in names and "screenshot.png" in names and "manifest.json" in names

    # confirm this one
    page.select_option("#status-select", "confirmed")
    page.fill("#decide textarea[name=note]", "核实为绝对化用语")
    page.click("#decide button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("#status") == "已确认"

    # dismiss another as a false positive, with an allow-list entry
    page.goto(base + "/findings?q=最佳")
    page.click("td.excerpt a")
    page.wait_for_url(re.compile(r"/findings/[0-9a-f]{32}$"))
    page.select_option("#status-select", "dismissed")
    page.fill("#decide textarea[name=note]", "商品名称中的固定用语，非宣传")
    page.check("#decide input[name=allow_list]")
    page.click("#decide button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("#status") == "已排除（误报）"
    assert "白名单" in page.inner_text("body")

    # open a case from the findings of one merchant (bulk action)
    page.goto(base + f"/findings?storefront={seeded.storefront_ids[1]}")
    page.check("#select-all")
    page.fill("#bulk input[name=note]", "雪域健康虚假宣传及伪造红盾标识案")
    page.click("#bulk button[value=case]")
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    assert page.inner_text("#case-status") == "已立案"
    page.fill("#notice-form input[name=number]", "宁商电整字〔2026〕7号")
    page.click("#notice-form button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("#case-status") == "待复查"
    assert page.locator("#recheck-at").count() == 1

    # export the case file
    with page.expect_download() as dl:
        page.click("#export-case")
    zf = zipfile.ZipFile(io.BytesIO(Path(dl.value.path()).read_bytes()))
    assert "案件摘要.html" in zf.namelist()
    assert "雪域健康虚假宣传及伪造红盾标识案" in zf.read("案件摘要.html").decode()

    # the merchant's credit file and the dashboard
    page.click("a[href^='/merchants/']")
    page.wait_for_url(re.compile(r"/merchants/\d+$"))
    assert page.inner_text("#grade") in ("A", "B", "C", "D")
    assert page.locator("svg.chart").count() >= 2
    page.click("header nav a[href='/dashboard']")
    page.wait_for_url(re.compile(r"/dashboard$"))
    assert page.locator("svg.chart").count() >= 6

    # log out
    page.click("#logout")
    page.wait_for_url(re.compile(r"/login"))
    page.goto(base + "/dashboard")
    assert "/login" in page.url
    assert dialogs == []  # no storefront script ever ran in the UI
    assert not [e for e in errors if "Content Security Policy" in e], errors
