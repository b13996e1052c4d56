"""Bulk actions move the findings that can move and report, by finding and reason, those that cannot;
the dismiss error tells a web user where to write the reason (not a command-line flag)."""

from __future__ import annotations

from sqlalchemy import select

from store.lifecycle import set_status
from store.models import Finding
from web.models import Case, CaseFinding


def _dismiss(store, fid: str) -> None:  # noqa: ANN001
    with store.session() as s:
        set_status(s, fid, "dismissed", actor="王芳", role="analyst", note="引用法律条文")


def test_bulk_case_opens_the_movable_and_lists_the_rest(as_role, seeded, store) -> None:  # noqa: ANN001
    ids = seeded.finding_ids[0:3]  # one storefront
    _dismiss(store, ids[1])
    client, token = as_role("analyst")
    r = client.post("/findings/bulk", data={"csrf_token": token, "action": "case", "ids": ids}, follow_redirects=False)
    assert r.status_code == 200
    assert "批量立案：2 条已处理，1 条未处理" in r.text
    assert f'<a href="/findings/{ids[1]}"><code>{ids[1][:12]}</code></a>' in r.text
    assert "不能从“已排除（误报）”改为“已立案”" in r.text
    with store.session() as s:
        case = s.scalar(select(Case))
        assert f'<a href="/cases/{case.id}">' in r.text
        assert set(s.scalars(select(CaseFinding.finding_id))) == {ids[0], ids[2]}
        assert [s.get(Finding, i).status for i in ids] == ["case_opened", "dismissed", "case_opened"]
    # again: nothing can move now (two are in a case, one is dismissed): an input error giving each reason
    r = client.post("/findings/bulk", data={"csrf_token": token, "action": "case", "ids": ids})
    assert r.status_code == 400 and "所选问题均不能立案" in r.text and "已在案件中" in r.text
    with store.session() as s:
        assert len(s.scalars(select(Case)).all()) == 1


def test_bulk_confirm_moves_the_movable(as_role, seeded, store) -> None:  # noqa: ANN001
    ids = seeded.finding_ids[3:6]
    _dismiss(store, ids[0])
    client, token = as_role("analyst")
    r = client.post("/findings/bulk", data={"csrf_token": token, "action": "confirmed", "ids": ids})
    assert r.status_code == 200 and "批量已确认：2 条已处理，1 条未处理" in r.text
    with store.session() as s:
        assert [s.get(Finding, i).status for i in ids] == ["dismissed", "confirmed", "confirmed"]


def test_dismiss_without_a_reason_says_where_to_write_it(as_role, seeded) -> None:  # noqa: ANN001
    client, token = as_role("analyst")
    fid = seeded.finding_ids[0]
    r = client.post(f"/findings/{fid}/status", data={"csrf_token": token, "status": "dismissed", "note": " "})
    assert r.status_code == 400 and "排除线索须填写理由" in r.text and "“备注”栏" in r.text
    assert "--note" not in r.text and "命令行" not in r.text
    r = client.post("/findings/bulk", data={"csrf_token": token, "action": "dismissed", "ids": [fid]})
    assert r.status_code == 400 and "“备注”栏" in r.text and "--note" not in r.text
