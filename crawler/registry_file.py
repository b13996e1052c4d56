"""Find a storefront's filing record in a registry file (CSV or XLSX, Chinese or English headers).

Used by ``storewatch scan --registry FILE``: the record is the row whose 网站域名 matches the
URL's host (and port, when the row gives one); a leading ``www.`` is ignored on both sides.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from analyzers.model import RegistryRecord
from crawler.safety import host_key
from errors import InputError

HEADERS: dict[str, str] = {
    "主体名称": "name", "统一社会信用代码": "uscc", "主体类型": "entity_type", "网站名称": "site_name",
    "网站域名": "domain", "IP地址": "ip", "ip地址": "ip", "网站类型": "site_type", "ICP许可证号": "icp",
    "ICP备案号": "icp", "ISP提供商": "isp", "服务器机房地址": "server_location", "联系方式": "contact",
    "公安备案号": "police_filing",
}
FIELDS = set(RegistryRecord.__dataclass_fields__) - {"storefront_id"}


def _key(header: str) -> str | None:
    h = (header or "").strip().lstrip("\ufeff")
    if h in HEADERS:
        return HEADERS[h]
    low = h.lower().replace(" ", "_")
    return low if low in FIELDS else None


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows as dicts keyed by :class:`RegistryRecord` field names."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"registry file not found: {path}")
    rows: list[list[Any]]
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        rows = [list(r) for r in wb.active.iter_rows(values_only=True)]
    else:
        raw = path.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise InputError(f"{path}: neither UTF-8 nor GB18030 text")
        rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise InputError(f"{path}: the file is empty")
    keys = [_key(str(h) if h is not None else "") for h in rows[0]]
    if "domain" not in keys:
        raise InputError(f"{path}, row 1: no 网站域名 (domain) column")
    out = []
    for row in rows[1:]:
        rec = {k: str(v).strip() for k, v in zip(keys, row, strict=False) if k and v is not None}
        if any(rec.values()):
            out.append(rec)
    return out


def domain_matches(domain: str, url: str) -> bool:
    want, have = host_key(domain), host_key(url)
    if ":" in want:
        return want == have
    return want == have.split(":", 1)[0]


def find_record(path: Path, url: str) -> RegistryRecord | None:
    for rec in read_rows(path):
        for domain in (rec.get("domain") or "").replace("，", ",").replace(";", ",").split(","):
            if domain.strip() and domain_matches(domain.strip(), url):
                return RegistryRecord(**{k: v for k, v in rec.items() if k in FIELDS})
    return None
