"""Tokens for negation scope come from jieba directly; they must be exactly what spaCy's zh tokenizer gives."""

from __future__ import annotations

import json
from pathlib import Path

from analyzers import nlp

CORPUS = Path(__file__).parent / "corpus"


def test_direct_segmentation_matches_spacy() -> None:
    texts = ["a  b", " 最 佳 ", "\t不\n 锈钢", "Ｄｙｓｏｎ 戴 森", "  ", "本店不销售高仿、A货，也不卖所谓的原单"]
    for path in sorted((CORPUS / "dev").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines()[:60]]
    for t in texts:
        for piece in (t, t[: len(t) // 2], t[len(t) // 3:]):
            assert nlp._segment(piece) == nlp.spacy_tokens(piece), piece
