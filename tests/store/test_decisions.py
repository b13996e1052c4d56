"""Analysts' decisions as each rule's precision and as labelled training rows (issue 10 item 8)."""

from __future__ import annotations

import json
from datetime import timedelta

from analyzers.model import Finding as F
from analyzers.model import Location
from store.decisions import labelled_examples, rule_precision
from store.lifecycle import finish_run, record_page, save_findings, set_status, start_run
from store.models import FindingEvent, Storefront, utcnow


def _f(rule: str, match: str) -> F:
    return F(rule_id=rule, category="false_advertising", article="15(5)", law=(), severity="medium", confidence=0.9,
             url="http://s.example.cn/1", match=match, excerpt=f"本品{match}", location=Location("text", "p", 2, 5),
             explanation="", storefront_id=1)


def _save(store, fs: list[F]) -> None:  # noqa: ANN001
    """One storefront, one complete run, one page holding ``fs``."""
    with store.session() as s:
        s.add(Storefront(id=1, name="甲", uscc="91630100MA7500000Q", domain="s.example.cn"))
    with store.session() as s:
        run = start_run(s, 1)
        page = record_page(s, run, url="http://s.example.cn/1", status_code=200, content_sha256="0" * 64,
                           title="t", text="x", complete=True)
        save_findings(s, run, page, fs)
        finish_run(s, run, "complete")


def test_precision_counts_each_findings_latest_human_decision(store) -> None:  # noqa: ANN001
    fs = [_f("AD-A", "国家级"), _f("AD-A", "最佳"), _f("AD-A", "第一"), _f("AD-B", "特效")]
    _save(store, fs)
    with store.session() as s:
        set_status(s, fs[0].finding_id, "confirmed", actor="王", role="analyst")
        set_status(s, fs[1].finding_id, "dismissed", actor="王", role="analyst", note="商品名称")
        set_status(s, fs[2].finding_id, "confirmed", actor="王", role="analyst")
        set_status(s, fs[2].finding_id, "dismissed", actor="李", role="analyst", note="复核为误报")  # latest wins
        set_status(s, fs[3].finding_id, "case_opened", actor="王", role="analyst")
    with store.session() as s:
        got = {r.rule_id: (r.confirmed, r.dismissed, r.precision) for r in rule_precision(s)}
        assert got == {"AD-A": (1, 2, 1 / 3), "AD-B": (1, 0, 1.0)}
        # decisions older than the window do not count
        s.query(FindingEvent).filter(FindingEvent.actor != "system").update(
            {FindingEvent.at: utcnow() - timedelta(days=120)})
        assert rule_precision(s, days=90) == []
        rows = list(labelled_examples(s))
    assert sorted((r["text"], r["categories"], r["hard_negative"]) for r in rows) == sorted(
        [("本品国家级", ["false_advertising"], False), ("本品最佳", [], True), ("本品第一", [], True),
         ("本品特效", ["false_advertising"], False)])
    assert all(json.dumps(r, ensure_ascii=False) for r in rows)


def test_cli_refuses_to_export_into_a_blind_set(tmp_path, capsys) -> None:  # noqa: ANN001
    import cli

    d = ["--data-dir", str(tmp_path / "d")]
    assert cli.main([*d, "init"]) == 0
    assert cli.main([*d, "decisions", "export", str(tmp_path / "corpus" / "blind6" / "x.jsonl")]) == 2
    assert "blind" in capsys.readouterr().err
    assert cli.main([*d, "decisions", "export", str(tmp_path / "analysts.jsonl")]) == 0
    assert cli.main([*d, "decisions", "precision"]) == 0


def test_rules_command_shows_each_rules_precision(tmp_path, capsys) -> None:  # noqa: ANN001
    import cli
    import config
    from store.db import open_store

    d = tmp_path / "d"
    assert cli.main(["--data-dir", str(d), "init"]) == 0
    store = open_store(config.load(environ={}, overrides={"data_dir": d}))
    try:
        fs = [_f("AD-ABSOLUTE-TERM", "国家级"), _f("AD-ABSOLUTE-TERM", "最佳"), _f("AD-ABSOLUTE-TERM", "第一"),
              _f("AD-MEDICAL-CLAIM", "根治")]
        _save(store, fs)
        with store.session() as s:
            set_status(s, fs[0].finding_id, "confirmed", actor="王", role="analyst")
            set_status(s, fs[1].finding_id, "confirmed", actor="王", role="analyst")
            set_status(s, fs[2].finding_id, "dismissed", actor="王", role="analyst", note="商品名称")
            set_status(s, fs[3].finding_id, "dismissed", actor="王", role="analyst", note="引用法条")
    finally:
        store.dispose()
    capsys.readouterr()
    assert cli.main(["--data-dir", str(d), "rules"]) == 0
    lines = {ln.split()[0]: ln for ln in capsys.readouterr().out.splitlines() if ln.strip()}
    assert "准确率(近90天)" in lines["规则编号"]
    assert "67% (2/3)" in lines["AD-ABSOLUTE-TERM"]
    assert "0% (0/1)" in lines["AD-MEDICAL-CLAIM"]
    assert "—" in lines["GOV-FAKE-STATE-BODY"]
    assert cli.main(["--data-dir", str(d), "rules", "--format", "json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["AD-ABSOLUTE-TERM"]["decisions"] == {"days": 90, "confirmed": 2, "dismissed": 1, "precision": 2 / 3}
    assert rows["GOV-FAKE-STATE-BODY"]["decisions"]["precision"] is None
    assert cli.main(["--data-dir", str(d), "rules", "--days", "0"]) == 2  # bad input: exit 2
