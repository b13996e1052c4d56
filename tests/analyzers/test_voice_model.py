"""The trained voice (analyzers/voice_model.py): labels from the writers' registers, training, and what it drops."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from analyzers import learned, training, voice_model
from analyzers.engine import analyze_text
from analyzers.learned import TextModel


def test_labels_come_from_the_register_and_positives_are_offers() -> None:
    assert voice_model.label({"register": "news", "categories": []}) is True
    assert voice_model.label({"register": "law_quote", "categories": []}) is True
    assert voice_model.label({"register": "forum", "categories": []}) is True
    assert voice_model.label({"register": "forum", "categories": ["pyramid_scheme"]}) is False  # a recruiter posting
    assert voice_model.label({"register": "livestream", "categories": []}) is False
    assert voice_model.label({"register": "policy_page", "categories": []}) is None  # a shop's terms speak for it
    assert voice_model.label({"categories": []}) is None


def test_training_writes_the_voice_model_beside_the_category_model(tmp_path: Path) -> None:
    news = ["据报道，警方查处一家销售高仿包的网店", "记者从市场监管局获悉，一批假冒白酒被查获", "法院判决：网店虚假宣传被罚款五万元",
            "某地消协通报多起预付卡纠纷案例"]
    shop = ["高仿包包到货，一比一做工，私聊看实拍", "本店白酒买二送一，今日下单包邮", "纯棉T恤透气舒适，欢迎选购",
            "入会交398元，拉人再拿提成"]
    rows = [{"id": f"v{i}", "text": t, "register": "news" if t in news else "marketplace",
             "categories": ["counterfeit_goods"] if "高仿" in t and t not in news else []}
            for i, t in enumerate((news + shop) * 4)]
    for part in ("train", "dev"):
        (tmp_path / "corpus" / part).mkdir(parents=True)
        (tmp_path / "corpus" / part / "a.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    cfg = {**training.load_config(), "corpus": "corpus", "train": ["train/*.jsonl"], "dev": ["dev/*.jsonl"],
           "categories": ["counterfeit_goods"], "threshold_folds": 0}
    meta = training.train(cfg, root=tmp_path, out=tmp_path / "m.npz", log=lambda *_: None)
    assert meta["voice"]["rows"] == len(rows) and meta["voice"]["reported_rows"] == 16
    voice = TextModel.read(tmp_path / "voice.npz")
    assert voice.categories == ("reported",)
    assert voice.scores("据报道，警方查处一批假货")["reported"] > voice.scores("高仿包包一比一，私聊")["reported"]


def _tiny(category: str, gram: str, weight: float, bias: float, threshold: float) -> TextModel:
    return TextModel((category,), {gram: 0}, np.ones(1, np.float32), np.array([[weight]], np.float32),
                     np.array([bias], np.float32), {category: threshold}, {})


@pytest.fixture
def reports(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hand-made models: the bigram 听说 marks a block as reported; the category model finds pyramid
    recruitment wherever it sees 拉新."""
    monkeypatch.setattr(voice_model, "load", lambda: _tiny("reported", "听说", 10.0, -3.0, 0.9))
    monkeypatch.setattr(learned, "load", lambda: _tiny("pyramid_scheme", "拉新", 10.0, -3.0, 0.9))


def test_the_model_raises_nothing_on_a_block_the_voice_model_calls_reported(reports: None,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    assert [f.rule_id for f in analyze_text("欢迎光临。每天拉新三人，一起干。")] == ["MODEL-PYRAMID-SCHEME"]
    assert analyze_text("听说有人每天拉新三人，一起干。") == []
    monkeypatch.setattr(voice_model, "load", lambda: None)  # without the voice model the same block is raised
    assert [f.rule_id for f in analyze_text("听说有人每天拉新三人，一起干。")] == ["MODEL-PYRAMID-SCHEME"]


def test_rule_hits_are_never_dropped_by_the_voice_model(reports: None) -> None:
    found = analyze_text("听说有的店写着最终解释权归本店所有")
    assert [f.rule_id for f in found] == ["UNF-FINAL-INTERPRETATION"]
