"""Identifier checks (pure): USCC (GB 32100-2015), ICP numbers, public-security filing numbers.

See ``shared/reference/LAW.md``, "Identifiers". The store's registry import calls :func:`uscc_valid`.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "USCC_CHARS", "uscc_problem", "uscc_org_code_problem", "uscc_valid", "uscc_check_char", "icp_problem", "icp_valid",
    "police_filing_problem", "police_filing_valid", "PROVINCE_CODES", "canonical_icp",
    "canonical_police",
]

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 symbols: no I, O, S, V, Z
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARS)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# province abbreviation (as used in ICP and 公网安备 numbers) -> GB/T 2260 province code
PROVINCE_CODES: dict[str, str] = {
    "京": "11", "津": "12", "冀": "13", "晋": "14", "蒙": "15", "辽": "21", "吉": "22", "黑": "23",
    "沪": "31", "苏": "32", "浙": "33", "皖": "34", "闽": "35", "赣": "36", "鲁": "37", "豫": "41",
    "鄂": "42", "湘": "43", "粤": "44", "桂": "45", "琼": "46", "渝": "50", "川": "51", "蜀": "51",
    "贵": "52", "黔": "52", "云": "53", "滇": "53", "藏": "54", "陕": "61", "甘": "62", "陇": "62",
    "青": "63", "宁": "64", "新": "65",
}


def _clean(code: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", code or "")).upper()


def uscc_check_char(first17: str) -> str:
    """The 18th (check) character for the first 17 characters of a USCC."""
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why ``code`` is not a valid USCC, in Chinese; ``None`` when it is valid."""
    c = _clean(code)
    if len(c) != 18:
        return f"长度为{len(c)}位，应为18位"
    bad = sorted({ch for ch in c if ch not in _USCC_VALUE})
    if bad:
        return f"含有不允许的字符 {''.join(bad)}（不使用 I、O、S、V、Z）"
    if not c[2:8].isdigit():
        return "第3–8位（登记管理机关行政区划码）应为数字"
    expected = uscc_check_char(c[:17])
    if c[17] != expected:
        return f"校验位错误：应为 {expected}，实为 {c[17]}（GB 32100-2015）"
    return None


_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_org_code_problem(code: str) -> str | None:
    """The 9th–17th characters of a USCC are the organisation code (GB 11714) with its own check digit.

    Only codes that embed a numeric pre-2015 organisation code are judged (``MA…`` codes issued since
    2015 are assigned by the registration system); ``None`` when the check digit is right or not judged.
    """
    c = _clean(code)
    if len(c) != 18 or not c[8:16].isdigit() or c[16] not in "0123456789X":
        return None
    r = 11 - sum(int(d) * w for d, w in zip(c[8:16], _ORG_WEIGHTS, strict=True)) % 11
    expected = {10: "X", 11: "0"}.get(r, str(r))
    if c[16] != expected:
        return f"第9–17位组织机构代码校验位错误：应为 {expected}，实为 {c[16]}（GB 11714）"
    return None


def uscc_valid(code: str) -> bool:
    """True when ``code`` is a well-formed USCC whose check character is right (GB 32100-2015)."""
    return uscc_problem(code) is None


_ICP = re.compile(r"^(?P<prov>\w)ICP(?P<kind>备|证)(?P<num>\d+)号?(?:-(?P<site>\d+))?$")


# the operating licence of a commercial site (增值电信业务经营许可证, category B2 = 信息服务业务): 青B2-20230012
# (电信条例 第七条、第十三条; 互联网信息服务管理办法 第四条: 经营性互联网信息服务实行许可制度)
B2_LICENCE = re.compile(r"(?P<prov>[\u4e00-\u9fff])\s?B2-\s?(?P<num>\d{8})", re.I)


def canonical_icp(text: str) -> str:
    """ICP number without spaces and site suffix, upper case (for comparison with the registry); a B2 licence
    number as such (青B2-20230012)."""
    c = _clean(text).replace("ICP备案", "ICP备")
    b2 = B2_LICENCE.search(c)
    if b2 is not None:
        return f"{b2['prov']}B2-{b2['num']}"
    return re.sub(r"-\d+$", "", c)


def icp_problem(text: str) -> str | None:
    """Why ``text`` is not a well-formed ICP filing/licence number; ``None`` when it is."""
    c = _clean(text)
    b2 = B2_LICENCE.fullmatch(c)
    if b2 is not None:
        return None if b2["prov"] in PROVINCE_CODES else f"省份简称“{b2['prov']}”不存在"
    m = _ICP.match(c)
    if not m:
        return "格式应为“省份简称ICP备xxxxxxxx号”“省份简称ICP证xxxxxx号”或经营许可证“省份简称B2-xxxxxxxx”"
    if m["prov"] not in PROVINCE_CODES:
        return f"省份简称“{m['prov']}”不存在"
    n = len(m["num"])
    if m["kind"] == "备" and not 5 <= n <= 10:
        return f"备案号为{n}位数字，应为5–10位"
    if m["kind"] == "证" and not 6 <= n <= 8:
        return f"许可证号为{n}位数字，应为6–8位"
    if not c.split("-")[0].endswith("号"):
        return "缺少“号”字"
    return None


def icp_valid(text: str) -> bool:
    return icp_problem(text) is None


_POLICE = re.compile(r"^(?P<prov>\w)公网安备(?P<num>\d+)号$")


def canonical_police(text: str) -> str:
    return _clean(text)


def police_filing_problem(text: str) -> str | None:
    """Why ``text`` is not a well-formed 公网安备 number; ``None`` when it is."""
    c = _clean(text)
    m = _POLICE.match(c)
    if not m:
        return "格式应为“省份简称公网安备 14位数字号”"
    if m["prov"] not in PROVINCE_CODES:
        return f"省份简称“{m['prov']}”不存在"
    if len(m["num"]) != 14:
        return f"备案号为{len(m['num'])}位数字，应为14位"
    if m["num"][:2] != PROVINCE_CODES[m["prov"]]:
        return f"前两位 {m['num'][:2]} 与省份简称“{m['prov']}”（{PROVINCE_CODES[m['prov']]}）不符"
    return None


def police_filing_valid(text: str) -> bool:
    return police_filing_problem(text) is None
