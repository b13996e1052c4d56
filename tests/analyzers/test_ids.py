from __future__ import annotations

import pytest

from analyzers import ids


@pytest.mark.parametrize("code", [
    "91350100M000100Y43",  # the worked example of GB 32100-2015
    "91330100799655058B",
    "9144030071526726XG",
    "91110000802100433B",
    " 91350100m000100y43 ",  # spaces and lower case are tolerated
])
def test_valid_uscc(code: str) -> None:
    assert ids.uscc_valid(code)


@pytest.mark.parametrize(("code", "reason"), [
    ("91350100M000100Y44", "校验位"),
    ("91350100M000100Y4", "长度"),
    ("91350100M0001O0Y43", "不允许的字符"),  # letter O
    ("91ABCDEFM000100Y43", "行政区划"),
    ("", "长度"),
])
def test_invalid_uscc(code: str, reason: str) -> None:
    assert not ids.uscc_valid(code)
    assert reason in (ids.uscc_problem(code) or "")


def test_check_char_roundtrip() -> None:
    first17 = "91630100MA7528H0P"
    code = first17 + ids.uscc_check_char(first17)
    assert ids.uscc_valid(code)
    wrong = first17 + ("0" if code[-1] != "0" else "1")
    assert not ids.uscc_valid(wrong)


@pytest.mark.parametrize("icp", ["青ICP备19000123号", "青ICP备19000123号-1", "京ICP证030173号", "粤ICP备2021123456号-3",
                                 "黔ICP备12345678号", "青ＩＣＰ备19000123号", "青B2-20230012", "京b2-20190001"])
def test_valid_icp(icp: str) -> None:
    assert ids.icp_valid(icp), ids.icp_problem(icp)


@pytest.mark.parametrize(("icp", "reason"), [
    ("ICP备19000123号", "格式"),
    ("美ICP备19000123号", "省份简称"),
    ("京ICP备123号", "位数字"),
    ("京ICP备19000123", "号"),
    ("美B2-20230012", "省份简称"),
    ("青B2-2023001", "格式"),
])
def test_invalid_icp(icp: str, reason: str) -> None:
    assert not ids.icp_valid(icp)
    assert reason in (ids.icp_problem(icp) or "")


@pytest.mark.parametrize("num", ["青公网安备 63010202000123号", "京公网安备11010502030143号"])
def test_valid_police_filing(num: str) -> None:
    assert ids.police_filing_valid(num), ids.police_filing_problem(num)


@pytest.mark.parametrize(("num", "reason"), [
    ("青公网安备 6301020200012号", "14位"),
    ("青公网安备 11010202000123号", "不符"),
    ("公网安备 63010202000123号", "格式"),
    ("美公网安备 63010202000123号", "省份简称"),
])
def test_invalid_police_filing(num: str, reason: str) -> None:
    assert not ids.police_filing_valid(num)
    assert reason in (ids.police_filing_problem(num) or "")


def test_a_b2_licence_number_is_shown_and_compared_as_such() -> None:
    """A commercial site shows its 增值电信业务经营许可证 (青B2-…) instead of a 备案号: that is the ICP licence."""
    from analyzers.rules.licence import _icps

    assert ids.canonical_icp("青B2-20230012") == "青B2-20230012"
    assert _icps("增值电信业务经营许可证：青b2-20230012 ｜ 青公网安备63010402000123号") == ["青B2-20230012"]
    assert _icps("本店支持b2b批发") == []
