"""Registry import: encodings, formats, every bad case with its row/column, and one transaction."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from analyzers.ids import uscc_check_char
from errors import RegistryImportError
from store.models import Storefront
from store.registry import apply_registry, normalise_domain, read_registry

HEADER = "主体名称,统一社会信用代码,主体类型,网站名称,网站域名,IP地址,网站类型,ICP许可证号,ISP提供商,服务器机房地址,联系方式"


def uscc(n: int) -> str:
    body = f"916301{n:011d}"
    return body + uscc_check_char(body)


def row(n: int, *, name: str | None = None, code: str | None = None, domain: str | None = None,
        icp: str | None = None) -> str:
    return ",".join([name or f"西宁商户{n}有限公司", code or uscc(n), "有限责任公司", f"商户{n}",
                     domain or f"shop{n}.example.cn", "127.0.0.1", "自建网站",
                     icp if icp is not None else f"青ICP备{19000000 + n}号-1", "中国电信", "西宁市城西区", "0971-5550000"])


def write(tmp_path: Path, lines: list[str], encoding: str = "utf-8", name: str = "reg.csv") -> Path:
    p = tmp_path / name
    p.write_bytes("\n".join(lines).encode(encoding) + b"\n")
    return p


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    parsed = read_registry(write(tmp_path, [HEADER, row(1), row(2)], encoding))
    assert parsed.problems == []
    assert [r.name for r in parsed.rows] == ["西宁商户1有限公司", "西宁商户2有限公司"]
    assert parsed.rows[0].icp == "青ICP备19000001号-1"


def test_english_headers_blank_lines_and_spaces(tmp_path: Path) -> None:
    lines = ["name, uscc ,domain,icp", "", f"  甲公司 ,{uscc(5)},  HTTPS://Shop5.Example.cn/index.html ,青ICP备19000005号", ""]
    parsed = read_registry(write(tmp_path, lines))
    assert parsed.problems == []
    (r,) = parsed.rows
    assert (r.name, r.domain, r.start_url, r.row) == ("甲公司", "shop5.example.cn",
                                                      "HTTPS://Shop5.Example.cn/index.html", 3)


def test_xlsx(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    ws.append(row(7).split(","))
    ws.append([None] * 11)
    ws.append(row(8, code=uscc(8)[:-1] + "0" if uscc(8)[-1] != "0" else uscc(8)[:-1] + "1").split(","))
    p = tmp_path / "reg.xlsx"
    wb.save(p)
    parsed = read_registry(p)
    assert [r.row for r in parsed.rows] == [2]
    assert parsed.problems[0][:2] == (4, "统一社会信用代码")


@pytest.mark.parametrize(("bad", "column", "reason"), [
    (row(2, code="91630100MA750000X0"), "统一社会信用代码", "校验位错误"),
    (row(2, code="91630100MA7500O00Q"), "统一社会信用代码", "不允许的字符"),
    (row(2, code="9163"), "统一社会信用代码", "18位"),
    (row(2, domain="not a domain"), "网站域名", "不是合法域名"),
    (row(2, domain="ftp://shop.example.cn"), "网站域名", "不是 http/https"),
    (row(2, icp="青ICP备12号"), "ICP许可证号", "格式不正确"),
    (row(2, icp="XYICP备19000001号"), "ICP许可证号", "格式不正确"),
    (row(2, name=" "), "主体名称", "为空"),
])
def test_bad_cells_are_reported_with_row_and_column(tmp_path: Path, bad: str, column: str, reason: str) -> None:
    parsed = read_registry(write(tmp_path, [HEADER, row(1), bad]))
    assert [r.row for r in parsed.rows] == [2] or [r.row for r in parsed.rows] == []
    rows = {(r, c) for r, c, _ in parsed.problems}
    assert (3, column) in rows
    assert any(reason in why for _, c, why in parsed.problems if c == column)


def test_duplicate_rows(tmp_path: Path) -> None:
    parsed = read_registry(write(tmp_path, [HEADER, row(1), row(2), row(1)]))
    assert parsed.problems == [(4, "网站域名", "与第2行重复（同一统一社会信用代码与网站域名）")]


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"),
    (b"\n\n  \n", "empty"),
    (HEADER.encode() + b"\n", "no records"),
    ("主体名称,网站域名\n甲,a.cn\n".encode(), "missing required column(s): 统一社会信用代码"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    (b"\xff\xfe\xfa\xfb\xfc" * 10, "encoding not recognised"),
])
def test_unusable_files(tmp_path: Path, content: bytes, message: str) -> None:
    p = tmp_path / "reg.csv"
    p.write_bytes(content)
    with pytest.raises(RegistryImportError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_registry(p)


def test_fake_xlsx(tmp_path: Path) -> None:
    p = tmp_path / "reg.xlsx"
    p.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(RegistryImportError, match="not a readable XLSX"):
        read_registry(p)


@pytest.mark.parametrize(("value", "expected"), [
    ("Shop.Example.cn", "shop.example.cn"),
    ("http://www.shop.cn:8080/a?b", "www.shop.cn:8080"),
    ("127.0.0.1:8701", "127.0.0.1:8701"),
    ("店铺.中国", "xn--hxtq42j.xn--fiqs8s"),
])
def test_normalise_domain(value: str, expected: str) -> None:
    assert normalise_domain(value)[0] == expected


def count(store) -> int:  # type: ignore[no-untyped-def]
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(Storefront)) or 0


def test_rejected_import_changes_nothing(tmp_path: Path, store) -> None:  # type: ignore[no-untyped-def]
    with store.session() as s:
        apply_registry(s, read_registry(write(tmp_path, [HEADER, row(1)], name="a.csv")))
    parsed = read_registry(write(tmp_path, [HEADER, row(1, name="改名公司"), row(2), row(3, code="123")]))
    with pytest.raises(RegistryImportError, match=r"1 bad row\(s\); nothing was imported") as exc:
        with store.session() as s:
            apply_registry(s, parsed)
    assert exc.value.problems[0][:2] == (4, "统一社会信用代码")
    assert count(store) == 1
    with store.session() as s:
        assert s.scalars(select(Storefront.name)).one() == "西宁商户1有限公司"


def test_skip_invalid_update_and_missing(tmp_path: Path, store) -> None:  # type: ignore[no-untyped-def]
    with store.session() as s:
        r = apply_registry(s, read_registry(write(tmp_path, [HEADER, row(1), row(2), row(3)], name="a.csv")))
    assert (r.created, r.updated) == (3, 0)
    parsed = read_registry(write(tmp_path, [HEADER, row(1, name="新名称有限公司"), row(2), row(4, code="X")]))
    with store.session() as s:
        r = apply_registry(s, parsed, skip_invalid=True)
    assert (r.created, r.updated, r.unchanged, r.skipped) == (0, 1, 1, 1)
    assert [m[2] for m in r.missing] == ["shop3.example.cn"]
    with store.session() as s:
        assert s.scalars(select(Storefront).where(Storefront.domain == "shop3.example.cn")).one().active
        r = apply_registry(s, parsed, skip_invalid=True, deactivate_missing=True)
    assert r.deactivated == 1
    with store.session() as s:
        active = dict(s.execute(select(Storefront.domain, Storefront.active)).all())
        assert active == {"shop1.example.cn": True, "shop2.example.cn": True, "shop3.example.cn": False}
        assert count(store) == 3  # never deleted


def test_fifty_thousand_rows(tmp_path: Path) -> None:
    from store.db import Store

    lines = [HEADER] + [row(n) for n in range(1, 50_001)]
    p = write(tmp_path, lines)
    store = Store(f"sqlite:///{tmp_path / 'big.db'}")
    store.upgrade()
    t0 = time.perf_counter()
    parsed = read_registry(p)
    with store.session() as s:
        result = apply_registry(s, parsed)
    elapsed = time.perf_counter() - t0
    assert result.created == 50_000
    assert count(store) == 50_000
    print(f"50,000-row import: {elapsed:.1f} s")  # reported, not asserted (no timing thresholds)


# --- hostile and sloppy exports (issue 15 item 10): nothing is dropped or stored silently ---------------

def test_nul_after_the_first_4k_is_reported_not_stored(tmp_path: Path) -> None:
    lines = [HEADER] + [row(n) for n in range(1, 60)]
    lines[45] = lines[45].replace("西宁商户45有限公司", "西宁商户\x0045有限公司")
    p = write(tmp_path, lines)
    assert b"\x00" not in p.read_bytes()[:4096]
    parsed = read_registry(p)
    assert [(r, c) for r, c, _ in parsed.problems] == [(46, "主体名称")]
    assert "控制字符 U+0000" in parsed.problems[0][2]
    assert all("\x00" not in r.name for r in parsed.rows) and len(parsed.rows) == 58


def test_misspelt_header_is_an_error_naming_the_likely_column(tmp_path: Path) -> None:
    header = HEADER.replace("ICP许可证号", "ICP备案号")
    with pytest.raises(RegistryImportError, match="“ICP备案号”（是否应为“ICP许可证号”？）"):
        read_registry(write(tmp_path, [header, row(1)]))


def test_unrelated_extra_columns_are_ignored_with_a_notice(tmp_path: Path) -> None:
    parsed = read_registry(write(tmp_path, ["序号," + HEADER + ",登记机关", "1," + row(1) + ",城西区市场监管局"]))
    assert parsed.problems == [] and len(parsed.rows) == 1
    assert parsed.notices == ["第1行的列“登记机关”不是备案字段，已忽略"]


def test_unclosed_quote_is_named_with_its_row_and_lines(tmp_path: Path) -> None:
    lines = [HEADER, row(1), row(2).replace("西宁商户2有限公司", '"西宁商户2有限公司'), row(3), row(4),
             row(5).replace("西宁商户5有限公司", '西宁商户5有限公司"')]
    with pytest.raises(RegistryImportError, match=r"row 3 \(line 3\), column 1: a quote .* closed only on line 6"):
        read_registry(write(tmp_path, lines))
    lines = [HEADER, row(1), '"' + row(2)]
    with pytest.raises(RegistryImportError, match="引号未闭合"):
        read_registry(write(tmp_path, lines))


def test_row_numbers_count_records_not_lines_after_multiline_cells(tmp_path: Path) -> None:
    multi = row(2).replace("西宁市城西区", '"西宁市城西区\n胜利路 1 号\n3 楼"')
    bad = row(3, code="916301000000000000")
    parsed = read_registry(write(tmp_path, [HEADER, row(1), multi, bad]))
    assert [r.row for r in parsed.rows] == [2, 3]
    assert [(r, c) for r, c, _ in parsed.problems] == [(4, "统一社会信用代码")]
    assert parsed.rows[1].server_location == "西宁市城西区 胜利路 1 号 3 楼"


@pytest.mark.parametrize("domain", ["999.999.999.999", "256.1.1.1", "1.2.3.300:8080"])
def test_impossible_ip_addresses_are_not_domains(tmp_path: Path, domain: str) -> None:
    parsed = read_registry(write(tmp_path, [HEADER, row(1, domain=domain)]))
    assert [(r, c) for r, c, _ in parsed.problems] == [(2, "网站域名")]


def test_xlsx_formula_without_value_and_data_on_another_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    intro = wb.active
    intro.title = "说明"
    data = wb.create_sheet("备案名单")
    data.append(HEADER.split(","))
    data.append(row(1).split(","))
    cells = row(2).split(",")
    cells[0] = '=CONCATENATE("西宁","商户2有限公司")'  # openpyxl writes no cached value
    data.append(cells)
    extra = wb.create_sheet("历史")
    extra.append(["旧数据"])
    p = tmp_path / "reg.xlsx"
    wb.save(p)
    parsed = read_registry(p)
    assert [r.name for r in parsed.rows] == ["西宁商户1有限公司"]
    assert [(r, c) for r, c, _ in parsed.problems] == [(3, "主体名称")]
    assert "公式" in parsed.problems[0][2]
    assert parsed.notices == ["只读取了工作表“备案名单”；工作表“历史”中的数据未导入"]
