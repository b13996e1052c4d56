"""Exported copies of archived storefront pages must not run the storefront's code when opened from disk.

An evidence zip carries the page's rendered DOM as ``rendered-dom.html``; opened in a browser it
would run the merchant's scripts (alerts, trackers, redirects). :func:`neutralise_zip` replaces
every HTML file of an export by a sanitised rendering (``*.safe.html``: no scripts, frames, objects,
event handlers, ``javascript:`` links or refreshes; a Content-Security-Policy that forbids scripts
and any network request) and adds ``README.txt`` saying so. The original bytes stay, unchanged and
verifiable, inside ``records.warc.gz`` (or ``page.warc.gz``) with their SHA-256 in ``manifest.json``.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile

import lxml.html
from lxml import etree

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; form-action 'none'"
_DROP = ("script", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal",
         "template")
_URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "srcset",
              "ping", "lowsrc", "dynsrc")
_BAD_URL = re.compile(r"^\s*(javascript|vbscript|data\s*:\s*text/html|data\s*:\s*image/svg)", re.I)
_CHARSET = re.compile(rb"""charset=["']?([A-Za-z0-9_.:-]{2,40})""", re.I)
HTML_NAMES = re.compile(r"\.(x?html?|svg)$", re.I)

README = """本压缩包中的网页副本已作安全处理（neutralised）
================================================

为防止在本机打开时运行被监测网站的脚本（弹窗、跟踪请求、跳转等），导出时：

- 渲染后网页（rendered-dom.html 等 HTML 文件）不再以原样文件提供，改为经过清理的副本
  {safe}：已删除全部脚本（script）、内嵌框架与插件（iframe、object、embed）、事件属性
  （onclick、onload 等）、javascript: 链接与自动跳转，并加入内容安全策略
  （Content-Security-Policy: {csp}），打开时不运行脚本、不向任何网站发出请求（外部图片不显示）。
- 原始网页的字节未作任何改动，完整保存在 WARC 记录中（records.warc.gz 或 page.warc.gz），
  其 SHA-256 见 manifest.json；需要复核时请用 WARC 查看工具（如 replayweb.page 离线版）或
  `storewatch evidence verify` 校验，请勿把原始 HTML 解出后直接用浏览器打开。
- 清理后的副本仅供阅读，不是证据原件；各文件的 SHA-256 见 SHA256SUMS。
"""


def neutralise_html(data: bytes) -> bytes:
    """A rendering of ``data`` that runs nothing and fetches nothing (see the module docstring)."""
    m = _CHARSET.search(data[:4096])
    enc = m.group(1).decode("ascii", "replace") if m else "utf-8"
    try:
        text = data.decode(enc, "replace")
    except LookupError:
        text = data.decode("utf-8", "replace")
    try:
        doc = lxml.html.document_fromstring(text or "<html></html>")
    except (etree.ParserError, ValueError):
        doc = lxml.html.document_fromstring(b"<html><body></body></html>")
    for el in list(doc.iter()):
        if not isinstance(el.tag, str):  # comments (IE conditional comments can hold scripts), PIs
            parent = el.getparent()
            if parent is not None:
                parent.remove(el)
            continue
        tag = el.tag.rsplit("}", 1)[-1].lower()
        if tag in _DROP or (tag == "meta" and (el.get("http-equiv") or "").lower() in ("refresh", "set-cookie",
                                                                                         "content-security-policy")):
            el.drop_tree()
            continue
        if tag == "link" and (el.get("rel") or "").lower() not in ("stylesheet",):
            el.drop_tree()
            continue
        for name in list(el.attrib):
            low = name.lower()
            if low.startswith("on") or low in ("srcdoc", "formaction", "ping") or \
                    (low in _URL_ATTRS and _BAD_URL.match(el.get(name) or "")):
                del el.attrib[name]
    head = doc.find("head")
    if head is None:
        head = etree.Element("head")
        doc.insert(0, head)
    meta = etree.Element("meta")
    meta.set("http-equiv", "Content-Security-Policy")
    meta.set("content", CSP)
    head.insert(0, meta)
    charset = etree.Element("meta")
    charset.set("charset", "utf-8")
    head.insert(0, charset)
    banner = lxml.html.fragment_fromstring(
        '<div style="background:#fff3cd;border:1px solid #e0c36c;padding:6px;font:14px sans-serif">'
        "storewatch 导出的安全副本：脚本已删除，外部请求已禁止；原始网页见 WARC 记录。</div>")
    body = doc.find("body")
    if body is not None:
        body.insert(0, banner)
    for old in list(doc.iter("meta")):  # the copy is UTF-8 whatever the page declared
        if old is not charset and (old.get("charset") or "content-type" == (old.get("http-equiv") or "").lower()):
            old.drop_tree()
    return b"<!DOCTYPE html>\n" + lxml.html.tostring(doc, encoding="utf-8")


def safe_name(name: str) -> str:
    return HTML_NAMES.sub(lambda m: ".safe.html", name)


def neutralise_zip(data: bytes) -> bytes:
    """``data`` (a zip) with every HTML/SVG member replaced by its sanitised ``*.safe.html`` rendering,
    ``README.txt`` added and ``SHA256SUMS`` (if present) rewritten to the files actually shipped."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    sums: list[str] = []
    safe: list[str] = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        def put(name: str, blob: bytes) -> None:
            zf.writestr(name, blob)
            sums.append(f"{hashlib.sha256(blob).hexdigest()}  {name}")

        for info in src.infolist():
            if info.is_dir() or info.filename in ("SHA256SUMS", "README.txt"):
                continue
            blob = src.read(info)
            if HTML_NAMES.search(info.filename):
                safe.append(safe_name(info.filename))
                put(safe[-1], neutralise_html(blob))
            else:
                put(info.filename, blob)
        put("README.txt", README.format(safe="、".join(safe) or "（本包无 HTML 文件）", csp=CSP).encode("utf-8"))
        zf.writestr("SHA256SUMS", "\n".join(sums) + "\n")
    return out.getvalue()
