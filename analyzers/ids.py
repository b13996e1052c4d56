"""Identifiers printed on storefronts and in the registry: USCC, ICP filing, public-security filing."""

from __future__ import annotations

import re

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, S, V, Z
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
PROVINCES = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新"
ICP_RE = re.compile(rf"^(?:[{PROVINCES}]ICP备\d{{6,10}}号(?:-\d{{1,3}})?|[{PROVINCES}]ICP证\d{{6}}号|[{PROVINCES}]B2-\d{{8}}(?:-\d+)?)$")
POLICE_RE = re.compile(rf"^[{PROVINCES}]公网安备\s?\d{{14}}号$")


def uscc_check_char(first17: str) -> str:
    """The 18th character of a USCC whose first 17 characters are given (GB 32100-2015)."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """Why ``code`` is not a valid unified social credit code, or None if it is."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位，实为{len(code)}位"
    bad = [c for c in code if c not in USCC_ALPHABET]
    if bad:
        return f"含非法字符“{bad[0]}”（GB 32100-2015 不使用 I、O、S、V、Z）"
    if code[17] != uscc_check_char(code[:17]):
        return f"校验位错误：应为“{uscc_check_char(code[:17])}”，实为“{code[17]}”（GB 32100-2015）"
    return None


def uscc_valid(code: str) -> bool:
    return uscc_problem(code) is None


def icp_valid(number: str) -> bool:
    """ICP filing or licence number, e.g. 青ICP备19000123号-1 or 青ICP证000123号."""
    return bool(ICP_RE.match(number.strip()))


def police_filing_valid(number: str) -> bool:
    """Public-security filing number, e.g. 青公网安备 63010002000123号."""
    return bool(POLICE_RE.match(number.strip()))
