from __future__ import annotations

import pytest

from crawler.safety import AddressPolicy, Scope, UnsafeTarget, check_host, check_url, host_key


@pytest.mark.parametrize(("ip", "policy", "allowed"), [
    ("8.8.8.8", AddressPolicy(), True),
    ("127.0.0.1", AddressPolicy(), False),
    ("127.0.0.1", AddressPolicy(allow_loopback=True), True),
    ("::1", AddressPolicy(), False),
    ("10.1.2.3", AddressPolicy(), False),
    ("10.1.2.3", AddressPolicy(allow_private=True), True),
    ("192.168.1.1", AddressPolicy(allow_loopback=True), False),
    ("169.254.169.254", AddressPolicy(allow_private=True), False),  # cloud metadata: link-local
    ("100.64.0.1", AddressPolicy(), False),  # carrier-grade NAT is not global
    ("0.0.0.0", AddressPolicy(allow_private=True, allow_loopback=True), False),
    ("224.0.0.1", AddressPolicy(allow_private=True), False),
    ("::ffff:127.0.0.1", AddressPolicy(), False),  # IPv4-mapped loopback
    ("10.9.8.7", AddressPolicy(allowed_networks=("10.9.0.0/16",)), True),
    ("10.8.8.7", AddressPolicy(allowed_networks=("10.9.0.0/16",)), False),
])
def test_address_policy(ip: str, policy: AddressPolicy, allowed: bool) -> None:
    if allowed:
        policy.check_ip(ip)
    else:
        with pytest.raises(UnsafeTarget):
            policy.check_ip(ip)


def test_dns_answers_are_checked() -> None:
    # "localhost" is a name, not an IP literal: the refusal comes from its DNS answer
    with pytest.raises(UnsafeTarget, match="localhost resolves to loopback"):
        check_host("localhost", AddressPolicy())
    assert "127.0.0.1" in check_host("localhost", AddressPolicy(allow_loopback=True))


def test_only_http_schemes() -> None:
    with pytest.raises(UnsafeTarget, match="scheme"):
        check_url("file:///etc/passwd", AddressPolicy(allow_loopback=True))


@pytest.mark.parametrize(("a", "b"), [
    ("http://www.Shop.cn/x", "shop.cn"),
    ("https://shop.cn:443/", "shop.cn"),
    ("http://127.0.0.1:8001/a", "127.0.0.1:8001"),
    ("www.shop.cn:8080", "shop.cn:8080"),
])
def test_host_key(a: str, b: str) -> None:
    assert host_key(a) == b


def test_scope_is_host_and_port() -> None:
    scope = Scope.for_urls(["http://127.0.0.1:8001/"])
    assert scope.in_scope("http://127.0.0.1:8001/about")
    assert not scope.in_scope("http://127.0.0.1:8002/about")  # another port is another site
    assert not scope.in_scope("http://evil.example/")
    assert not scope.in_scope("ftp://127.0.0.1:8001/")
    assert Scope.for_urls(["http://www.shop.cn/"]).in_scope("http://shop.cn/x")
