"""Golden files for extraction: tests/pipelines/fixtures/<name>/{input.html, meta.json, output.json}.

Regenerate with ``python tests/pipelines/regenerate.py`` and review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzers.model import Page
from tests.pipelines.regenerate import FIXTURES, extract_fixture

NAMES = sorted(p.name for p in FIXTURES.iterdir() if (p / "input.html").exists())


@pytest.mark.parametrize("name", NAMES)
def test_golden(name: str) -> None:
    folder = FIXTURES / name
    expected = json.loads((folder / "output.json").read_text(encoding="utf-8"))
    got = extract_fixture(folder)
    for key in expected:
        assert got[key] == expected[key], f"{name}: field {key!r} differs (regenerate and review if intended)"
    assert json.loads(json.dumps(Page.from_dict(got).to_dict())) == got  # round-trips through the shared model


def _page(name: str) -> dict:
    return json.loads((FIXTURES / name / "output.json").read_text(encoding="utf-8"))


def test_golden_facts_shop_home() -> None:
    """Spot checks that make the golden file's meaning explicit."""
    p = _page("shop_home")
    regions = {b["text"]: b["region"] for b in p["blocks"]}
    assert regions["Copyright © 2024 西宁高原特产电子商务有限公司 版权所有"] == "footer"
    assert regions["关于我们"] == "nav"
    links = {link["text"]: link for link in p["links"]}
    assert links["青ICP备2024000123号-1"]["href"] == "http://beian.miit.gov.cn/"
    assert links["关于我们"]["href"] == "http://shop.example.cn/shop/about.html"  # <base href> honoured
    lz = next(i for i in p["images"] if i["title"] == "电子营业执照")
    assert lz["link_href"].startswith("https://zzlz.gsxt.gov.cn/") and (lz["width"], lz["height"]) == (30, 36)
    banner = next(i for i in p["images"] if i["alt"] == "春节大促")
    assert banner["src"].endswith("img/banner1.jpg")  # lazy-loaded image
    assert any("￥128.00" in b["text"] for b in p["blocks"])


def test_golden_facts_hidden() -> None:
    p = _page("hidden_tricks")
    hidden = {b["text"] for b in p["blocks"] if b["hidden"]}
    visible = {b["text"] for b in p["blocks"] if not b["hidden"]}
    assert {"全网最低价 国家级产品", "最好的牦牛肉 第一品牌", "关键词堆砌 最佳", "隐藏的促销", "离屏文字 特效", "零字号文字"} <= hidden
    assert {"本品采用天然原料。", "正常可见的文字"} <= visible
    frames = {f["src"]: f["visible"] for f in p["iframes"]}
    assert frames == {"http://ads.example.com/x.html": False, "http://shop.example.cn/video.html": True,
                      "http://miner.example.net/m.html": False}


def test_golden_facts_form() -> None:
    p = _page("privacy_form")
    reg = p["forms"][0]
    fields = {f["name"]: f for f in reg["fields"]}
    assert reg["method"] == "post" and reg["action"] == "http://shop.example.cn/member/register.do"
    assert fields["mobile"]["label"] == "手机号码" and fields["mobile"]["required"]
    assert fields["idcard"]["label"] == "身份证号"
    assert fields["pwd"]["type"] == "password" and fields["province"]["label"] == "所在省份"
    assert "《用户协议》" in reg["text"]
    assert p["forms"][1]["fields"][0]["label"] == "搜索商品"  # a field outside any form


def test_golden_facts_rendered() -> None:
    p = _page("rendered_marks")
    assert [b["text"] for b in p["blocks"] if b["hidden"]] == ["根治高血压"]
    assert [(f["src"].rsplit("/", 1)[1], f["visible"]) for f in p["iframes"]] == [("frame.html", False),
                                                                                   ("map.html", True)]
    assert (p["images"][0]["width"], p["images"][0]["height"]) == (88, 31)
    assert [e["kind"] for e in p["events"]] == ["window_open", "dialog", "console"]
    assert p["rendered"] and p["is_home"]


def test_regenerate_is_idempotent(tmp_path: Path) -> None:
    for name in NAMES:
        assert extract_fixture(FIXTURES / name) == extract_fixture(FIXTURES / name)
