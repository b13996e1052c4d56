"""Rule engine and Chinese text analysis: pages in, findings out (pure: no I/O, no settings).

Public API (imported lazily so that ``import analyzers.model`` stays cheap)::

    from analyzers.engine import analyze_site, analyze_page, analyze_text, AllowEntry
    from analyzers.rules import RULES          # the catalogue
    from analyzers.ids import uscc_valid, icp_valid, police_filing_valid
    from analyzers.ocr import ocr_image, is_badge_sized   # called by pipelines, never by rules
    from analyzers.nlp import warm_up          # load jieba/spaCy at start-up
"""

from __future__ import annotations

from typing import Any

__all__ = ["analyze_site", "analyze_page", "analyze_text", "AllowEntry"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from analyzers import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'analyzers' has no attribute {name!r}")
