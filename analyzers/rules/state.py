"""gov_impersonation in free wordings: invented state bodies (国家奢侈品鉴定中心) and fake government subsidies
that charge a fee (政府补贴 … 先交299元资格认证费).

Each act is also false advertising, so every rule has a twin under false_advertising (one act, two articles).

Xining rules Art. 15(5), 15(7); 广告法 第九条第（二）项、第二十八条; 反不正当竞争法 第八条.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from analyzers.rules.base import Hit, Rule
from analyzers.rules.common import anchored
from analyzers.text import TextDoc

# 国家 + a made-up appraisal or certification body. Real national inspection centres are named
# 国家XX质量(监督)检验(检测)中心; those and the few real appraisal bodies below are not judged.
_STATE_BODY = re.compile(r"国家[\u4e00-\u9fff]{1,8}?(?:鉴定中心|鉴定所|认证中心|鉴定委员会|评估中心|鉴证中心|认定中心)")
_REAL = ("国家文物鉴定委员会", "国家珠宝玉石", "国家金银制品", "国家黄金钻石", "国家首饰", "国家司法鉴定",
         "国家认证认可")


def _state_bodies(doc: TextDoc) -> Iterator[re.Match[str]]:
    for m in anchored(doc, "statebody", _STATE_BODY):
        name = m.group()
        if "质量" in name or "检验" in name or name.startswith(_REAL):
            continue
        span = (m.start(), m.end())
        if not (doc.negated(span) or doc.compliance(span)):
            yield m


def check_state_body(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    for m in _state_bodies(doc):
        yield Hit(m.start(), m.end(), confidence=0.75)
        return


_SUBSIDY = re.compile(r"(?:政府|国家)(?:补贴|出钱|买单|发放|补助)")
_FEE = re.compile(r"(?:先交|需交|须交|缴纳|交纳|支付|先付|交)\s*\d+\s*元?[^,。;]{0,6}?(?:费|保证金|押金)")


def _subsidies(doc: TextDoc) -> Iterator[re.Match[str]]:
    for m in anchored(doc, "subsidy", _SUBSIDY):
        ss, se = doc.sentence(m.start(), m.end())
        lo, hi = ss, min(len(doc.text), se + 80)  # the fee often comes a sentence later
        if _FEE.search(doc.text, lo, hi) and not doc.negated((m.start(), m.end())) \
                and not doc.compliance((m.start(), m.end())):
            yield m
            return


def check_subsidy(doc: TextDoc, opts: dict[str, Any]) -> Iterator[Hit]:
    for m in _subsidies(doc):
        yield Hit(m.start(), m.end(), confidence=0.8)


_BODY_BAD = ("本店所有二手奢品均由'国家奢侈品鉴定中心'出具证书，真伪有国家背书。",)
_BODY_GOOD = ("翡翠手镯附国家珠宝玉石质量检验检测中心证书。", "本店不是国家鉴定中心，鉴定结果仅供参考。",
              "送检机构：国家首饰质量检验检测中心。")
_SUB_BAD = ("政府补贴！国家出钱给你换新手机，名额仅剩3个，先交299元资格认证费即可领取。",)
_SUB_GOOD = ("参与国家补贴以旧换新，到手价立减15%，无需任何费用。", "政府补贴名额有限，报名免费。",
             "政府补贴不收取任何费用，凡要求先交费的都是诈骗。")
_LAW = ("广告法 第九条第（二）项", "广告法 第二十八条", "反不正当竞争法 第八条")


def _pair(id_: str, what: str, check: Any, gov_expl: str, ad_expl: str, bad: tuple[str, ...],
          good: tuple[str, ...]) -> tuple[Rule, Rule]:
    gov = Rule(id=f"GOV-{id_}", category="gov_impersonation", article="15(7)", law=_LAW, severity="high",
               explanation=gov_expl, check=check, scope="text", what=what,
               why="第十五条第（七）项禁止冒用政府机关名义推广商品；广告法第九条第（二）项禁止使用国家机关的名义。",
               bad=bad, good=good, references=_LAW, fires_with=(f"AD-{id_}",))
    ad = Rule(id=f"AD-{id_}", category="false_advertising", article="15(5)", law=_LAW, severity="high",
              explanation=ad_expl, check=check, scope="text", what=what + " (the false-advertising side).",
              why="广告法第二十八条：以虚假或者引人误解的内容欺骗、误导消费者的为虚假广告；违反第十五条第（五）项。",
              bad=bad, good=good, references=_LAW, fires_with=(f"GOV-{id_}",))
    return gov, ad


RULES: tuple[Rule, ...] = (
    *_pair("FAKE-STATE-BODY", "An invented national appraisal or certification body (国家奢侈品鉴定中心) vouching for goods",
           check_state_body, "以虚构的“国家XX鉴定中心”等国家机构名义为商品背书",
           "以虚构的国家鉴定、认证机构出具证书作虚假宣传", _BODY_BAD, _BODY_GOOD),
    *_pair("FAKE-SUBSIDY", "A government subsidy offered against a fee first (政府补贴 … 先交299元资格认证费)",
           check_subsidy, "假借政府补贴名义向消费者收取费用", "以虚假的政府补贴诱导消费者先行付费", _SUB_BAD, _SUB_GOOD),
)
