"""A whole static crawl of the fixture storefront (real HTTP on 127.0.0.1, child process)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.crawler.conftest import crawl, dump, page, text_of


@pytest.fixture(scope="module")
def static_run(sites: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Any:
    site, other = sites["static"], sites["other"]
    site.hits.clear()
    other.hits.clear()
    outcome = crawl(site.url("/"), tmp_path_factory.mktemp("static"), max_pages_per_pattern=5, max_depth=6,
                    max_page_bytes=1_000_000)
    return outcome, dict(site.hits), dict(other.hits)


def test_inspector_pages_are_fetched(static_run: Any) -> None:
    outcome, _hits, _ = static_run
    assert outcome.status == "partial", dump(outcome)  # slow and huge pages were cut
    for path in ("/", "/about.html", "/license.html", "/terms.html", "/privacy.html", "/returns.html",
                 "/item/1.html", "/item/5.html"):
        p = page(outcome, path)
        assert p is not None and p["status"] == 200, (path, dump(outcome))
        assert p["sha256"] and p["evidence"]["records"]["response"]["record_id"]
    assert page(outcome, "/license.html")["kind"] == "licence"
    assert page(outcome, "/item/3.html")["kind"] == "product"
    assert page(outcome, "/")["is_home"]


def test_other_hosts_are_recorded_never_fetched(static_run: Any) -> None:
    outcome, _hits, other_hits = static_run
    assert other_hits == {}, other_hits  # hard negative: not one request reached the other host
    offsite = {o["url"]: o for o in outcome.summary["offsite_links"]}
    partner = next(o for u, o in offsite.items() if u.endswith("/partner"))
    assert partner["text"] == "可信网站" and partner["image"].endswith("/badge.png")
    redirects = {r["from"].rsplit("/", 1)[1]: r for r in outcome.summary["redirects"]}
    assert redirects["go-away"]["to"].endswith("/landing") and redirects["go-away"]["followed"] == "no"
    assert redirects["go-other-port"]["followed"] == "no"  # 127.0.0.1 on another port is another site
    assert page(outcome, "/go-away")["redirect_to"].endswith("/landing")


def test_robots_404_and_gb18030(static_run: Any) -> None:
    outcome, hits, _ = static_run
    assert "/secret/admin.html" not in hits
    assert any(c["url"].endswith("/secret/admin.html") and "robots" in c["reason"] for c in outcome.summary["cuts"])
    assert page(outcome, "/missing.html")["status"] == 404
    gbk = page(outcome, "/gbk.html")
    assert gbk["page"]["title"] == "老页面"
    assert "镕铢必较" in text_of(gbk) and "\ufffd" not in text_of(gbk)


def test_limits_cut_and_crawl_goes_on(static_run: Any) -> None:
    outcome, hits, _ = static_run
    cuts = {c["url"].split("/", 3)[3]: c["reason"] for c in outcome.summary["cuts"]}
    assert "time limit" in cuts["slow.html"]
    huge = page(outcome, "/huge.html")
    assert "size limit" in huge["cut_reason"]
    assert huge["evidence"]["records"]["response"]["length"] < 2_000_000  # archived bytes are bounded too
    assert any("link trap" in reason for reason in cuts.values())
    assert hits.get("/calendar", 0) <= 5
    assert page(outcome, "/item/5.html") is not None  # pages after the traps were still crawled


def test_ocr_images_fetched_from_own_host_only(static_run: Any) -> None:
    outcome, hits, _ = static_run
    home = page(outcome, "/")
    badge = next(i for i in home["page"]["images"] if i["src"].endswith("/badge.png"))
    assert len(badge["sha256"]) == 64  # fetched, hashed (and archived) for OCR
    assert hits.get("/badge.png") == 1


def test_budget_keeps_inspector_pages(sites: dict[str, Any], tmp_path: Path) -> None:
    outcome = crawl(sites["static"].url("/"), tmp_path, max_pages=7, ocr=False)
    fetched = {p["url"].split("/", 3)[3] for p in outcome.pages}
    assert len(outcome.pages) <= 7, dump(outcome)
    assert {"", "about.html", "license.html", "terms.html", "returns.html", "privacy.html"} <= fetched, fetched
    assert not fetched & {"calendar?date=2024-01-01", "gbk.html", "huge.html"}
    assert any("budget" in c["reason"] for c in outcome.summary["cuts"])


def test_robots_override(sites: dict[str, Any], tmp_path: Path) -> None:
    site = sites["static"]
    before = site.hits.get("/secret/admin.html", 0)
    outcome = crawl(site.url("/"), tmp_path, obey_robots=False, max_depth=1, ocr=False, max_pages=40)
    assert site.hits.get("/secret/admin.html", 0) == before + 1
    assert outcome.summary["robots_obeyed"] is False


def test_loopback_refused_unless_allowed(sites: dict[str, Any], tmp_path: Path) -> None:
    site = sites["static"]
    before = site.hits["*"]
    outcome = crawl(site.url("/"), tmp_path / "a", allow_loopback=False)
    assert outcome.status == "unreachable"
    assert "loopback" in outcome.pages[0]["error"]
    # a name that resolves to loopback is refused the same way (DNS answers are checked)
    outcome2 = crawl(f"http://localhost:{site.port}/", tmp_path / "b", allow_loopback=False)
    assert outcome2.status == "unreachable" and "loopback" in outcome2.pages[0]["error"]
    assert site.hits["*"] == before  # nothing reached the server


def test_down_site_is_unreachable_not_clean(tmp_path: Path) -> None:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    outcome = crawl(f"http://127.0.0.1:{port}/", tmp_path)
    assert outcome.status == "unreachable"
    assert outcome.findings == []
    assert "refused" in outcome.pages[0]["error"].lower()
