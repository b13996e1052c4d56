"""Each rule's precision from analysts' decisions on the finding page and the rule view (issue 10 item 8)."""

from __future__ import annotations

import re

from store.decisions import precision_label, precision_of_rule
from store.models import Finding


def test_finding_page_and_rule_view_show_the_rules_precision(as_role, seeded, store) -> None:  # noqa: ANN001
    client, token = as_role("analyst")
    first, second = seeded.finding_ids[0], seeded.finding_ids[1]
    with store.session() as s:
        rule = s.get(Finding, first).rule_id
        assert s.get(Finding, second).rule_id == rule
        before = precision_of_rule(s, rule)
    assert client.post(f"/findings/{first}/status", data={"csrf_token": token, "status": "confirmed",
                                                          "note": "核实"}).status_code == 200
    assert client.post(f"/findings/{second}/status", data={"csrf_token": token, "status": "dismissed",
                                                           "note": "商品名称，非宣传"}).status_code == 200
    with store.session() as s:
        after = precision_of_rule(s, rule)
    assert (after.confirmed, after.dismissed) == (before.confirmed + 1, before.dismissed + 1)
    page = client.get(f"/findings/{first}").text
    line = re.search(r'id="rule-precision">(.*?)</p>', page, re.S)
    assert line and precision_label(after) in line.group(1) and "近90天研判准确率" in line.group(1)

    view = client.get("/rules")
    assert view.status_code == 200
    row = re.search(rf'<tr id="rule-{rule}">(.*?)</tr>', view.text, re.S)
    assert row, "the rule is listed"
    assert f"<td>{after.confirmed}</td><td>{after.dismissed}</td>" in row.group(1)
    assert f"{after.precision:.0%}" in row.group(1)
    undecided = re.search(r'<tr id="rule-GOV-FAKE-STATE-BODY">(.*?)</tr>', view.text, re.S)
    assert undecided and "—" in undecided.group(1)


def test_rule_view_needs_a_login(anon) -> None:  # noqa: ANN001
    r = anon.get("/rules", follow_redirects=False)
    assert r.status_code in (302, 303) and "/login" in r.headers["location"]
