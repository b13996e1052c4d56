"""Registry import: the bureau's export of Art. 9 filing records (CSV or XLSX) into the store.

Reading and validating are plain functions (:func:`read_registry`); :func:`apply_registry`
writes a validated file in one transaction. Row numbers are the spreadsheet's: the header is
row 1, so the first record is row 2 (blank lines keep their numbers, and a cell spanning several
lines is still one row). Nothing in a file is dropped silently: control characters, unknown or
misspelt headers, an unclosed quote, formula cells without a value and data on other sheets are
each reported with row and column, or as a notice of what was ignored.
"""

from __future__ import annotations

import csv
import difflib
import io
import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from analyzers.ids import icp_valid, police_filing_valid, uscc_problem
from errors import RegistryImportError
from store.models import Storefront, utcnow

# field -> accepted headers (Chinese as bureaus export them, and English)
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("主体名称", "name", "entity_name", "company"),
    "uscc": ("统一社会信用代码", "uscc", "credit_code", "unified_social_credit_code"),
    "entity_type": ("主体类型", "entity_type", "type"),
    "site_name": ("网站名称", "site_name", "website_name"),
    "domain": ("网站域名", "domain", "website_domain", "url"),
    "ip": ("IP地址", "ip", "ip_address"),
    "site_type": ("网站类型", "site_type", "website_type"),
    "icp": ("ICP许可证号", "icp", "icp_number", "icp_license"),
    "isp": ("ISP提供商", "isp", "isp_provider"),
    "server_location": ("服务器机房地址", "server_location", "server_address"),
    "contact": ("联系方式", "contact"),
    "police_filing": ("公安备案号", "police_filing", "public_security_filing"),
}
REQUIRED = ("name", "uscc", "domain")
LABEL = {f: names[0] for f, names in COLUMNS.items()}
_HEADER_INDEX = {re.sub(r"[\s_]", "", h).lower(): f for f, names in COLUMNS.items() for h in names}
_HOST = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
                   r"(?::\d{1,5})?$")
_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?$")


@dataclass(frozen=True)
class RegistryRow:
    row: int
    name: str
    uscc: str
    domain: str
    entity_type: str = ""
    site_name: str = ""
    ip: str = ""
    site_type: str = ""
    icp: str = ""
    isp: str = ""
    server_location: str = ""
    contact: str = ""
    police_filing: str = ""
    start_url: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.uscc, self.domain)

    def values(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in (*COLUMNS, "start_url")}


@dataclass
class ParsedRegistry:
    path: Path
    rows: list[RegistryRow] = field(default_factory=list)
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, reason)
    notices: list[str] = field(default_factory=list)  # what was read but ignored, said once each

    def describe_problems(self, limit: int = 200) -> str:
        lines = [f"{self.path}: row {r}, column {c}: {why}" for r, c, why in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"… and {len(self.problems) - limit} more problems")
        return "\n".join(lines)


def normalise_domain(value: str) -> tuple[str, str]:
    """(host[:port], start URL) from a domain or URL as operators write them."""
    raw = value.strip()
    if not raw:
        raise ValueError("网站域名为空")
    url = raw if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", raw) else ""
    if url and not re.match(r"^https?://", url, re.I):
        raise ValueError(f"“{raw}”不是 http/https 网址")
    hostport = re.sub(r"^[a-zA-Z]+://", "", raw).split("/", 1)[0].split("?", 1)[0].lower().rstrip(".")
    if "@" in hostport:
        raise ValueError(f"“{raw}”含用户信息，不是网站域名")
    try:
        hostport = hostport.encode("idna").decode("ascii") if not hostport.isascii() else hostport
    except UnicodeError:
        raise ValueError(f"“{raw}”不是合法域名") from None
    if not (_HOST.match(hostport) or _IPV4.match(hostport)) or "." not in hostport.split(":")[0]:
        raise ValueError(f"“{raw}”不是合法域名")
    host = hostport.split(":")[0]
    if re.fullmatch(r"[\d.]+", host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            raise ValueError(f"“{raw}”不是合法的 IP 地址或域名") from None
    if ":" in hostport and not 0 < int(hostport.rsplit(":", 1)[1]) < 65536:
        raise ValueError(f"“{raw}”端口号无效")
    return hostport, (url if url else f"http://{hostport}/")


def _decode(data: bytes, path: Path) -> str:
    if b"\x00" in data[:4096]:
        raise RegistryImportError(f"{path}: not a CSV or XLSX file (binary data); export the registry as "
                                  "CSV (UTF-8 or GB18030) or XLSX")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise RegistryImportError(f"{path}: text encoding not recognised (expected UTF-8 or GB18030/GBK)")


def _csv_rows(path: Path, data: bytes) -> Iterator[tuple[int, list[str]]]:
    """(spreadsheet row, cells): the n-th record is row n, however many lines its cells span."""
    text = _decode(data, path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    n, last_line = 0, 0
    try:
        for n, row in enumerate(reader, start=1):
            first = last_line + 1
            last_line = reader.line_num
            for i, cell in enumerate(row):
                if any(line.count(",") >= 3 for line in cell.split("\n")[1:]):
                    # a quote opened in this cell runs on over what look like further records
                    raise RegistryImportError(
                        f"{path}: row {n} (line {first}), column {i + 1}: a quote (\") opened here is closed only "
                        f"on line {last_line}, so lines {first + 1}–{last_line} were read as part of this cell; "
                        "close or remove the quote (引号未闭合)")
            yield n, row
    except csv.Error as exc:
        raise RegistryImportError(f"{path}: row {n + 1} (line {last_line + 1}): malformed CSV: {exc}"
                                  + ("; a quote (\") is never closed (引号未闭合)" if "end of data" in str(exc) else "")
                                  ) from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    from zipfile import BadZipFile

    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RegistryImportError(f"{path}: not a readable XLSX workbook: {exc}") from None
    try:
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise RegistryImportError(f"{path}: not a readable XLSX workbook: {exc}") from None
    try:
        filled = [i for i, ws in enumerate(wb.worksheets)
                  if any(v not in (None, "") for r in ws.iter_rows(values_only=True) for v in r)]
        if not filled:
            return
        index = filled[0]
        if len(filled) > 1:
            others = "、".join(wb.worksheets[i].title for i in filled[1:])
            yield 0, ["\x00notice", f"只读取了工作表“{wb.worksheets[index].title}”；工作表“{others}”中的数据未导入"]
        cached = wb.worksheets[index].iter_rows(values_only=True)
        raw = formulas.worksheets[index].iter_rows(values_only=True)
        for n, (values, exprs) in enumerate(zip(cached, raw, strict=False), start=1):
            cells = []
            for col, (v, e) in enumerate(zip(values, exprs, strict=False), start=1):
                if v is None and isinstance(e, str) and e.startswith("="):
                    cells.append(f"\x00formula{col}:{e}")
                else:
                    cells.append("" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer()
                                                        else str(v)))
            yield n, cells
    finally:
        wb.close()
        formulas.close()


def _raw_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RegistryImportError(f"{path}: cannot read: {exc.strerror}") from None
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise RegistryImportError(f"{path}: has an .xlsx name but is not an XLSX workbook")
    return _csv_rows(path, data)


_KNOWN_HEADERS = sorted({h for names in COLUMNS.values() for h in names})
# columns bureaus' exports carry that storewatch has no use for: read and ignored, said once
_HARMLESS = {"序号", "编号", "备注", "说明", "no", "id", "remark", "remarks", "note", "notes"}


def _header_map(path: Path, line: int, header: list[str], notices: list[str] | None = None) -> dict[int, str]:
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    for i, h in enumerate(header):
        key = re.sub(r"[\s_\ufeff]", "", h).lower()
        if not key:
            continue
        f = _HEADER_INDEX.get(key)
        if f is None:
            unknown.append(h.strip())
        elif f in mapping.values():
            raise RegistryImportError(f"{path}: row {line}: column “{h.strip()}” appears twice")
        else:
            mapping[i] = f
    misspelt = []
    for h in unknown:
        close = difflib.get_close_matches(h, _KNOWN_HEADERS, n=1, cutoff=0.5)
        if close and close[0] not in [header[i].strip() for i in mapping]:
            misspelt.append(f"“{h}”（是否应为“{close[0]}”？）")
        elif h.lower() not in _HARMLESS and notices is not None:
            notices.append(f"第{line}行的列“{h}”不是备案字段，已忽略")
    if misspelt:
        raise RegistryImportError(
            f"{path}: row {line}: unknown column(s) {', '.join(misspelt)}; known columns: "
            f"{', '.join(names[0] for names in COLUMNS.values())} (or their English names)")
    missing = [LABEL[f] for f in REQUIRED if f not in mapping.values()]
    if missing:
        raise RegistryImportError(
            f"{path}: row {line}: missing required column(s): {', '.join(missing)} "
            f"(header seen: {', '.join(h.strip() for h in header if h.strip()) or 'nothing'})")
    return mapping


def read_registry(path: Path) -> ParsedRegistry:
    """Parse and validate a registry file. Raises RegistryImportError when the file as a whole is
    unusable (unreadable, no header, missing columns); row problems are collected, not raised."""
    parsed = ParsedRegistry(path=path)
    rows = _raw_rows(path)
    mapping: dict[int, str] | None = None
    seen: dict[tuple[str, str], int] = {}
    for line, cells in rows:
        if line == 0 and cells and cells[0] == "\x00notice":
            parsed.notices.append(cells[1])
            continue
        if not any(c.strip() for c in cells):
            continue
        if mapping is None:
            mapping = _header_map(path, line, cells, parsed.notices)
            continue
        values = {f: "" for f in COLUMNS}
        problems: list[tuple[str, str]] = []
        for i, f in mapping.items():
            if i < len(cells):
                cell = cells[i]
                if cell.startswith("\x00formula"):
                    problems.append((f, f"单元格是公式（{cell.split(':', 1)[1][:40]}），文件中没有计算结果；"
                                        "请在 Excel 中打开并保存，或粘贴为数值"))
                    continue
                bad = next((c for c in cell if ord(c) < 32 and c not in "\t\r\n" or c == "\x7f"), None)
                if bad is not None:
                    problems.append((f, f"含有不可见的控制字符 U+{ord(bad):04X}（如 NUL），请检查导出文件"))
                    continue
                values[f] = re.sub(r"\s+", " ", cell).strip()
        problems += _validate(values) if not problems else []
        for column, why in problems:
            parsed.problems.append((line, LABEL[column], why))
        if problems:
            continue
        domain, start_url = normalise_domain(values["domain"])
        values["domain"] = domain
        row = RegistryRow(row=line, start_url=start_url, **values)
        if row.key in seen:
            parsed.problems.append((line, LABEL["domain"],
                                    f"与第{seen[row.key]}行重复（同一统一社会信用代码与网站域名）"))
            continue
        seen[row.key] = line
        parsed.rows.append(row)
    if mapping is None:
        raise RegistryImportError(f"{path}: the file is empty (no header row)")
    if not parsed.rows and not parsed.problems:
        raise RegistryImportError(f"{path}: the file has a header but no records")
    return parsed


def _validate(values: dict[str, str]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    for f in REQUIRED:
        if not values[f]:
            problems.append((f, f"{LABEL[f]}为空"))
    values["uscc"] = values["uscc"].upper().replace(" ", "")
    if values["uscc"]:
        why = uscc_problem(values["uscc"])
        if why:
            problems.append(("uscc", why))
    if values["domain"]:
        try:
            normalise_domain(values["domain"])
        except ValueError as exc:
            problems.append(("domain", str(exc)))
    values["icp"] = values["icp"].replace(" ", "")
    if values["icp"] and not icp_valid(values["icp"]):
        problems.append(("icp", f"ICP许可证号“{values['icp']}”格式不正确（应如 青ICP备19000123号-1 或 青ICP证000123号）"))
    if values["police_filing"] and not police_filing_valid(values["police_filing"]):
        problems.append(("police_filing", f"公安备案号“{values['police_filing']}”格式不正确（应如 青公网安备 63010002000123号）"))
    return problems


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    missing: list[tuple[int, str, str]] = field(default_factory=list)  # (id, name, domain) not in file
    deactivated: int = 0


def apply_registry(session: Session, parsed: ParsedRegistry, *, skip_invalid: bool = False,
                   deactivate_missing: bool = False) -> ImportResult:
    """Write a parsed registry in the caller's transaction. Rejects the whole file if any row is
    bad unless ``skip_invalid``. Updates by USCC + domain; never deletes."""
    if parsed.problems and not skip_invalid:
        raise RegistryImportError(
            f"{parsed.path}: {len({r for r, _, _ in parsed.problems})} bad row(s); nothing was imported "
            f"(use --skip-invalid to import the {len(parsed.rows)} good rows):\n" + parsed.describe_problems(),
            parsed.problems)
    result = ImportResult(skipped=len({r for r, _, _ in parsed.problems}))
    existing = {(s.uscc, s.domain): s for s in session.scalars(select(Storefront))}
    new_rows = []
    now = utcnow()
    for row in parsed.rows:
        current = existing.pop(row.key, None)
        if current is None:
            new_rows.append({**row.values(), "active": True, "created_at": now, "updated_at": now})
            continue
        changed = {k: v for k, v in row.values().items() if getattr(current, k) != v}
        if changed or not current.active:
            for k, v in changed.items():
                setattr(current, k, v)
            current.active = True
            result.updated += 1
        else:
            result.unchanged += 1
    if new_rows:
        session.execute(insert(Storefront), new_rows)
    result.created = len(new_rows)
    for s in existing.values():
        if s.active:
            result.missing.append((s.id, s.name, s.domain))
            if deactivate_missing:
                s.active = False
                result.deactivated += 1
    return result
