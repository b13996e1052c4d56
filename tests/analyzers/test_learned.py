"""The trained layer: shipped, current with its data, trainable on a small sample, and how it adds findings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from analyzers import learned, training
from analyzers.engine import analyze_text
from analyzers.learned import TextModel
from errors import InputError


def test_shipped_model_is_small_and_loaded_once() -> None:
    path = Path(learned.__file__).parent / learned.MODEL_PATH
    assert path.is_file() and path.stat().st_size <= 20 * 1024 * 1024
    model = learned.load()
    assert model is not None and model is learned.load()
    assert set(model.categories) <= set(learned.MODEL_LAW)
    assert all(0.0 <= v <= 1.0 for v in model.scores("大牌高仿包包").values())


def test_model_is_current_with_its_training_data() -> None:
    """Fails when a training or dev file changed (or appeared) and `storewatch train` was not rerun."""
    model = learned.load()
    assert model is not None
    train, dev = training.data_files(training.load_config())
    names = [str(p.relative_to(training.ROOT)) for p in train]
    assert names == model.meta["train_files"], "training files changed: run `storewatch train`"
    cfg = training.load_config()
    examples = training.example_rows() if cfg.get("rule_examples") else []
    assert training.data_sha256(train + dev, examples=examples) == model.meta["data_sha256"], \
        "training data (corpus files or rule examples) changed: run `storewatch train`"


def _write(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


def test_training_runs_on_a_small_sample(tmp_path: Path) -> None:
    pos = ["交钱入会当店主，拉人进来你拿提成", "拉新人入伙，下面的人再拉人你也有钱", "入会费交了就能拉人赚钱，层层拿提成"]
    neg = ["纯棉T恤，透气舒适", "高原枸杞，产地直发", "邀请好友得优惠券", "新品上市，欢迎选购"]
    rows = [{"id": f"t{i}", "text": t, "categories": ["pyramid_scheme"] if t in pos else []}
            for i, t in enumerate((pos + neg) * 4)]
    _write(tmp_path / "corpus" / "train" / "a.jsonl", rows)
    _write(tmp_path / "corpus" / "dev" / "a.jsonl", rows[:7])
    cfg = {**training.load_config(), "corpus": "corpus", "train": ["train/*.jsonl"], "dev": ["dev/*.jsonl"],
           "categories": ["pyramid_scheme", "counterfeit_goods"]}
    out = tmp_path / "m.npz"
    meta = training.train(cfg, root=tmp_path, out=out, log=lambda *_: None)
    assert meta["train_files"] == ["corpus/train/a.jsonl"] and meta["dev_files"] == ["corpus/dev/a.jsonl"]
    model = TextModel.read(out)
    assert model.scores("拉人入会拿提成")["pyramid_scheme"] > model.scores("纯棉T恤")["pyramid_scheme"]
    assert model.meta["data_sha256"] == meta["data_sha256"]


def test_threshold_folds_judge_every_labelled_row_out_of_fold(tmp_path: Path) -> None:
    """With threshold folds the dev files train too, thresholds are chosen on every labelled row's out-of-fold score,
    and a model written to a folder that does not exist yet is written (the voice model beside it)."""
    pos = ["交钱入会当店主，拉人进来你拿提成", "拉新人入伙，下面的人再拉人你也有钱", "入会费交了就能拉人赚钱，层层拿提成"]
    neg = ["纯棉T恤，透气舒适", "高原枸杞，产地直发", "邀请好友得优惠券", "新品上市，欢迎选购"]
    rows = [{"id": f"t{i}", "text": t, "categories": ["pyramid_scheme"] if t in pos else [],
             "register": "news" if t in neg and i % 2 else "marketplace"} for i, t in enumerate((pos + neg) * 4)]
    dev = [{**r, "id": f"d{i}"} for i, r in enumerate(rows[:7])]
    _write(tmp_path / "corpus" / "train" / "a.jsonl", rows)
    _write(tmp_path / "corpus" / "dev" / "a.jsonl", dev)
    cfg = {**training.load_config(), "corpus": "corpus", "train": ["train/*.jsonl"], "dev": ["dev/*.jsonl"],
           "categories": ["pyramid_scheme"], "threshold_folds": 3, "rule_examples": False}
    out = tmp_path / "new" / "m.npz"
    meta = training.train(cfg, root=tmp_path, out=out, log=lambda *_: None)
    assert meta["dev_rows"] == meta["train_rows"] == len(rows) + len(dev) and meta["threshold_folds"] == 3
    assert out.is_file() and (out.parent / "voice.npz").is_file()
    model = TextModel.read(out)
    assert model.scores("拉人入会拿提成")["pyramid_scheme"] > model.scores("纯棉T恤")["pyramid_scheme"]


def test_texts_with_line_breaks_train_a_model_that_reads_back(tmp_path: Path) -> None:
    """A page-like fragment holds line breaks; a gram across one must not break the one-gram-a-line vocabulary."""
    rows = [{"id": f"n{i}", "text": t, "categories": c} for i, (t, c) in enumerate(
        [("交钱入会\n拉人拿提成", ["pyramid_scheme"]), ("纯棉T恤\n透气舒适", [])] * 8)]
    _write(tmp_path / "corpus" / "train" / "a.jsonl", rows)
    cfg = {**training.load_config(), "corpus": "corpus", "train": ["train/*.jsonl"], "dev": [],
           "categories": ["pyramid_scheme"], "threshold_folds": 0, "rule_examples": False}
    training.train(cfg, root=tmp_path, out=tmp_path / "m.npz", log=lambda *_: None)
    model = TextModel.read(tmp_path / "m.npz")
    assert all("\n" not in g and 1 <= len(g) <= 3 for g in model.vocab)


def test_training_rejects_bad_data(tmp_path: Path) -> None:
    (tmp_path / "corpus" / "train").mkdir(parents=True)
    (tmp_path / "corpus" / "train" / "a.jsonl").write_text('{"id": 1, "text": 5}\n', "utf-8")
    cfg = {**training.load_config(), "corpus": "corpus", "train": ["train/*.jsonl"], "dev": []}
    with pytest.raises(InputError, match=r"a\.jsonl:1"):
        training.train(cfg, root=tmp_path, out=tmp_path / "m.npz", log=lambda *_: None)
    with pytest.raises(InputError, match="no training files"):
        training.train({**cfg, "train": ["none/*.jsonl"]}, root=tmp_path, out=tmp_path / "m.npz", log=lambda *_: None)


@pytest.fixture
def tiny_model(monkeypatch: pytest.MonkeyPatch) -> TextModel:
    """A hand-made model: the bigram 拉新 scores pyramid_scheme high."""
    m = TextModel(("pyramid_scheme",), {"拉新": 0}, np.ones(1, np.float32), np.array([[10.0]], np.float32),
                  np.array([-3.0], np.float32), {"pyramid_scheme": 0.9}, {})
    monkeypatch.setattr(learned, "load", lambda: m)
    return m


def test_model_adds_a_finding_where_no_rule_fires(tiny_model: TextModel) -> None:
    found = analyze_text("欢迎光临。每天拉新三人，一起干。")
    assert [(f.rule_id, f.source, f.article, f.voice) for f in found] == [("MODEL-PYRAMID-SCHEME", "model", "15(10)", "offer")]
    assert found[0].match == "每天拉新三人，一起干。"  # the sentence, quoted
    assert "禁止传销条例 第七条" in found[0].law
    assert analyze_text("欢迎光临。每天拉新三人。", options={"use_model": False}) == []
    assert analyze_text("欢迎光临。每天拉新三人。", options={"disabled_rules": ["MODEL-PYRAMID-SCHEME"]}) == []


def test_model_stays_quiet_on_reports_and_where_a_rule_fired(tiny_model: TextModel) -> None:
    assert analyze_text("据新华社报道，警方捣毁一个靠拉新发展会员的传销窝点，涉案金额上亿。") == []
    ruled = analyze_text("缴纳入门费3980元即可成为代理，每推荐一人奖励500元，拉新有奖。")
    assert {f.source for f in ruled} == {"rule"}


def test_model_stays_quiet_on_denials(tiny_model: TextModel) -> None:
    assert analyze_text("我们不会拉新，也不收会费。") == []
    assert analyze_text("欢迎光临。我们绝不拉新。") == []


def test_analysts_decisions_are_training_data_never_dev(tmp_path: Path) -> None:
    """`storewatch decisions export` rows under corpus/decisions/ are taken by the shipped config's train globs."""
    cfg = {**training.load_config(), "corpus": "corpus"}
    assert "decisions/*.jsonl" in cfg["train"]
    _write(tmp_path / "corpus" / "train" / "a.jsonl", [{"id": "t", "text": "纯棉T恤", "categories": []}])
    _write(tmp_path / "corpus" / "decisions" / "2026-12.jsonl",
           [{"id": "analyst:f1", "text": "大牌高仿包包", "categories": ["counterfeit_goods"], "register": "analyst"}])
    _write(tmp_path / "corpus" / "dev" / "a.jsonl", [{"id": "d", "text": "高原枸杞", "categories": []}])
    train, dev = training.data_files(cfg, root=tmp_path)
    names = {p.relative_to(tmp_path).as_posix() for p in train}
    assert "corpus/decisions/2026-12.jsonl" in names
    assert all("decisions" not in p.parts for p in dev)


def test_a_block_of_a_few_words_needs_a_near_certain_score(monkeypatch: pytest.MonkeyPatch) -> None:
    """A slogan or a price line is far from the fragments the model learned from: it speaks there only when
    nearly certain (learned.SHORT_BLOCK_SCORE), elsewhere at its category threshold."""
    m = TextModel(("pyramid_scheme",), {"拉新": 0}, np.ones(1, np.float32), np.array([[10.0]], np.float32),
                  np.array([-7.4], np.float32), {"pyramid_scheme": 0.9}, {})  # scores 拉新 at about 0.93
    monkeypatch.setattr(learned, "load", lambda: m)
    assert 0.9 < m.score("拉新", "pyramid_scheme") < learned.SHORT_BLOCK_SCORE
    assert analyze_text("每天拉新三人，一起干。") == []
    long = analyze_text("欢迎各位宝妈加入我们的团队，每天拉新三人，一起干，月底统一结算。")
    assert [f.rule_id for f in long] == ["MODEL-PYRAMID-SCHEME"]


@pytest.mark.parametrize(("sentence", "restricts"), [
    ("本店对所售银饰的纯度承担保证责任，检测不符的退一赔三。", False),      # the merchant bound, for the buyer
    ("条款有两种以上解释的，应当作出不利于本店的解释。", False),            # ambiguity read against the merchant
    ("付款后本店不会再向您收取任何附加费用。", False),
    ("本店承诺假一赔三，但鉴定费由买家承担，赔付以100元为上限。", True),     # the promise hedged away
    ("本店对商品质量不承担任何责任。", True),
    ("退货须扣除10%手续费。", True),
])
def test_model_unfair_terms_need_a_restriction(sentence: str, restricts: bool) -> None:
    from analyzers.normalise import normalise_term

    assert learned._restricts(normalise_term(sentence)) is restricts


def test_model_reads_a_rules_pages_list_under_its_section_heading(tiny_model: TextModel) -> None:
    """List items under 三、禁止发布的信息 on a rules page are the platform's banned list, for the model as for rules."""
    from analyzers.engine import analyze_page
    from extraction.page import extract_page

    def page_with(heading: str) -> list:  # noqa: ANN401
        html = ("<html><head><title>平台规则</title></head><body><main><h1>平台交易规则</h1>"
                f"<p>第二条 商家须如实描述商品。</p><p>{heading}</p>"
                "<ul><li>以每日拉新返现为名发展会员的推广项目；</li><li>未经许可的网络游戏代练服务。</li></ul></main></body></html>")
        return [f.rule_id for f in analyze_page(extract_page(html, "http://mall.example.cn/rules/trading.html"))]

    assert page_with("第三条 禁止发布的信息（节选）：") == []
    assert page_with("本月推荐活动：") == ["MODEL-PYRAMID-SCHEME"]


def test_a_veto_is_chosen_at_a_precision_not_moved_by_one_right_hit() -> None:
    """Rule hits scored 0.01-0.09 on dev, one of ten right: at precision 0.9 the veto drops all ten; all-false
    (precision 1) stops below the right one."""
    scores = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10, 0.5]
    dev = [{"categories": ["privacy"] if i in (2, 10) else []} for i in range(len(scores))]
    probs = np.array([[s] for s in scores])
    ruled = [{"privacy"} for _ in scores]
    assert training._vetoes(probs, dev, ruled, ["privacy"], 0.6, 2, 0.9) == {"privacy": 0.3}
    assert training._vetoes(probs, dev, ruled, ["privacy"], 0.6, 2, 1.0) == {"privacy": 0.025}


def test_terms_read_in_the_buyers_favour_are_no_model_unfair_terms() -> None:
    from analyzers.normalise import normalise_term

    assert not learned._restricts(normalise_term("条款有歧义的，按照有利于消费者的原则解释；本店不享有单方面的最终解释权。"))
    assert learned._restricts(normalise_term("本活动最终解释权归本店所有。"))


def test_a_lawful_id_request_binds_the_model_even_without_a_demand_word(monkeypatch: pytest.MonkeyPatch) -> None:
    """A platform's seller form labelled 法定代表人身份证号码 (电子商务法 第二十七条) is lawful for the model too."""
    m = TextModel(("privacy",), {"身份证": 0}, np.ones(1, np.float32), np.array([[10.0]], np.float32),
                  np.array([-3.0], np.float32), {"privacy": 0.9}, {})
    monkeypatch.setattr(learned, "load", lambda: m)
    assert analyze_text("商家入驻资料清单：法定代表人身份证号码、营业执照副本扫描件。") == []
    assert [f.rule_id for f in analyze_text("欢迎光临本店。为了核对买家身份，购物前请准备好身份证号码一起给我们。")] \
        == ["MODEL-PRIVACY"]


@pytest.mark.parametrize(("sentence", "only"), [
    ("中通快递，带土整盆发货，防震泡沫包装", True),
    ("本店冷藏电动车同城配送，或顺丰同城急送", True),
    ("出售野生穿山甲，顺丰发货", False),
])
def test_a_delivery_line_says_nothing_of_the_goods(sentence: str, only: bool) -> None:
    from analyzers.learned import _only_logistics
    assert _only_logistics(sentence) is only
