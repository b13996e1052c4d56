"""The trained voice: does a block report, quote or discuss (news, statute, platform rules, a consumer's post)
rather than offer?

:mod:`analyzers.understand` decides voice by markers (据…报道, 《…法》规定, 提醒消费者); writers say the same
things in words no marker lists. This model is trained by ``storewatch train`` with the category model, from
the writers' own ``register`` of each fragment: news and statute quotes, and the lawful fragments of platform
rules, forum posts and reviews, are *reported*; marketplace titles, detail pages, WeChat and live-stream
pitches, customer-service replies and every positive are *offered*. Fragments of other registers (policy pages,
shop notices) are left out: a shop's own terms speak for the shop.

The category model's findings on a block the voice model scores at or above its threshold are not raised.
Rule hits are not dropped by it: a first version dropped the rule hits the category model did not back, and
it dropped real ones — a platform describing itself (打造网上资本运作新模式) and a shop's term naming the
authorities (买家不得向消协投诉) read like reports to it. The threshold is still chosen on the dev rule hits
the category model does not back (those are the false alarms its voice is meant to recognise). The threshold
is chosen on dev: the lowest score above which the rule hits it would drop are at least
``voice_precision`` (config) false. Shipped as ``analyzers/data/model/voice.npz`` (same format as the
category model, one column ``reported``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from analyzers.learned import TextModel

__all__ = ["VOICE_PATH", "REPORTED", "OFFERED", "label", "load", "prime", "reported"]

VOICE_PATH = "data/model/voice.npz"
REPORTED = frozenset({"news", "law_quote"})  # reported whatever their labels
REPORTED_IF_LAWFUL = frozenset({"platform_rules", "forum", "review"})  # a seller posts in forums too
BACKED = 0.5  # a rule hit the category model scores at least this is kept whatever the voice model says
OFFERED = frozenset({"marketplace", "detail_page", "wechat", "livestream", "customer_service", "evasion", "traditional"})


def label(row: dict[str, Any]) -> bool | None:
    """``True`` reported, ``False`` offered, ``None`` not a voice training row."""
    reg = str(row.get("register") or "")
    if reg in REPORTED:
        return True
    if reg in REPORTED_IF_LAWFUL:
        return not row.get("categories")
    if reg in OFFERED:
        return False
    return None


@cache
def load() -> TextModel | None:
    """The shipped voice model, loaded once (``None`` if none is shipped or it found no safe threshold)."""
    ref = resources.files("analyzers").joinpath(VOICE_PATH)
    if not ref.is_file():
        return None
    with resources.as_file(ref) as p:
        model = TextModel.read(p)
    return model if model.thresholds.get("reported", 2.0) <= 1.0 else None


def prime(texts: list[str]) -> None:
    """Score a page's blocks in one numpy pass (later :func:`reported` calls are look-ups)."""
    model = load()
    if model is not None and texts:
        model.prime(texts)


def reported(text: str) -> bool:
    """Whether the voice model says ``text`` (a block) reports rather than offers."""
    model = load()
    if model is None:
        return False
    return model.scores(text)["reported"] >= model.thresholds["reported"]
