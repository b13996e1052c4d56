"""Honest run status: what was judged on its real content, and why the rest was not.

A run is ``complete`` only when the home page was fetched with a 2xx/3xx that stayed on the
storefront's host and every page was judged on its real content with its evidence whole.
Otherwise it is ``partial`` with a reason per page (cut, blocked, timed out, HTTP error,
evidence gap, fetch error) or ``unreachable`` when the home page itself could not be judged.
A linked page answering 404/410 is recorded and not judged, but is no gap: the page does not exist.
A page with a reason resolves no finding (``judgeable`` / ``complete_page``); a page that is not
the storefront's own content (an error status, a navigation that left the host) is not analysed.
Pure functions over the captures: no I/O.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

REASON_LABELS = {
    "cut": "截断",
    "blocked": "被拦截",
    "timed_out": "超时",
    "http_error": "HTTP 错误",
    "evidence_gap": "证据缺失",
    "error": "抓取失败",
    "run": "整次抓取受限",
}
MAX_REASONS = 200
GONE = (404, 410)  # a linked page that does not exist is a fact of the site, not a gap in the crawl
# (it is not judged and resolves nothing, but it does not make the run partial)  # reasons kept per run (counts by kind are complete)


def _kind_of(text: str) -> str:
    low = text.lower()
    if "time limit" in low or "timeout" in low or "time cap" in low or "timed out" in low:
        return "timed_out"
    if "refused" in low or "off the storefront" in low or "off-host" in low or "blocked" in low:
        return "blocked"
    return "cut"


def page_reasons(cap: Any) -> list[dict[str, str]]:
    """Why this capture was not judged whole (``[]`` when it was)."""
    out: list[dict[str, str]] = []
    url = cap.url

    def add(kind: str, detail: str) -> None:
        out.append({"url": url, "kind": kind, "detail": detail[:300]})

    if cap.error:
        add("timed_out" if _kind_of(cap.error) == "timed_out" else
            "blocked" if cap.error.startswith("refused") else "error", cap.error)
    elif cap.status is None:
        add("error", "no response")
    elif cap.status >= 400 and (cap.status not in GONE or cap.is_home):
        add("http_error", f"HTTP {cap.status}: the page is not the storefront's content and was not judged")
    if cap.redirect_to:
        add("blocked", f"redirect off the storefront's host to {cap.redirect_to} (not followed)")
    if getattr(cap, "left_host", ""):
        add("blocked", f"the browser's navigation left the host for {cap.left_host}; the rendered page was "
                       "not judged")
    for part in [p.strip() for p in (cap.cut_reason or "").split(";") if p.strip()]:
        if part != cap.error:
            add(_kind_of(part), part)
    for gap in getattr(cap, "evidence_gaps", []) or []:
        add("evidence_gap", gap)
    return out


def judgeable(cap: Any) -> bool:
    """Whether the page's content is the storefront's own, fit to be analysed (it may still be cut)."""
    return (not cap.error and cap.status is not None and 200 <= cap.status < 400 and not cap.redirect_to
            and not getattr(cap, "left_host", ""))


def complete_page(cap: Any) -> bool:
    """A complete, same-host fetch judged on its real content: only such a page resolves findings."""
    return judgeable(cap) and not page_reasons(cap)


def run_coverage(pages: list[Any], run_cuts: list[dict[str, str]], close_reason: str) -> dict[str, Any]:
    """``{"status", "reasons", "reason_counts"}`` of one run."""
    home = next((p for p in pages if p.is_home), None)
    reasons: list[dict[str, str]] = []
    for p in pages:
        reasons.extend(page_reasons(p))
    page_urls = {p.url for p in pages}
    for c in run_cuts:  # cuts that are not a page's own (trap guard, budget, time limit, gate caps)
        if not any(r["url"] == c["url"] and r["detail"] == c["reason"][:300] for r in reasons):
            kind = _kind_of(c["reason"]) if c["url"] in page_urls else "run"
            if "budget" in c["reason"] or "link trap" in c["reason"]:
                kind = "run"
            reasons.append({"url": c["url"], "kind": kind, "detail": c["reason"][:300]})
    if close_reason not in ("finished", ""):
        reasons.append({"url": home.url if home else "", "kind": "run", "detail": f"crawl ended: {close_reason}"})
    if home is None or not judgeable(home):
        status = "unreachable"
    elif reasons:
        status = "partial"
    else:
        status = "complete"
    counts = Counter(r["kind"] for r in reasons)
    return {"status": status, "reasons": reasons[:MAX_REASONS], "reason_counts": dict(counts)}


def describe(reasons: list[dict[str, str]], limit: int = 5) -> list[str]:
    """Chinese one-liners for the status command and the digest: ``截断：URL（detail）``."""
    return [f"{REASON_LABELS.get(r['kind'], r['kind'])}：{r['url']}（{r['detail']}）" for r in reasons[:limit]]
