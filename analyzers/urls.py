"""URL helpers for rules (pure string functions)."""

from __future__ import annotations

from urllib.parse import urlsplit

_SECOND_LEVEL = frozenset({"com.cn", "net.cn", "org.cn", "gov.cn", "edu.cn", "ac.cn", "co.uk", "com.hk"})


def host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def site_of(h: str) -> str:
    """Registrable domain: shop.example.com.cn -> example.com.cn."""
    parts = h.split(".")
    if len(parts) >= 3 and ".".join(parts[-2:]) in _SECOND_LEVEL:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def same_site(a: str, b: str) -> bool:
    ha, hb = host(a), host(b)
    return bool(ha) and bool(hb) and site_of(ha) == site_of(hb)


def host_matches(h: str, suffix: str) -> bool:
    return h == suffix or h.endswith("." + suffix)


def basename(url: str) -> str:
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    return path.rsplit("/", 1)[-1].lower()
