"""Hard negatives for the privacy and authorisation classes: refusals, warnings, news, lawful ID checks, real dealers."""

from __future__ import annotations

import pytest

from analyzers.engine import analyze_text

PRIVACY_NEGATIVES = (
    "省网信办通报：某购物APP存在强制索取通讯录权限等问题，已责令限期整改。",
    "平台安全提示：任何卖家、客服均无权索要您的支付密码、短信验证码。如有商家索要，请立即举报。",
    "本款智能门锁的指纹和人脸数据仅在门锁本地芯片加密存储，不上传任何服务器。",
    "刻章需提供营业执照原件及法人身份证明，本店为公安机关备案刻章单位。",
    "亲，我们不需要您提供身份证，只需要收货信息就可以了。",
    "跨境商品清关需提供收货人身份证号码。",
)
AUTH_NEGATIVES = (
    "本店所售Air Jordan 1均为耐克中国官方渠道正品，收货后如有疑问支持第三方鉴定。",
    "适用于三星手机的第三方充电器，非原装。",
    "某商家擅自使用可口可乐商标被市场监管局罚款5万元。",
    "戴森同款吹风机，包装印有本店自有品牌。",
)
GI_NEGATIVES = (
    "柴达木枸杞 地理标志产品 证书编号LB-123 产地格尔木。",
    "湟源陈醋 地理标志保护产品 本企业已获地理标志使用许可。",
)


@pytest.mark.parametrize("text", GI_NEGATIVES)
def test_gi_with_its_licence_is_lawful(text: str) -> None:
    assert not [f for f in analyze_text(text) if f.category == "trademark_misuse"]


@pytest.mark.parametrize("text", PRIVACY_NEGATIVES)
def test_privacy_hard_negatives(text: str) -> None:
    assert not [f for f in analyze_text(text) if f.category == "privacy"]


@pytest.mark.parametrize("text", AUTH_NEGATIVES)
def test_authorisation_hard_negatives(text: str) -> None:
    assert not [f for f in analyze_text(text) if f.rule_id == "TM-FALSE-AUTHORISATION"]


@pytest.mark.parametrize(("text", "rule"), [
    ("亲，领取优惠券需要您把收到的验证码发给客服。", "PRIV-TEXT-EXCESSIVE"),
    ("买跳绳要先把通讯录截图发我们，我们做用户画像。", "PRIV-TEXT-EXCESSIVE"),
    ("“三星”Galaxy 官方配件 SAMSUNG原装（实为第三方仿制）充电器。", "TM-FALSE-AUTHORISATION"),
    ("可口可乐风味青稞汽水（擅用商标），红色瓶标。", "TM-FALSE-AUTHORISATION"),
    ("戴森同款吹风机（包装印Dyson），负离子大风力。", "TM-FALSE-AUTHORISATION"),
    ("湟源陈醋 地理标志保护产品（本企业未获湟源陈醋地理标志使用许可）。", "TM-CERT-MARK-UNFOUNDED"),
    ("循化线辣椒 国家地理标志产品（本品为河南产辣椒，借用循化品种名）。", "TM-CERT-MARK-UNFOUNDED"),
])
def test_the_classes_fire(text: str, rule: str) -> None:
    assert rule in {f.rule_id for f in analyze_text(text, options={"use_model": False})}
