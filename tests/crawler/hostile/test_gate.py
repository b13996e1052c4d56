"""The network gate on its own: a real HTTP client through the real proxy to servers on 127.0.0.x."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from crawler.gate import NetworkGate
from crawler.safety import AddressPolicy, Scope
from tests.crawler.sitekit import Site, huge, slow_drip

LOOPBACK = AddressPolicy(allow_loopback=True)


@pytest.fixture
def canary() -> Iterator[Site]:
    site = Site("canary", address="127.0.0.2").start()
    site.page("/secret", "<html><body>metadata</body></html>")
    yield site
    site.stop()


def fetch(gate: NetworkGate, url: str) -> tuple[int, bytes]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": gate.proxy_server}))
    try:
        with opener.open(url, timeout=30) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_redirect_hop_to_another_loopback_host_is_refused_and_recorded(shop: Site, canary: Site) -> None:
    shop.redirect("/img", canary.url("/secret"))
    with NetworkGate(Scope.for_urls([shop.url()]), LOOPBACK, max_bytes=1 << 20, timeout=10) as gate:
        status, body = fetch(gate, shop.url("/img"))  # urllib follows the 302 through the gate
    assert status == 403
    assert canary.hits["*"] == 0
    assert shop.hits["/img"] == 1
    blocked = gate.records.blocked
    assert [b["url"] for b in blocked] == [canary.url("/secret")]
    assert "redirect from " + shop.url("/img") in blocked[0]["reason"]


def test_in_scope_redirect_is_passed_back_not_followed(shop: Site) -> None:
    shop.redirect("/old", "/new")
    shop.page("/new", "<html><body>新页面</body></html>")
    with NetworkGate(Scope.for_urls([shop.url()]), LOOPBACK, max_bytes=1 << 20, timeout=10) as gate:
        status, body = fetch(gate, shop.url("/old"))
    assert status == 200 and "新页面" in body.decode()
    assert gate.records.requests == 2  # the hop was a second request through the gate
    assert not gate.records.blocked


def test_name_is_resolved_once_so_a_second_answer_is_never_reached(shop: Site) -> None:
    canary = Site("rebind-canary", address="127.0.0.3", port=shop.port).start()
    try:
        shop.page("/", "<html><body>真店</body></html>")
        canary.page("/", "<html><body>canary</body></html>")
        answers = iter([["127.0.0.1"], ["127.0.0.3"], ["127.0.0.3"]])
        calls: list[str] = []

        def resolver(host: str) -> list[str]:
            calls.append(host)
            return next(answers)

        url = f"http://shop.example:{shop.port}/"
        with NetworkGate(Scope.for_urls([url]), LOOPBACK, max_bytes=1 << 20, timeout=10,
                         resolver=resolver) as gate:
            first = fetch(gate, url)
            second = fetch(gate, url)
        assert first[0] == second[0] == 200
        assert "真店" in second[1].decode()
        assert canary.hits["*"] == 0
        assert calls == ["shop.example"]
    finally:
        canary.stop()


def test_every_answer_is_checked_and_the_refusal_is_recorded(shop: Site) -> None:
    policy = AddressPolicy(allowed_networks=("127.0.0.1/32",))  # loopback off, only this one address
    url = f"http://shop.example:{shop.port}/"
    with NetworkGate(Scope.for_urls([url]), policy, max_bytes=1 << 20, timeout=10,
                     resolver=lambda _h: ["127.0.0.1", "10.0.0.1"]) as gate:
        status, _ = fetch(gate, url)
    assert status == 403
    assert shop.hits["*"] == 0
    assert "10.0.0.1" in gate.records.blocked[0]["reason"]


@pytest.mark.parametrize("address", ["127.0.0.1", "::ffff:127.0.0.1", "2002:7f00:1::1", "64:ff9b::7f00:1",
                                     "169.254.169.254", "100.64.0.1", "224.0.0.1", "fe80::1", "fd00::1"])
def test_refused_addresses(shop: Site, address: str) -> None:
    url = f"http://shop.example:{shop.port}/"
    with NetworkGate(Scope.for_urls([url]), AddressPolicy(), max_bytes=1 << 20, timeout=10,
                     resolver=lambda _h: [address]) as gate:
        status, _ = fetch(gate, url)
    assert status == 403, address
    assert shop.hits["*"] == 0
    assert len(gate.records.blocked) == 1


def test_off_host_request_and_tunnel_are_refused(shop: Site, canary: Site) -> None:
    with NetworkGate(Scope.for_urls([shop.url()]), LOOPBACK, max_bytes=1 << 20, timeout=10) as gate:
        status, _ = fetch(gate, canary.url("/secret"))
        import http.client

        c = http.client.HTTPConnection("127.0.0.1", gate.port, timeout=10)
        c.request("CONNECT", canary.host)
        tunnel = c.getresponse().status
    assert status == 403 and tunnel == 403
    assert canary.hits["*"] == 0
    assert len(gate.records.blocked) == 2


def test_a_52_mb_page_is_capped_and_ended_cleanly(shop: Site) -> None:
    shop.raw("/big", huge(52 * 1024 * 1024, declare_length=False))
    cap = 2 * 1024 * 1024
    with NetworkGate(Scope.for_urls([shop.url()]), LOOPBACK, max_bytes=cap, timeout=30) as gate:
        status, body = fetch(gate, shop.url("/big"))
    assert status == 200
    assert len(body) == cap
    assert "byte cap" in gate.records.cuts[0]["reason"]


def test_a_slow_drip_is_cut_at_the_time_cap(shop: Site) -> None:
    shop.raw("/slow", slow_drip(30.0, chunks=30))
    with NetworkGate(Scope.for_urls([shop.url()]), LOOPBACK, max_bytes=1 << 20, timeout=2) as gate:
        status, body = fetch(gate, shop.url("/slow"))
    assert status == 200
    assert body.startswith(b"<html><body><p>") and not body.endswith(b"</html>")
    assert "time cap" in gate.records.cuts[0]["reason"]
