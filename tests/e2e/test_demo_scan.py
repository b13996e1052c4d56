"""End to end: `storewatch scan` on the bundled demo storefronts finds what demo/expected.json says
they contain, and none of their hard negatives (real HTTP, real Chromium, the real rule engine)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import cli
from demo.serve import REGISTRY_CSV, serve

pytestmark = pytest.mark.integration
EXPECTED = json.loads((Path(__file__).resolve().parents[2] / "demo" / "expected.json").read_text("utf-8"))
SITES = [k for k in EXPECTED if not k.startswith("_")]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], Path]]:
    """The demo sites on free ports, and a copy of the demo registry pointing at those ports."""
    with serve(base_port=0) as servers:
        urls = {s.spec.slug: s.url for s in servers.sites}
        text = REGISTRY_CSV.read_text("utf-8-sig")
        for slug, url in urls.items():
            offset = next(s.spec.port_offset for s in servers.sites if s.spec.slug == slug)
            text = text.replace(f"127.0.0.1:{8701 + offset},", f"{url.split('//')[1].rstrip('/')},")
        registry = tmp_path_factory.mktemp("reg") / "registry.csv"
        registry.write_text(text, encoding="utf-8")
        yield urls, registry


def scan(url: str, registry: Path, data: Path, capsys: pytest.CaptureFixture[str],
         monkeypatch: pytest.MonkeyPatch, *extra: str) -> dict[str, Any]:
    monkeypatch.setenv("STOREWATCH_CRAWLER__ALLOW_LOOPBACK", "true")
    monkeypatch.setenv("STOREWATCH_CRAWLER__AUTOTHROTTLE", "false")
    capsys.readouterr()
    code = cli.main(["--data-dir", str(data), "scan", url, "--registry", str(registry), *extra])
    out = capsys.readouterr().out
    assert code == 0, out[-2000:]
    return json.loads(out)  # type: ignore[no-any-return]


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url) or "/"


@pytest.mark.parametrize("slug", SITES)
def test_demo_storefront(slug: str, demo: tuple[dict[str, str], Path], tmp_path: Path,
                         capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    urls, registry = demo
    result = scan(urls[slug], registry, tmp_path, capsys, monkeypatch, "--max-pages", "30")
    assert result["registry_record"] is not None
    findings = result["findings"]
    by_page: dict[str, set[str]] = {}
    for f in findings:
        by_page.setdefault(_path(f["url"]), set()).update({f["category"], *(a["category"] for a in f.get("also") or ())})
    everywhere = {c for cats in by_page.values() for c in cats}
    missed = []
    for v in EXPECTED[slug]["violations"]:
        where = everywhere if v.get("scope") == "site" else by_page.get(v["url"], set()) | by_page.get(
            _path(v["url"]).split("#")[0] if v["url"].startswith("/#") else v["url"], set())
        if v["category"] not in where:
            missed.append((v["url"], v["category"], v.get("match") or v.get("absent")))
    assert not missed, f"missed: {missed}\nfound: {[(f['url'], f['rule_id'], f['match']) for f in findings]}"
    false_alarms = []
    for n in EXPECTED[slug]["hard_negatives"]:
        for f in findings:
            same_page = _path(f["url"]) == n["url"]
            overlaps = bool(f["match"]) and (f["match"] in n["match"] or n["match"] in f["excerpt"])
            if f["category"] in n["not"] and same_page and overlaps:
                false_alarms.append((n["match"], f["rule_id"], f["match"]))
    assert not false_alarms, false_alarms
    for f in findings:  # every finding points at the archived bytes it was judged on
        assert f["evidence"]["record_id"] and f["evidence"]["page_sha256"]


def test_storefront_missing_from_registry(demo: tuple[dict[str, str], Path], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    urls, _ = demo
    other = tmp_path / "other.csv"
    other.write_text("主体名称,统一社会信用代码,网站域名\n西宁某公司,91630100MA7500000Q,shop.example.cn\n", encoding="utf-8")
    result = scan(urls["qinghe-tea"], other, tmp_path / "d", capsys, monkeypatch, "--max-pages", "3",
                  "--render", "never")
    assert result["registry_record"] is None
    rules = {f["rule_id"] for f in result["findings"]}
    assert "FIL-NO-FILING-RECORD" in rules
    assert not rules & {"LIC-MISMATCH", "FIL-ICP-MISMATCH", "FIL-POLICE-MISMATCH"}
