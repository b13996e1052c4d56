"""The trained layer: a linear model over character n-grams, one score per text category.

Rules explain and cite; the model finds what no rule words. It is trained by ``storewatch train``
(:mod:`analyzers.training`, config ``analyzers/data/model/config.json``) and shipped as
``analyzers/data/model/textcat.npz``: vocabulary, idf, weights, biases, per-category thresholds
(chosen on a dev split for the precision target of config.json, of the findings it adds) and the SHA-256 of its
training data. It is loaded once. Inference is plain Python + numpy (no scikit-learn at run time).

The model adds a finding (``source: "model"``, rule id ``MODEL-<CATEGORY>``) only where no rule of
that category fired on the block, the block's score passes the category's threshold, and the
best-scoring sentence is in the merchant's own voice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

import numpy as np

from analyzers.model import CATEGORIES, Finding, Location
from analyzers.normalise import normalise_term

__all__ = ["TextModel", "load", "model_rule_id", "MODEL_RULE_IDS", "MODEL_LAW", "features", "quotable"]

MODEL_PATH = "data/model/textcat.npz"
NGRAMS = (1, 3)
MODEL_LAW: dict[str, tuple[str, ...]] = {
    "counterfeit_goods": ("产品质量法 第五条", "商标法 第五十七条"),
    "false_advertising": ("广告法 第四条、第九条、第十七条、第二十八条",),
    "gov_impersonation": ("广告法 第九条第（二）项", "反不正当竞争法 第八条"),
    "prohibited_goods": ("电子商务法 第十三条", "网络交易监督管理办法 第十条"),
    "pyramid_scheme": ("禁止传销条例 第七条",),
    "trademark_misuse": ("商标法 第五十七条",),
    "unfair_terms": ("消费者权益保护法 第二十六条", "侵害消费者权益行为处罚办法 第十二条"),
    "return_policy": ("消费者权益保护法 第二十五条", "网络购买商品七日无理由退货暂行办法 第六条、第七条"),
    "privacy": ("个人信息保护法 第十七条", "消费者权益保护法 第二十九条"),
}
MODEL_RULE_IDS = frozenset(f"MODEL-{c.upper().replace('_', '-')}" for c in MODEL_LAW)
_NAMES = {"counterfeit_goods": "假冒伪劣商品", "false_advertising": "虚假或引人误解的宣传", "gov_impersonation": "冒用国家机关名义",
          "prohibited_goods": "禁止或限制交易的商品", "pyramid_scheme": "网络传销", "trademark_misuse": "违规使用商标标识",
          "unfair_terms": "不公平格式条款", "return_policy": "违反七日无理由退货规定",
          "privacy": "违规收集使用个人信息"}
_SENT = re.compile(r"[^。!?;\n]+[。!?;]?")
_NON_WORD = re.compile(r"\W")
# A sentence that denies or refuses (我们不会收集…, 本店绝不销售…): n-grams cannot see the negation, so the
# model stays quiet there, except where a refusal is the violation itself (概不退换, 不承担责任).
_DENIES = re.compile(r"不会|绝不|决不|从不|从来不|不得|不销售|不出售|不售卖|不收集|不索取|不做|不卖|不提供|拒绝|杜绝|严禁|禁止|谨防|警惕")
_REFUSAL_IS_CONTENT = frozenset({"unfair_terms", "return_policy"})
# An unfair term or a refused return restricts the buyer or frees the merchant; a sentence with nothing of
# the kind (本店承担退换及运费，并依法承担赔偿责任) is not one, whatever its n-grams resemble.
_RESTRICTS = re.compile(r"不|无|非|概|恕|拒|免|禁|勿|没|别|须|需|要|仅|只|限|扣|收取|另付|承担|负责|视为|默认|即为|等于|算|"
                        r"为准|归|解释|保留|有权|调整|变更|修改|取消|作废|没收|罚|违约|放弃|自行|自负|后果|风险")
_BUYER_FAVOURED = re.compile(r"(?:本店|我们|商家|卖家|平台|由我方)(?:将|会|全额|免费)?(?:承担|负责|包退|包换|退还|赔偿|补偿|支付)"
                             r"|(?:并|且|同时)?依法(?:承担|赔偿|退还|处理)|(?:七|7)\s*天无理由|(?:七|7)\s*日无理由|无理由退")


def model_rule_id(category: str) -> str:
    return f"MODEL-{category.upper().replace('_', '-')}"


def features(text: str, lo: int = NGRAMS[0], hi: int = NGRAMS[1]) -> dict[str, int]:
    """Character n-gram counts of normalised text (the same analyser for training and inference)."""
    counts: dict[str, int] = {}
    n = len(text)
    for k in range(lo, hi + 1):
        for i in range(n - k + 1):
            g = text[i:i + k]
            counts[g] = counts.get(g, 0) + 1
    return counts


def gram_key(gram: str) -> int:
    """An n-gram (n <= 3) as one integer: code points of 21 bits each (no two n-grams share a key)."""
    key = 0
    for ch in gram:
        key = (key << 21) | ord(ch)
    return key


_MEMO_MAX = 20000  # texts kept scored (one analyze-text batch and its sentences)
_EMPTY = np.int64(-1)  # an empty slot of the n-gram table (no key is negative: 3 x 21 bits < 63)


def _hash(keys: np.ndarray, bits: int) -> np.ndarray:
    """Slot of each key in a table of 2**bits (Fibonacci hashing of the 64-bit key)."""
    return ((keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - bits)).astype(np.int64)


@dataclass(frozen=True)
class TextModel:
    categories: tuple[str, ...]
    vocab: dict[str, int]
    idf: np.ndarray  # (n_features,)
    coef: np.ndarray  # (n_features, n_categories)
    bias: np.ndarray  # (n_categories,)
    thresholds: dict[str, float]
    meta: dict[str, object]

    @property
    def vetoes(self) -> dict[str, float]:
        """Per category: rule hits on text the model scores below this are dropped (chosen on dev)."""
        v = self.meta.get("vetoes")
        return {k: float(x) for k, x in v.items()} if isinstance(v, dict) else {}

    @cached_property
    def _table(self) -> tuple[np.ndarray, np.ndarray, int]:
        """Open-addressing hash table of the vocabulary: n-gram key (code points packed 21 bits each) ->
        feature index, built once; a batch looks its n-grams up in a few vectorised probes."""
        words = list(self.vocab)
        lens = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
        if len(words) and (lens.min() < 1 or lens.max() > NGRAMS[1]):
            raise ValueError("model vocabulary holds an n-gram outside 1-3 characters")
        cp = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        ends = np.cumsum(lens)
        keys = np.zeros(len(words), dtype=np.int64)
        for j in range(NGRAMS[1]):  # keys = (keys << 21) | next code point, for the words that long
            has = lens > j
            keys[has] = (keys[has] << 21) | cp[(ends - lens)[has] + j]
        cols = np.fromiter(self.vocab.values(), dtype=np.int64, count=len(self.vocab))
        bits = max(4, int(len(keys) * 2).bit_length() + 1)  # load factor <= 1/4: short probe chains
        mask = (1 << bits) - 1
        tkeys = np.full(mask + 1, _EMPTY, dtype=np.int64)
        tcols = np.zeros(mask + 1, dtype=np.int64)
        slot = _hash(keys, bits)
        todo = np.arange(len(keys))
        while len(todo):
            free = tkeys[slot[todo]] == _EMPTY
            cand = todo[free]
            _, first = np.unique(slot[cand], return_index=True)  # one key per free slot this round
            won = cand[first]
            tkeys[slot[won]] = keys[won]
            tcols[slot[won]] = cols[won]
            placed = np.zeros(len(keys), dtype=bool)
            placed[won] = True
            todo = todo[~placed[todo]]
            moved = todo[tkeys[slot[todo]] != _EMPTY]
            slot[moved] = (slot[moved] + 1) & mask
        return tkeys, tcols, bits

    def _lookup(self, grams: np.ndarray) -> np.ndarray:
        """Feature index of each n-gram key, -1 where it is not in the vocabulary."""
        tkeys, tcols, bits = self._table
        mask = (1 << bits) - 1
        slot = _hash(grams, bits)
        k = tkeys[slot]
        found = k == grams
        out = np.where(found, tcols[slot], -1)
        todo = np.flatnonzero(~found & (k != _EMPTY))  # collided on the first probe: walk on (a few %)
        while len(todo):
            slot_t = (slot[todo] + 1) & mask
            slot[todo] = slot_t
            k = tkeys[slot_t]
            found = k == grams[todo]
            out[todo[found]] = tcols[slot_t[found]]
            todo = todo[~found & (k != _EMPTY)]
        return out

    @cached_property
    def _memo(self) -> dict[str, np.ndarray]:
        """Probabilities of texts already scored (filled in batches by :meth:`prime`)."""
        return {}

    def _grams(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Integer keys of the character 1-3-grams of each normalised text (with repeats), and the index of
        the text each belongs to: all texts in one array, n-grams never spanning two texts."""
        norms = [normalise_term(t) for t in texts]
        lens = np.fromiter((len(t) for t in norms), dtype=np.int64, count=len(norms))
        cp = np.frombuffer("".join(norms).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        row = np.repeat(np.arange(len(norms), dtype=np.int64), lens)
        grams = [cp]
        rows = [row]
        if len(cp) > 1:
            same = row[:-1] == row[1:]
            grams.append(((cp[:-1] << 21) | cp[1:])[same])
            rows.append(row[:-1][same])
        if len(cp) > 2:
            same = row[:-2] == row[2:]
            grams.append(((cp[:-2] << 42) | (cp[1:-1] << 21) | cp[2:])[same])
            rows.append(row[:-2][same])
        return np.concatenate(grams), np.concatenate(rows)

    def _batch(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities (len(texts), n_categories), all texts vectorised together."""
        z = np.tile(self.bias, (len(texts), 1))
        if not texts:
            return z
        allg, seg = self._grams(texts)
        col = self._lookup(allg)
        hit = col >= 0
        if hit.any():
            nf = np.int64(len(self.idf))
            pair = seg[hit] * nf + col[hit]
            # sorted (text, feature) pairs: the order the sums below add in (int32 sorts faster)
            pair = np.sort(pair.astype(np.int32)).astype(np.int64) if len(texts) * nf < 2**31 else np.sort(pair)
            edge = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
            cnt = np.diff(np.r_[edge, len(pair)])
            pair = pair[edge]
            row, ii = pair // nf, pair % nf
            x = (1.0 + np.log(cnt.astype(np.float32))) * self.idf[ii]
            norm = np.sqrt(np.bincount(row, weights=x * x, minlength=len(texts)))
            x = x / np.where(norm > 0, norm, 1.0)[row]
            starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
            z[row[starts]] += np.add.reduceat(x[:, None].astype(np.float32) * self.coef[ii], starts, axis=0)
        return 1.0 / (1.0 + np.exp(-z))

    def prime(self, texts: Sequence[str]) -> None:
        """Score many texts in one vectorised pass; later :meth:`scores` calls on them are look-ups."""
        memo = self._memo
        todo = [t for t in texts if t not in memo]
        if not todo:
            return
        todo = list(dict.fromkeys(todo))
        if len(memo) + len(todo) > _MEMO_MAX:
            memo.clear()
        for t, p in zip(todo, self._batch(todo), strict=True):
            memo[t] = p

    def _probs(self, text: str) -> np.ndarray:
        p = self._memo.get(text)
        return self._batch([text])[0] if p is None else p

    def scores(self, text: str) -> dict[str, float]:
        """Probability per category for one text (normalised inside); n-grams counted in numpy."""
        return dict(zip(self.categories, self._probs(text).tolist(), strict=True))

    def score(self, text: str, category: str) -> float:
        """Probability of one category for one text."""
        return float(self._probs(text)[self._column[category]])

    @cached_property
    def _column(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.categories)}

    @cached_property
    def _cutoffs(self) -> np.ndarray:
        """Thresholds in category order (2.0, never reached, where a category has none)."""
        return np.array([self.thresholds.get(c, 2.0) for c in self.categories], dtype=np.float64)

    def passing(self, text: str) -> dict[str, float]:
        """Categories whose score passes their threshold."""
        p = self._probs(text)
        over = np.flatnonzero(p >= self._cutoffs)
        if not len(over):
            return {}
        values = p.tolist()
        return {self.categories[i]: values[i] for i in over.tolist()}

    def save(self, path: Path) -> None:
        words = "\n".join(sorted(self.vocab, key=self.vocab.__getitem__))
        np.savez_compressed(path, vocab=np.frombuffer(words.encode("utf-8"), dtype=np.uint8), idf=self.idf.astype(np.float32),
                            coef=self.coef.astype(np.float16), bias=self.bias.astype(np.float32),
                            meta=np.frombuffer(json.dumps({**self.meta, "categories": list(self.categories),
                                                           "thresholds": self.thresholds}, ensure_ascii=False)
                                               .encode("utf-8"), dtype=np.uint8))

    @classmethod
    def read(cls, path: Path | str) -> TextModel:
        with np.load(path) as z:
            words = bytes(z["vocab"]).decode("utf-8").split("\n")
            meta = json.loads(bytes(z["meta"]).decode("utf-8"))
            cats = tuple(meta.pop("categories"))
            thresholds = {k: float(v) for k, v in meta.pop("thresholds").items()}
            return cls(cats, {w: i for i, w in enumerate(words)}, z["idf"].astype(np.float32),
                       z["coef"].astype(np.float32), z["bias"].astype(np.float32), thresholds, meta)


@cache
def load() -> TextModel | None:
    """The shipped model, loaded once (``None`` if the package ships none)."""
    ref = resources.files("analyzers").joinpath(MODEL_PATH)
    if not ref.is_file():
        return None
    with resources.as_file(ref) as p:
        return TextModel.read(p)


def _spans(text: str) -> list[tuple[int, int]]:
    """The sentences a model finding may quote."""
    return [(m.start(), m.end()) for m in _SENT.finditer(text) if len(m.group().strip()) >= 4]


# The model learned from fragments of 40-300 characters; a block of a few words (a slogan, a price line, a form
# label: 一杯好茶，从高原慢慢喝起; 10元，满300元包邮) is far from what it saw, and its scores there are guesses. Such a
# block is judged only at a score that is nearly certain. Measured on the dev sites (blind_sites2-5): of the
# model's site-level categories no rule raised, the 3 false ones were all such blocks scored 0.54-0.89; the 15
# right ones were longer blocks, or a short one scored 0.97.
SHORT_BLOCK = 16  # word characters
SHORT_BLOCK_SCORE = 0.95
QUOTE_FLOOR = 0.3


# A delivery line (couriers, how and where the goods are sent) is not a claim, a term or an offer of banned goods.
_LOGISTICS = re.compile(r"(?:防震|防压|加厚)?(?:泡沫|气泡膜?|纸箱|木箱)?(?:包装|打包|加固)|带土|整盆|裸根|本店|我们|冷藏(?:电动)?车?|电动车|保温箱|专车|专人|急送|派送|或|由|采用|当日|次日|送达|顺丰(?:速运|快递)?|中通|圆通|申通|韵达|极兔|德邦|ems|邮政(?:快递|包裹)?|京东物流|菜鸟|闪送|同城(?:配送|送达|急送)?|"
                        r"快递|物流|配送|发货|包邮|冷链|自提|送货上门|可选|市区|全国|[省市县区]内?|[\s/、,，:：;；()（）]|西宁|青海|次日达|当日达")


_EXEMPTION_HEADING = re.compile(r"^[^。;,!?]{0,12}?不(?:适用|支持|享受)(?:七天|7天|七日|7日)无理由退(?:货|换)?(?:服务)?的"
                                r"(?:商品|情形|范围|类别|品类)(?:包括|有|如下)?[:：]?$")


def _only_logistics(sentence: str) -> bool:
    return len(_NON_WORD.sub("", _LOGISTICS.sub("", sentence.lower()))) < 2


def _judged(text: str) -> bool:
    return len(_NON_WORD.sub("", text)) >= 10  # else a heading or a name (牦牛骨粉 - 高原好物): too little copy to judge


def quotable(model: TextModel, text: str, ruled: Iterable[str]) -> list[str]:
    """The sentences of block ``text`` that :func:`model_findings` will score, rules having found the
    categories ``ruled`` there (to score them in one batch beforehand)."""
    if not _judged(text) or all(c in ruled for c in model.passing(text)):
        return []
    return [text[s:e] for s, e in _spans(text)]


def _best_sentence(model: TextModel, text: str, category: str) -> tuple[int, int, float]:
    best = (0, len(text), -1.0)
    spans = _spans(text)
    if not spans:
        return best
    model.prime([text[s:e] for s, e in spans])  # all the block's sentences in one numpy pass
    for s, e in spans:
        v = model.score(text[s:e], category)
        if v > best[2]:
            best = (s, e, v)
    return best


# A term that binds the merchant for the buyer: its duty with its object between (本店对商品的材质承担保证责任), an
# award to the buyer (退一赔三), ambiguity read against the merchant (民法典 第四百九十八条), a charge it will not make.
# Such a sentence is no unfair term unless it also refuses, frees or charges in so many words.
_FAVOURS = re.compile(r"(?:本店|我们|商家|卖家|平台)[^。;,!?不无免概拒非仅只最]{0,12}?(?:承担|负责|赔偿|退还|补偿)[^。;,!?]{0,8}?(?:责任|费用|运费|损失)"
                      r"|退一赔[一二三十]|假一赔[一二三十]|先行赔付"
                      r"|不利于(?:本店|我方|商家|卖家|经营者|平台|提供格式条款(?:的)?一方)的解释"
                      r"|有利于(?:消费者|买家|您|顾客|用户)的(?:原则|解释|方式)|(?:不享有|没有|并无|不设)(?:任何)?(?:单方面?的?)?[“\"]?最终解释权[”\"]?"
                      r"|(?:不会|不再|绝不)再?(?:在[^。;,!?]{0,6}?)?(?:要求|向您|向买家)?(?:补差价|加价|额外收取|另行收取|收取任何)[^。;,!?]{0,6}?(?:费用?)?"
                      # the merchant gives up a right of its own (本店不会以任何理由单方取消已付款订单)
                      r"|(?:本店|我们|商家|卖家|平台)?(?:不会|绝不|不得|不)(?:以任何理由)?单方(?:面)?(?:取消|解除|变更|修改|涨价|加价)")
_STILL_RESTRICTS = re.compile(r"概不|一律不|不予|恕不|拒绝|拒不|不承担|不负责|免责|免除|扣除|扣[0-9一二三四五六七八九十]|另收|收取[^。;,!?]{0,6}?费"
                              r"|视为|以本店|为准|最终解释|有权|不支持|不参加|不参与|不接受|仅|只|最多|不超过|上限|由(?:买家|顾客|消费者|您)"
                              r"|(?:买家|顾客|消费者|您)(?:自行|须|需|应|承担)|自行|自负|须|必须")


def _restricts(sentence: str) -> bool:
    """The sentence restricts the buyer (or frees the merchant), other than by the merchant taking on a duty."""
    if _FAVOURS.search(sentence) and not _STILL_RESTRICTS.search(_FAVOURS.sub("", sentence)):
        return False
    rest = _BUYER_FAVOURED.sub("", sentence)
    return bool(_RESTRICTS.search(rest))


def model_findings(blocks: Iterable[tuple[str, str, str, frozenset[str]]], *, url: str,
                   page_kind: str, storefront_id: int | None, voice_of: object) -> Sequence[Finding]:
    """Findings the model adds on ``blocks`` (selector, location kind, original text, categories rules
    already found there) for the other categories; ``voice_of(sentence, block)`` gives the voice of the
    sentence quoted."""
    model = load()
    if model is None or not any(t <= 1.0 for t in model.thresholds.values()):
        return []  # no model, or no category reached the precision target on dev
    out: list[Finding] = []
    blocks = list(blocks)
    model.prime([text for _s, _k, text, _r in blocks if len(text) >= 8])  # the page's blocks in one numpy pass
    for selector, loc_kind, text, ruled in blocks:
        if not _judged(text):
            continue
        short = len(_NON_WORD.sub("", text)) < SHORT_BLOCK
        for cat, score in model.passing(text).items():
            if cat in ruled or (short and score < SHORT_BLOCK_SCORE):
                continue
            s, e, best = _best_sentence(model, text, cat)
            if best < QUOTE_FLOOR:
                continue  # no sentence of the block says it: the score comes from the block as a whole
            sentence = text[s:e].strip()
            if cat == "return_policy" and _EXEMPTION_HEADING.search(normalise_term(sentence)):
                continue  # 不适用七天无理由退货的商品: the heading of the lawful exemptions, not a refusal
            if _only_logistics(sentence):
                continue  # 顺丰速运 / 中通快递，西宁市区可选同城闪送: how the goods travel says nothing of what they are
            if cat not in _REFUSAL_IS_CONTENT and _DENIES.search(normalise_term(sentence)):
                continue
            if cat in _REFUSAL_IS_CONTENT and not _restricts(normalise_term(sentence)):
                continue
            said = voice_of(normalise_term(sentence), normalise_term(text))  # type: ignore[operator]
            if said != "offer":
                continue
            out.append(Finding(
                rule_id=model_rule_id(cat), category=cat, article=CATEGORIES[cat], law=MODEL_LAW[cat], severity="medium",
                confidence=round(min(score, 0.99), 2), url=url, match=sentence[:120], excerpt=sentence[:200],
                location=Location(kind=loc_kind, selector=selector, start=s, end=e),  # type: ignore[arg-type]
                explanation=f"模型判断该句疑似{_NAMES[cat]}（对应条款 {CATEGORIES[cat]}；{MODEL_LAW[cat][0]}），无规则命中，请人工核实",
                storefront_id=storefront_id, page_kind=page_kind, voice=said, source="model"))
    return out
