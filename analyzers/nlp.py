"""spaCy ``zh`` with the jieba segmenter, loaded once and used only around candidates.

There is no trained Chinese spaCy pipeline (STACK-NOTES): we use ``spacy.blank("zh")`` with jieba.
Loading jieba's prefix dictionary costs about 0.8 s; call :func:`warm_up` at start-up so the first
page does not pay it (spaCy itself is imported only for :func:`spacy_tokens`, the reference the
tokens are tested against). Domain words (``data/jieba_words.txt``) keep claims as single tokens
so that, for example, ``不锈钢`` is never read as the negation ``不``.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from typing import Any

from analyzers.lexicons import lexicon

log = logging.getLogger(__name__)
_lock = threading.Lock()
_nlp: Any = None
_ready = False  # jieba loaded with the domain words


def _load_jieba(cache_dir: str | None = None) -> None:
    """jieba's dictionary and the domain words: all :func:`tokens` needs (spaCy, ~0.9 s more to import,
    only for :func:`spacy_tokens`)."""
    global _ready
    with _lock:
        if not _ready:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            if cache_dir:
                jieba.dt.tmp_dir = cache_dir  # jieba.cache is written there once, then reused
            jieba.initialize()
            for entry in lexicon("jieba_words"):
                jieba.add_word(entry.term, freq=200000)
            _ready = True


def _load(cache_dir: str | None = None) -> Any:
    global _nlp
    _load_jieba(cache_dir)
    with _lock:
        if _nlp is None:
            import spacy

            _nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
            log.info("spaCy zh pipeline with jieba segmenter loaded")
    return _nlp


def warm_up(cache_dir: str | None = None) -> None:
    """Load jieba's dictionary now (start-up), not on the first page.

    ``cache_dir`` (e.g. the data folder) is where jieba keeps its prefix-dictionary cache; the
    caller owns that I/O decision, analyzers read no settings.
    """
    _load_jieba(cache_dir)


@lru_cache(maxsize=4096)
def tokens(text: str) -> tuple[tuple[int, int, str], ...]:
    """Tokens of a short span (a clause) as (start, end, text)."""
    if not text:
        return ()
    _load_jieba()
    return _segment(text)


def _segment(text: str) -> tuple[tuple[int, int, str], ...]:
    """What the spaCy ``zh`` tokenizer (jieba segmenter) gives, without building a spaCy ``Doc``: the
    same jieba words at their offsets, whitespace dropped (``tests/analyzers/test_nlp.py`` compares them)."""
    import jieba

    out = []
    pos = 0
    for w in jieba.cut(text, cut_all=False):
        if not w:
            continue
        i = text.find(w, pos)
        if i < 0:  # pragma: no cover - jieba returns pieces of its input
            i = pos
        pos = i + len(w)
        if w.strip():
            out.append((i, pos, w))
    return tuple(out)


def spacy_tokens(text: str) -> tuple[tuple[int, int, str], ...]:
    """Tokens through spaCy itself (the reference :func:`tokens` must agree with)."""
    doc = _load()(text)
    return tuple((t.idx, t.idx + len(t.text), t.text) for t in doc if not t.is_space)


# --- search tokens (the search index's ``tokens`` keyword array; computed once when a finding is saved)

_jieba: Any = None


def _jieba_module() -> Any:
    global _jieba
    if _jieba is None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        _jieba = jieba
    return _jieba


# jieba cuts text into blocks of Han/alphanumeric characters first and segments each block on its
# own; doing the split here lets the (frequent) repeated blocks — shop boilerplate around excerpts,
# page titles — come from a cache instead of being segmented again.
_BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")


@lru_cache(maxsize=65536)
def _search_cut(block: str) -> tuple[str, ...]:
    # HMM off: twice as fast, deterministic; unknown words fall apart into known pieces, which is
    # fine for term statistics (phrase search runs on characters, not on these tokens)
    return tuple(_jieba_module().lcut_for_search(block, HMM=False))


def search_tokens(*texts: str, limit: int | None = None) -> list[str]:
    """Distinct jieba search tokens of ``texts`` (lower-cased, punctuation and spaces dropped), in order.

    The one tokenisation behind the search index's ``tokens`` field: the store keeps a finding's
    tokens (of match, excerpt, page title) when it saves the finding, the index builds them from
    the texts for rows saved before that.
    """
    seen: dict[str, None] = {}
    for text in texts:
        if not text:
            continue
        for block in _BLOCK.findall(text):
            cut = _search_cut(block) if len(block) <= 200 else _jieba_module().lcut_for_search(block, HMM=False)
            for tok in cut:
                tok = tok.lower()
                if len(tok) <= 64:
                    seen.setdefault(tok, None)
                    if limit is not None and len(seen) >= limit:
                        return list(seen)
    return list(seen)


def finding_search_tokens(match: str, excerpt: str, page_title: str) -> list[str]:
    """The ``tokens`` of a finding's search document."""
    return search_tokens(match, excerpt, page_title)
