"""The bundled demo storefronts: served over real HTTP, encoded as declared, linked without holes,
and matched (or deliberately mismatched) by the bundled registry."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from click.testing import CliRunner

from demo.commands import demo_group
from demo.serve import REGISTRY_CSV, REGISTRY_XLSX, SITES_DIR, load_sites, serve
from errors import InputError

REPO = Path(__file__).resolve().parents[2]
HEADERS = ["主体名称", "统一社会信用代码", "主体类型", "网站名称", "网站域名", "IP地址", "网站类型",
           "ICP许可证号", "ISP提供商", "服务器机房地址", "联系方式"]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
USCC_RE = re.compile(r"统一社会信用代码[：:]\s*(?:</td><td>)?([0-9A-Z]{18})")
ICP_RE = re.compile(r"^青ICP备\d{8,10}号(-\d+)?$")


def uscc_valid(code: str) -> bool:
    """GB 32100-2015 check character (LAW.md)."""
    if len(code) != 18 or any(c not in USCC_ALPHABET for c in code):
        return False
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(code[:17], USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31] == code[17]


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


@pytest.fixture(scope="module")
def demo():
    with serve(SITES_DIR, host="127.0.0.1", base_port=0) as handle:
        yield {s.spec.slug: s for s in handle.sites}


@pytest.fixture(scope="module")
def registry() -> list[dict[str, str]]:
    with REGISTRY_CSV.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_four_sites_with_fixed_port_offsets():
    specs = load_sites()
    assert [(s.slug, s.name, s.port_offset) for s in specs] == [
        ("qinghe-tea", "青禾茶叶", 0), ("xueyu-health", "雪域保健", 1),
        ("gaoyuan-select", "高原优选", 2), ("chuangfu-mall", "创富商城", 3)]
    assert [s.slug for s in specs if s.needs_javascript] == ["gaoyuan-select"]


def test_home_pages_declare_and_use_their_charset(demo):
    for slug, site in demo.items():
        status, ctype, body = fetch(site.url)
        assert status == 200, slug
        assert ctype == f"text/html; charset={site.spec.charset}", slug
        text = body.decode(site.spec.charset)
        assert site.name in text, slug
        declared = re.search(r"<meta[^>]*charset=[\"']?([\w-]+)", text, re.IGNORECASE)
        assert declared, slug
        assert declared.group(1).lower() == site.spec.charset, slug  # the page's own <meta> agrees
    raw = fetch(demo["xueyu-health"].url)[2]
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really GB18030 bytes, not UTF-8 labelled otherwise


def test_static_types_robots_and_404s(demo):
    base = demo["gaoyuan-select"].url
    assert fetch(base + "js/app.js")[1] == "text/javascript; charset=utf-8"
    assert fetch(base + "api/products.json")[1] == "application/json; charset=utf-8"
    assert fetch(base + "img/license-badge.png")[1] == "image/png"
    assert fetch(base + "css/style.css")[1] == "text/css; charset=utf-8"
    status, ctype, body = fetch(base + "robots.txt")
    assert (status, ctype) == (200, "text/plain; charset=utf-8")
    assert body.decode().splitlines() == ["User-agent: *", "Allow: /"]
    for path in ("nope.html", "site.json", "api/"):
        assert fetch(base + path)[0] == 404, path


def test_badges_are_100x40_pngs():
    badges = sorted(SITES_DIR.glob("*/img/*.png"))
    assert {p.name for p in badges} == {"license-badge.png", "hongdun.png"}
    for p in badges:
        head = p.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        assert (int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")) == (100, 40), p


def test_registry_csv_headers_rows_and_checksums(registry):
    assert REGISTRY_CSV.read_bytes().startswith(b"\xef\xbb\xbf")
    assert list(registry[0].keys()) == HEADERS
    by_domain = {r["网站域名"]: r for r in registry}
    assert {d: r["网站名称"] for d, r in by_domain.items()} == {
        f"127.0.0.1:{8701 + s.port_offset}": s.name for s in load_sites()}
    for row in registry:
        assert uscc_valid(row["统一社会信用代码"]), row["主体名称"]
        assert row["统一社会信用代码"][2:4] == "63", row["主体名称"]  # Qinghai
        assert ICP_RE.match(row["ICP许可证号"]), row["ICP许可证号"]
    assert uscc_valid("91630104MA7F2Q8H5P")
    assert not uscc_valid("91630104MA7F2Q8H5Q")


def test_registry_xlsx_matches_csv(registry):
    from openpyxl import load_workbook

    rows = list(load_workbook(REGISTRY_XLSX, read_only=True).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert [dict(zip(HEADERS, r, strict=True)) for r in rows[1:]] == registry


def test_sites_agree_with_registry_except_the_planted_mismatches(demo, registry):
    """Each site shows its licence; only 创富商城's code fails the checksum, only 高原优选's ICP differs."""
    reg = {r["网站名称"]: r for r in registry}
    shown_bad = []
    for slug in ("qinghe-tea", "xueyu-health", "chuangfu-mall"):
        site = demo[slug]
        home = fetch(site.url)[2].decode(site.spec.charset)
        codes = set(USCC_RE.findall(home))
        assert len(codes) == 1, slug
        code = codes.pop()
        row = reg[site.name]
        assert row["主体名称"] in home, slug
        assert row["ICP许可证号"] in home, slug
        if not uscc_valid(code):
            shown_bad.append(slug)
            assert code[:17] == row["统一社会信用代码"][:17]
            assert code != row["统一社会信用代码"]
        else:
            assert code == row["统一社会信用代码"], slug
    assert shown_bad == ["chuangfu-mall"]
    spa = json.loads(fetch(demo["gaoyuan-select"].url + "api/site.json")[2])
    row = reg["高原优选"]
    assert (spa["company"], spa["uscc"]) == (row["主体名称"], row["统一社会信用代码"])
    assert ICP_RE.match(spa["icp"])
    assert spa["icp"] != row["ICP许可证号"]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and ((name == "href" and tag in ("a", "link")) or (name == "src" and tag in ("img", "script"))):
                self.links.append(value)


def _internal_links(base: str, page_url: str, html: str) -> tuple[set[str], set[str]]:
    """(same-site URLs without fragment, hash routes) linked from one page."""
    parser = _Links()
    parser.feed(html)
    urls, routes = set(), set()
    for link in parser.links:
        absolute = urljoin(page_url, link)
        if urlsplit(absolute).netloc != urlsplit(base).netloc:
            continue
        frag = urlsplit(absolute).fragment
        if frag.startswith("/"):
            routes.add(frag)
        urls.add(absolute.split("#", 1)[0])
    return urls, routes


@pytest.mark.parametrize("slug", ["qinghe-tea", "xueyu-health", "chuangfu-mall"])
def test_static_site_has_no_broken_internal_links(demo, slug):
    site = demo[slug]
    seen: set[str] = set()
    queue = [site.url]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        status, ctype, body = fetch(url)
        assert status == 200, f"broken link {url}"
        if ctype.startswith("text/html"):
            for link in _internal_links(site.url, url, body.decode(site.spec.charset))[0]:
                queue.append(link)
    on_disk = {p.relative_to(site.spec.root).as_posix() for p in site.spec.root.rglob("*.html")}
    reached = {urlsplit(u).path.lstrip("/") or "index.html" for u in seen}
    assert on_disk <= reached, f"pages nothing links to: {on_disk - reached}"


def test_spa_links_and_routes_resolve(demo):
    site = demo["gaoyuan-select"]
    shell = fetch(site.url)[2].decode()
    assert "统一社会信用代码" not in shell
    assert "¥" not in shell
    app_js = fetch(site.url + "js/app.js")[2].decode()
    info = json.loads(fetch(site.url + "api/site.json")[2])
    products = json.loads(fetch(site.url + "api/products.json")[2])
    for path in set(re.findall(r'"(/(?:api|img|css|js)/[^"]+|/promo\.html)"', app_js)) | {"/js/app.js", "/css/style.css"}:
        assert fetch(site.url + path.lstrip("/"))[0] == 200, path
    known = {"/"} | {f"/product/{p['id']}" for p in products} | {f"/{name}" for name in info["pages"]}
    routes = set(re.findall(r'href="#(/[^"\']*)"', app_js))
    routes |= {r for pg in info["pages"].values() for r in re.findall(r'href="#(/[^"]*)"', pg["html"])}
    promo_urls, promo_routes = _internal_links(site.url, site.url + "promo.html",
                                               fetch(site.url + "promo.html")[2].decode())
    assert routes | promo_routes <= known
    assert all(fetch(u)[0] == 200 for u in promo_urls)


@pytest.mark.integration
def test_spa_renders_product_footer_and_popup_in_chromium(demo, tmp_path):
    from playwright.sync_api import sync_playwright

    site = demo["gaoyuan-select"]
    args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"]
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(str(tmp_path / "profile"), executable_path="/usr/bin/chromium",
                                                   args=args, headless=True)
        try:
            page = ctx.new_page()
            with ctx.expect_page() as popup:
                page.goto(site.url + "#/product/3")
                page.wait_for_selector("body[data-ready]")
            assert popup.value.url == site.url + "promo.html"
            assert "原价¥999 现价¥99" in page.inner_text("#app")
            footer = page.inner_text("footer")
            assert "91630105MA7HU4N06D" in footer
            assert "青ICP备2020000654号-1" in footer
            page.click("text=关于我们")
            page.wait_for_selector("#app[data-route='#/about']")
            assert "营业执照信息" in page.inner_text("#app")
        finally:
            ctx.close()


def test_port_in_use_is_reported_with_the_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(InputError, match=f"127.0.0.1:{port}.*--base-port"):
            serve(SITES_DIR, base_port=port)


def test_registry_path_command():
    runner = CliRunner()
    assert runner.invoke(demo_group, ["registry-path"]).output.strip() == str(REGISTRY_CSV)
    assert runner.invoke(demo_group, ["registry-path", "--xlsx"]).output.strip() == str(REGISTRY_XLSX)


def test_serve_command_prints_sites_and_stops_on_sigterm():
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", "from demo.commands import demo_group; demo_group()",
                             "serve", "--base-port", "0"], cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if "registry" in line:
                break
        sites = dict(re.findall(r"(http://127\.0\.0\.1:\d+/)\s+(\S+)", "".join(lines)))
        assert sorted(sites.values()) == sorted(s.name for s in load_sites())
        for url in sites:
            assert fetch(url)[0] == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
        assert "stopped" in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


CATEGORIES = {
    "license_display": "9", "filing_display": "9", "mandatory_disclosure": "11(3)", "return_policy": "11(4)",
    "unfair_terms": "11(5)", "privacy": "11(7)", "false_advertising": "11(8)", "trademark_misuse": "15(2)",
    "design_copying": "15(3)", "gov_badge_forgery": "15(4)", "gov_impersonation": "15(7)", "harassing_ads": "15(8)",
    "counterfeit_goods": "15(9)", "pyramid_scheme": "15(10)", "malicious_code": "15(11)",
    "prohibited_goods": "11(1)", "platform_rules": "12",
}  # DESIGN.md's closed vocabulary (first article of each)
ALSO = {"filing_display": {"16"}, "unfair_terms": {"15(6)"}, "false_advertising": {"15(1)", "15(5)"},
        "privacy": {"13(4)"}}


def test_expected_results_table_matches_the_sites():
    """demo/expected.json (the README's table) names text that really is (or is not) on each site."""
    expected = json.loads((REPO / "demo" / "expected.json").read_text(encoding="utf-8"))
    specs = {s.slug: s for s in load_sites()}
    assert set(expected) - {"_doc"} == set(specs)
    for slug, spec in specs.items():
        files = {p.relative_to(spec.root).as_posix(): p.read_bytes().decode(spec.charset)
                 for p in spec.root.rglob("*") if p.suffix in (".html", ".json", ".js")}
        entries = expected[slug]
        assert len(entries["violations"]) >= 2
        assert len(entries["hard_negatives"]) >= 3
        for v in entries["violations"]:
            assert v["article"] in {CATEGORIES[v["category"]]} | ALSO.get(v["category"], set()), v
            if "match" in v:
                assert v["match"] in files[v["file"]], v
            else:
                scope = files.values() if v.get("scope") == "site" else [files[v["file"]]]
                assert all(v["absent"] not in text for text in scope), v
        for hn in entries["hard_negatives"]:
            assert hn["match"] in files[hn["file"]], hn
            assert set(hn["not"]) <= set(CATEGORIES), hn
