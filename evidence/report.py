"""取证报告: the evidence-preservation report of a finding or a case, a Chinese PDF printed by Chromium
from a Jinja template (no other renderer).

It states what a notary's or a platform's evidence report states: the merchant and its filing
record, the finding and its legal basis, the capture time (and the TSA's time where a token
exists), the environment, the SHA-256 of every file and record, the screenshot exhibit (the match
boxed on the exhibit only when its coordinates are known; the clean screenshot stays the
evidence), the chain of custody, and how to verify it all without storewatch. The data comes
in as plain dicts (the store's adapter gathers merchant and custody): evidence/ reads only files.
"""

from __future__ import annotations

import base64
import json
import uuid
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from evidence.affected import finding_records, safe_index
from evidence.timefmt import stamp, utc_iso
from evidence.timestamp import FOLDER, load_ledger
from evidence.verify import read_record, verify_warc

_TEMPLATES = Path(__file__).with_name("templates")
_LABELS = {"response": "网页响应（HTTP 正文）", "request": "HTTP 请求", "dom": "渲染后页面 DOM", "screenshot": "整页截图 PNG",
           "pdf": "网页打印 PDF", "metadata": "取证元数据记录"}


def _meta(warc: Path, by_id: dict[Any, Any], rid: str) -> dict[str, Any]:
    ref = by_id.get(rid)
    if ref is None:
        return {}
    try:
        data = json.loads(read_record(warc, int(ref["offset"]), int(ref["length"])).payload)
    except (OSError, EOFError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _boxes(location: dict[str, Any], size: tuple[int, int] | None) -> list[list[float]]:
    """Boxes in % of the screenshot from ``location.bbox`` [x, y, w, h] in CSS pixels of the capture."""
    bbox = location.get("bbox") or location.get("box")
    if not size or not isinstance(bbox, list | tuple) or len(bbox) != 4:
        return []
    w, h = size
    x, y, bw, bh = (float(v) for v in bbox)
    return [[round(100 * x / w, 3), round(100 * y / h, 3), round(100 * bw / w, 3), round(100 * bh / h, 3)]]


def _png_size(png: bytes) -> tuple[int, int] | None:
    if png[:8] != b"\x89PNG\r\n\x1a\n" or len(png) < 24:
        return None
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _exhibit(finding: dict[str, Any], chromium_path: str | None) -> dict[str, Any]:
    """The boxed exhibit (``evidence.exhibit``) as a data URI, or why there is none."""
    if not chromium_path:
        return {}
    from evidence.exhibit import exhibit

    try:
        d = exhibit(finding, chromium_path=chromium_path)
    except Exception as exc:  # a damaged record or a browser failure: the report says so and goes on
        return {"error": f"标注副本未能生成：{type(exc).__name__}: {exc}"[:300]}
    png = (Path(d["folder"]) / d["marked"]).read_bytes()
    return {"src": "data:image/png;base64," + base64.b64encode(png).decode(), "box": d["box"], "note": d["note"],
            "marked": f"exhibits/{d['marked']}", "marked_sha256": d["marked_sha256"],
            "clean_sha256": d["clean_sha256"], "source_record": d["source_record"]}


def finding_item(finding: dict[str, Any], custody: list[dict[str, Any]], *, timezone: str,
                 chromium_path: str | None = None) -> dict[str, Any]:
    """Everything the report says about one finding, read from its evidence files."""
    ev = finding.get("evidence") or {}
    warc = Path(ev.get("warc") or "")
    index = safe_index(warc) if warc.is_file() else None
    by_id = {r.get("record_id"): r for r in (index or {}).get("records", []) if isinstance(r, dict)}
    ids = finding_records(finding, index) if index else set()
    meta = _meta(warc, by_id, ev.get("metadata_record_id", ""))
    report = verify_warc(warc, only=ids or None)
    hashes = [{"label": f"WARC 文件 {warc.name}", "sha256": (index or {}).get("sha256", "未记录"),
               "note": f"{(index or {}).get('size', '?')} 字节；文件关闭于 {(index or {}).get('closed_at', '?')}"}]
    manifest = Path(str(warc) + ".idx.json")
    if manifest.is_file():
        from evidence.warc import sha256

        hashes.append({"label": f"取证清单 {manifest.name}", "sha256": sha256(manifest.read_bytes()), "note": ""})
    screenshot_png = b""
    for rid in sorted(ids, key=lambda r: int(by_id[r]["offset"]) if r in by_id else 0):
        r = by_id.get(rid)
        if r is None:
            continue
        hashes.append({"label": f"{_LABELS.get(r.get('kind', ''), r.get('kind', ''))}", "sha256": r["payload_sha256"],
                       "note": f"记录 {rid} · 偏移 {r['offset']} · 压缩块 SHA-256 {r['member_sha256']}"})
        if r.get("kind") == "screenshot" and not screenshot_png:
            try:
                screenshot_png = read_record(warc, int(r["offset"]), int(r["length"])).payload
            except (OSError, EOFError, ValueError):
                screenshot_png = b""
    trusted: list[dict[str, str]] = []
    shot_tokens: list[tuple[str, str]] = []
    try:
        ledger = load_ledger(warc) if warc.is_file() else None
    except (OSError, ValueError):
        ledger = None
    shot_uuid = {str(r).strip("<>").rsplit(":", 1)[-1] for r in ids if by_id.get(r, {}).get("kind") == "screenshot"}
    for e in (ledger or {}).get("entries", []):
        name = str(e.get("subject", ""))
        if e.get("status") != "stamped" or (name.startswith("screenshot-") and name[11:] not in shot_uuid):
            continue
        label = {"manifest": "取证清单", "warc": "WARC 文件"}.get(name, "截图")
        trusted.append({"label": label, "gen_time": stamp(e["gen_time"], timezone)["local"], "tsa_url": e["tsa_url"]})
        hashes.append({"label": f"时间戳令牌 {FOLDER}/{e['token']}", "sha256": e.get("token_sha256", ""),
                       "note": f"所盖内容 SHA-256 {e['sha256']}"})
        if name.startswith("screenshot-"):
            shot_tokens.append((str(e["token"]), str(e["sha256"])))
    pending = [e for e in (ledger or {}).get("entries", []) if e.get("status") != "stamped"]
    fetched = meta.get("fetched_at") or {}
    rendered = meta.get("rendered_at") or {}
    location = finding.get("location") or {}
    return {
        "finding": finding,
        "location": " · ".join(f"{k}={v}" for k, v in location.items() if k != "bbox") or "—",
        "capture": {"fetched_local": fetched.get("local", "未记录"), "fetched_utc": fetched.get("utc", ""),
                    "rendered_local": rendered.get("local", ""), "status": meta.get("status", ""),
                    "encoding": meta.get("encoding", "")},
        "trusted": trusted,
        "trusted_note": "时间戳待补（时间戳服务暂不可用，系统将自动重试）" if pending else "未配置可信时间戳服务，本报告时间为本系统时钟",
        "env": _environment(meta, (index or {}).get("info") or {}),
        "hashes": hashes,
        "verified": {"ok": report.ok, "checked": report.checked, "problems": [str(p) for p in report.problems[:5]]},
        "screenshot": "data:image/png;base64," + base64.b64encode(screenshot_png).decode() if screenshot_png else "",
        "boxes": _boxes(location, _png_size(screenshot_png)) if screenshot_png else [],
        "no_screenshot_reason": "该页面未经浏览器渲染" if not meta.get("rendered") else "截图失败",
        "custody": custody,
        "warc_name": warc.name,
        "shot_tokens": shot_tokens,
        "exhibit": _exhibit(finding, chromium_path),
    }


def _environment(meta: dict[str, Any], info: dict[str, Any]) -> dict[str, str]:
    """The capture environment: the page's metadata record, else the run's warcinfo (``crawler.environment``)."""
    browser = str(meta.get("browser_version") or info.get("browser-version") or "")
    if meta.get("rendered"):
        shown = f"{browser}（无头模式渲染）" if browser else "Chromium（无头模式）渲染；本批次未记录浏览器版本"
    else:
        shown = "未渲染（HTTP 抓取，Scrapy）" + (f"；本批次浏览器：{browser}" if browser else "")
    return {"crawler_version": str(meta.get("storewatch_version", "?")), "settings_digest": str(meta.get("settings_digest", "")),
            "browser": shown, "server_ip": str(meta.get("ip_address", "")), "run_id": str(meta.get("run_id", "")),
            "crawler_host": str(meta.get("crawler_host") or info.get("crawler-host") or ""),
            "crawler_ip": str(meta.get("crawler_ip") or info.get("crawler-ip") or ""),
            "os": str(info.get("os", ""))}


def howto(items: list[dict[str, Any]]) -> str:
    names = sorted({i["warc_name"] for i in items if i["warc_name"]})
    lines = []
    for n in names:
        lines += [f"sha256sum {n} {n}.idx.json",
                  f"openssl ts -verify -digest $(sha256sum {n} | cut -d' ' -f1) \\",
                  f"    -in {FOLDER}/warc.tsr -CAfile {FOLDER}/tsa-chain.pem",
                  f"openssl ts -verify -digest $(sha256sum {n}.idx.json | cut -d' ' -f1) \\",
                  f"    -in {FOLDER}/manifest.tsr -CAfile {FOLDER}/tsa-chain.pem",
                  f"openssl ts -reply -in {FOLDER}/warc.tsr -text    # 时间戳服务机构签发的时间",
                  f"storewatch evidence verify {n}    # 逐条记录复核（可选）", ""]
    for token, digest in sorted({t for i in items for t in i.get("shot_tokens", [])}):
        lines += [f"openssl ts -verify -digest {digest} \\",
                  f"    -in {FOLDER}/{token} -CAfile {FOLDER}/tsa-chain.pem    # 截图（哈希值见上表）", ""]
    return "\n".join(lines).strip()


def render_html(items: list[dict[str, Any]], *, merchant: dict[str, Any] | None, case: dict[str, Any] | None,
                timezone: str, version: str) -> str:
    env = Environment(loader=FileSystemLoader(str(_TEMPLATES)), autoescape=select_autoescape(["html", "j2"]))
    title = "电子数据取证报告" + ("（案件）" if case else "")
    return env.get_template("report.html.j2").render(
        title=title, report_id=uuid.uuid4().hex[:12].upper(), generated=stamp(utc_iso(), timezone),
        version=version, case=case, merchant=merchant, items=items, verify_howto=howto(items))


def print_pdf(html: str, *, chromium_path: str = "/usr/bin/chromium", timeout: float = 60.0) -> bytes:
    """Chromium print-to-PDF of a self-contained page; every network request is refused."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, headless=True, timeout=timeout * 1000,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                           "--disable-background-networking", "--no-first-run"])
        try:
            context = browser.new_context(java_script_enabled=False, locale="zh-CN", offline=True)
            page = context.new_page()
            page.route("**", lambda route: route.abort() if not route.request.url.startswith("data:")
                       else route.continue_())
            page.set_content(html, wait_until="load", timeout=timeout * 1000)
            return page.pdf(format="A4", print_background=True, prefer_css_page_size=True,
                            display_header_footer=True, header_template="<span></span>",
                            footer_template='<div style="font-size:8px;width:100%;text-align:center">'
                                            '第 <span class="pageNumber"></span> 页 / 共 <span class="totalPages"></span> 页'
                                            '</div>')
        finally:
            browser.close()
