"""Decoding pages correctly: GBK/GB18030/Big5 sites often declare nothing or the wrong thing.

Order: byte-order mark, HTTP ``Content-Type`` charset, ``<meta charset>`` / ``http-equiv``, then
detection (charset-normalizer). GB2312 and GBK are decoded as GB18030 (a strict superset), so
characters outside GB2312 that sites use anyway decode instead of turning into U+FFFD.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_CANDIDATES = ["utf_8", "gb18030", "big5", "shift_jis", "euc_kr", "cp1252"]
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "euc-cn": "gb18030",
              "big5": "big5hkscs", "iso-8859-1": "cp1252", "latin-1": "cp1252", "ascii": "utf-8",
              "us-ascii": "utf-8"}


def _normal(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, _SUPERSETS.get(canonical, canonical))


def header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = re.search(r"charset\s*=\s*([^\s;]+)", content_type, re.I)
    return _normal(m.group(1)) if m else None


def detect_encoding(body: bytes, content_type: str | None = None) -> str:
    """The encoding to decode ``body`` with."""
    if body.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    declared = header_charset(content_type)
    if declared is None:
        m = _META.search(body[:4096])
        declared = _normal(m.group(1).decode("ascii", "replace")) if m else None
    if declared and declared not in ("utf-8", "utf-8-sig") and not body.isascii():
        # valid multi-byte UTF-8 is almost never legacy-encoded Chinese: the bytes win over the label
        try:
            body.decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError:
            pass
    if declared:
        try:
            body.decode(declared)
            return declared
        except UnicodeDecodeError:
            pass  # a wrong declaration: fall through to detection
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(body[:200_000], cp_isolation=_CANDIDATES).best()
    if best is not None and best.encoding:
        return _normal(best.encoding) or best.encoding
    return declared or "gb18030"


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """``(text, encoding)``; undecodable bytes are replaced, never raise."""
    encoding = detect_encoding(body, content_type)
    return body.decode(encoding, errors="replace"), encoding
