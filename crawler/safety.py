"""Which URLs and addresses a crawl may touch (DESIGN.md, "Safety").

Two questions, kept apart:

* **host scope** — only the storefront's registered host(s) are crawled; a host is compared with
  its port (``127.0.0.1:8001`` and ``127.0.0.1:8002`` are different sites) and a leading ``www.``
  is ignored;
* **address policy** — private, loopback, link-local, multicast, reserved and unspecified
  addresses are refused unless the settings allow them (``allow_loopback``, ``allow_private``,
  ``allowed_networks``). The policy is applied to IP literals, to every DNS answer (a name that
  resolves to 10.0.0.1 is refused) and, through the Scrapy resolver, at connect time.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeTarget(Exception):
    """A URL or address the crawl must not touch; ``reason`` says why (recorded as a cut)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    allow_loopback: bool = False
    allow_private: bool = False
    allowed_networks: tuple[str, ...] = ()

    def networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(n, strict=False) for n in self.allowed_networks]

    def check_ip(self, ip: str | IPAddress) -> None:
        """Raise :class:`UnsafeTarget` if this address may not be contacted."""
        addr = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
        if isinstance(addr, ipaddress.IPv6Address):
            embedded = embedded_ipv4(addr)
            if embedded is not None:
                if any(addr in net for net in self.networks()):
                    return
                try:
                    self.check_ip(embedded)
                except UnsafeTarget as exc:
                    raise UnsafeTarget(f"{addr} embeds {exc.reason}") from None
                addr = embedded
        if any(addr in net for net in self.networks()):
            return
        if addr.is_loopback:
            if self.allow_loopback:
                return
            raise UnsafeTarget(f"loopback address {addr} refused (allow_loopback is off)")
        if addr.is_unspecified or addr.is_multicast or addr.is_reserved:
            raise UnsafeTarget(f"address {addr} is not a routable host address")
        if addr.is_link_local:
            raise UnsafeTarget(f"link-local address {addr} refused")
        if addr.is_private or not addr.is_global:
            if self.allow_private:
                return
            raise UnsafeTarget(f"private address {addr} refused (allow_private is off)")


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")


def embedded_ipv4(addr: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries (mapped, 6to4, NAT64, Teredo, IPv4-compatible)."""
    if addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    if addr.sixtofour is not None:
        return addr.sixtofour
    if addr.teredo is not None:
        return addr.teredo[1]
    if addr in _NAT64 or addr in _NAT64_LOCAL:
        return ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
    if int(addr) >> 32 == 0 and int(addr) > 1:  # ::a.b.c.d (deprecated IPv4-compatible)
        return ipaddress.IPv4Address(int(addr))
    return None


def host_key(url_or_host: str) -> str:
    """``host[:port]`` of a URL, lower-cased, default ports dropped, leading ``www.`` removed."""
    if "://" in url_or_host:
        parts = urlsplit(url_or_host)
        host = (parts.hostname or "").lower()
        try:
            port = parts.port
        except ValueError:
            port = None
        if port is not None and (parts.scheme, port) in (("http", 80), ("https", 443)):
            port = None
    else:
        raw = url_or_host.strip().lower().rstrip("/")
        host, port = raw, None
        if raw.startswith("["):
            end = raw.find("]")
            host = raw[1:end]
            if raw[end + 1:end + 2] == ":":
                port = int(raw[end + 2:])
        elif raw.count(":") == 1:
            h, _, p = raw.partition(":")
            host = h
            port = int(p) if p.isdigit() else None
            if port in (80, 443):
                port = None
    host = host.rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    return f"{host}:{port}" if port is not None else host


@dataclass(frozen=True, slots=True)
class Scope:
    """The registered host(s) of one storefront."""

    hosts: frozenset[str]

    @classmethod
    def for_urls(cls, urls: Iterable[str]) -> Scope:
        return cls(frozenset(host_key(u) for u in urls if u))

    def in_scope(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        return host_key(url) in self.hosts


SUBRESOURCE_TYPES = frozenset({"image", "stylesheet", "font", "script"})


@dataclass(frozen=True, slots=True)
class SubresourceHosts:
    """Hosts (``crawler.subresource_hosts``) whose images, styles, fonts and scripts the browser may
    load for the storefront's pages, e.g. its CDN. Never navigated to, never crawled, never a link
    followed; every address rule still applies. ``cdn.example.com`` (any port), ``cdn.example.com:8080``
    (that port) or ``*.example.com`` (its sub-domains)."""

    entries: tuple[str, ...] = ()

    def allows(self, url: str) -> bool:
        if not self.entries or urlsplit(url).scheme not in ("http", "https"):
            return False
        key = host_key(url)
        host = key.rsplit(":", 1)[0] if key.count(":") == 1 else key
        for entry in self.entries:
            entry = entry.strip().lower()
            if entry.startswith("*."):
                if host.endswith(entry[1:]):
                    return True
                continue
            entry = host_key(entry)
            if key == entry or host == entry:
                return True
        return False


def subresource_host_error(entry: str) -> str:
    """Why ``entry`` is not a valid subresource host ('' when it is)."""
    e = entry.strip().lower()
    if not e or "/" in e or "@" in e or " " in e:
        return f"{entry!r} is not a host name (no scheme, path or spaces: cdn.example.com or *.example.com)"
    name = e[2:] if e.startswith("*.") else e
    name, _, port = name.partition(":") if name.count(":") == 1 else (name, "", "")
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        return f"{entry!r}: port {port!r} is not a port number"
    if "*" in name or not name or name.startswith(".") or ".." in name:
        return f"{entry!r} is not a host name (a wildcard only as the leading '*.')"
    return ""


def resolve(host: str) -> list[str]:
    """All addresses a name resolves to (IP literals resolve to themselves)."""
    try:
        ipaddress.ip_address(host)
        return [host]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError as exc:
        raise UnsafeTarget(f"DNS lookup of {host} failed: {exc}") from exc
    return sorted({str(info[4][0]) for info in infos})


def check_host(host: str, policy: AddressPolicy) -> list[str]:
    """Resolve ``host`` and check every answer; return the addresses or raise UnsafeTarget."""
    addresses = resolve(host)
    if not addresses:
        raise UnsafeTarget(f"{host} has no address")
    for address in addresses:
        try:
            policy.check_ip(address)
        except UnsafeTarget as exc:
            raise UnsafeTarget(f"{host} resolves to {exc.reason}") from None
    return addresses


def check_url(url: str, policy: AddressPolicy) -> list[str]:
    """Check the scheme and the address(es) behind a URL's host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UnsafeTarget(f"scheme {parts.scheme!r} is not crawled")
    if not parts.hostname:
        raise UnsafeTarget(f"URL without host: {url}")
    return check_host(parts.hostname, policy)
