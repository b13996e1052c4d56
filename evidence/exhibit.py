"""The boxed exhibit of a finding: its archived page re-rendered offline with the match boxed.

The page's archived DOM (or, for a page that was not rendered, its archived response body) is
loaded in an isolated Chromium: its scripts do not run and every network request is refused, so
nothing is fetched again and nothing the merchant serves today can change it. The match is found
by its text (inside the finding's selector when that holds it), a full-page screenshot is taken
clean, then again with a red box over the match. Both are *derived* copies kept beside the
evidence (``exhibits/<finding>.png`` marked, ``.clean.png``, ``.json`` with the box, the source
record and the hashes); the archived records stay the evidence. The page's own stylesheets, images
and fonts come from the same run's WARC (:class:`evidence.replay.RunArchive`, archived by
``pipelines.subresources``); what the run did not archive is refused, never fetched.
A finding read from an image is boxed on that image (:mod:`evidence.image_exhibit`); an image judged
by its markup only (a badge's alt text or file name, on a page whose images were not read: no
``image_sha256``) is boxed as the ``<img>`` element on the re-rendered page.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from evidence.affected import safe_index
from evidence.replay import Archived, RunArchive
from evidence.timefmt import utc_iso
from evidence.verify import read_record
from evidence.warc import sha256

FOLDER = "exhibits"
NOTE = ("据存档页面离线重新渲染（样式与图片取自本次抓取的存档，未存档的资源不加载，未执行脚本，不联网）；"
        "红框为匹配内容位置。原始证据为 WARC 中的记录。")
NOTE_UNBOXED = ("据存档页面离线重新渲染（样式与图片取自本次抓取的存档，未存档的资源不加载，未执行脚本，不联网）；"
                "匹配内容在页面上不可见（如隐藏的框架、脚本或属性），无法框出位置，本副本未作标注，"
                "其代码见 WARC 中的记录（原始证据）。")
_FIND = """([match, selector]) => {
  const within = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const i = node.data.indexOf(match);
      if (i >= 0) {
        const range = document.createRange();
        range.setStart(node, i); range.setEnd(node, i + match.length);
        const r = range.getBoundingClientRect();
        if (r.width > 0 && r.height > 0) return [r.left + scrollX, r.top + scrollY, r.width, r.height];
      }
    }
    return null;
  };
  let el = null;
  try { el = selector ? document.querySelector(selector) : null; } catch (e) { el = null; }
  let box = match ? ((el && within(el)) || within(document.body)) : null;
  if (!box && el) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) box = [r.left + scrollX, r.top + scrollY, r.width, r.height];
  }
  return box;
}"""
_MARK = """([x, y, w, h]) => {
  const d = document.createElement('div');
  d.style.cssText = `position:absolute;left:${x - 4}px;top:${y - 4}px;width:${w + 8}px;height:${h + 8}px;` +
    'border:4px solid #e00000;box-sizing:border-box;z-index:2147483647;pointer-events:none;';
  document.body.appendChild(d);
}"""


def _source(warc: Path, finding: dict[str, Any]) -> tuple[str, str, str]:
    """(html, record id, kind) of the finding's archived page: the rendered DOM, else the response body."""
    ev = finding.get("evidence") or {}
    index = safe_index(warc) or {}
    by_id = {r.get("record_id"): r for r in index.get("records", []) if isinstance(r, dict)}
    for key, kind in (("dom_record_id", "dom"), ("record_id", "response")):
        ref = by_id.get(ev.get(key))
        if ref is None:
            continue
        body = read_record(warc, int(ref["offset"]), int(ref["length"])).payload
        charset = "utf-8"
        ctype = str(ref.get("content_type", "")).lower()
        if "charset=" in ctype:
            charset = ctype.split("charset=", 1)[1].split(";")[0].strip() or "utf-8"
        try:
            return body.decode(charset, "replace"), str(ref["record_id"]), kind
        except LookupError:
            return body.decode("utf-8", "replace"), str(ref["record_id"]), kind
    raise ValueError("no archived DOM or response record of the finding's page")


Resources = Callable[[str], Archived | None]


def _route(resources: Resources | None) -> Any:
    """Answer the page's requests from the archive only: data: URIs, archived responses; the rest refused."""

    def handle(route: Any) -> None:
        url = route.request.url
        if url.startswith("data:"):
            route.continue_()
            return
        got = resources(url) if resources is not None else None
        if got is None:
            route.abort()
            return
        headers = {"content-type": got.content_type or "application/octet-stream"}
        if got.headers.get("content-encoding"):
            headers["content-encoding"] = got.headers["content-encoding"]
        route.fulfill(status=got.status or 200, headers=headers, body=got.body)

    return handle


def render_exhibit(html: str, url: str, match: str, selector: str, *, chromium_path: str = "/usr/bin/chromium",
                   width: int = 1280, timeout: float = 30.0, resources: Resources | None = None
                   ) -> tuple[bytes, bytes, list[float] | None]:
    """(clean PNG, marked PNG, box [x, y, w, h] in CSS pixels or None). ``resources`` answers the page's
    requests by URL from the archive (None: nothing but ``data:`` loads)."""
    from playwright.sync_api import sync_playwright

    doc = f'<base href="{url}">' + html if "<base" not in html[:4000].lower() else html
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, headless=True, timeout=timeout * 1000,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                           "--disable-background-networking", "--no-first-run"])
        try:
            context = browser.new_context(java_script_enabled=False, offline=True, locale="zh-CN",
                                          viewport={"width": width, "height": 900})
            page = context.new_page()
            page.route("**", _route(resources))
            page.set_content(doc, wait_until="load", timeout=timeout * 1000)
            clean = page.screenshot(full_page=True, timeout=timeout * 1000)
            box = page.evaluate(_FIND, [match or "", selector or ""])
            if box:
                page.evaluate(_MARK, box)
            marked = page.screenshot(full_page=True, timeout=timeout * 1000) if box else clean
        finally:
            browser.close()
    return clean, marked, [round(float(v), 1) for v in box] if box else None


def _write(path: Path, blob: bytes) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(blob)
    os.replace(tmp, path)


def exhibit(finding: dict[str, Any], *, chromium_path: str = "/usr/bin/chromium", refresh: bool = False
            ) -> dict[str, Any]:
    """Make (or reuse) the finding's exhibit beside its evidence; returns its description."""
    ev = finding.get("evidence") or {}
    loc = finding.get("location") or {}
    image = loc.get("kind") == "image"
    if image and ev.get("image_sha256"):  # read from an image: the archived image, the line boxed
        from evidence.image_exhibit import image_exhibit

        return image_exhibit(finding, refresh=refresh)
    warc = Path(ev.get("warc") or "")
    folder = warc.parent / FOLDER
    fid = str(finding.get("finding_id", "finding"))
    desc_path = folder / f"{fid}.json"
    if desc_path.exists() and not refresh:
        desc = json.loads(desc_path.read_text(encoding="utf-8"))
        if (folder / desc["marked"]).exists() and sha256((folder / desc["marked"]).read_bytes()) == desc["marked_sha256"]:
            return {**desc, "folder": str(folder)}
    html, record_id, kind = _source(warc, finding)
    match, selector = str(finding.get("match", "")), str(loc.get("selector", ""))
    if image:  # an image judged by its markup, never read: the <img> itself is boxed on the page
        name = urlsplit(str(ev.get("image_url") or "")).path.rsplit("/", 1)[-1].replace('"', "")
        match, selector = "", ", ".join(x for x in (selector, f'img[src$="{name}"]' if name else "") if x)
    clean, marked, box = render_exhibit(html, str(finding.get("url", "")), match, selector,
                                        chromium_path=chromium_path, resources=RunArchive(warc).get)
    folder.mkdir(exist_ok=True)
    _write(folder / f"{fid}.clean.png", clean)
    _write(folder / f"{fid}.png", marked)
    desc = {"finding_id": fid, "source_record": record_id, "source_kind": kind, "box": box,
            "clean": f"{fid}.clean.png", "clean_sha256": sha256(clean),
            "marked": f"{fid}.png", "marked_sha256": sha256(marked), "made_at": utc_iso(),
            "note": NOTE if box else NOTE_UNBOXED}
    _write(desc_path, json.dumps(desc, ensure_ascii=False, indent=1).encode("utf-8"))
    return {**desc, "folder": str(folder)}
