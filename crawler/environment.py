"""The capture environment of a crawl, for the run's ``warcinfo`` record and every page's metadata:
the browser's version, the crawler machine's host name and the local address it reaches the
storefront from (Art. 22–23: who and what captured the page).

The local address is the one the operating system picks for a connection to the storefront's
(checked) address, found with a UDP ``connect`` — which sends no packet. Behind NAT the address the
storefront sees differs; the record says "local".
"""

from __future__ import annotations

import logging
import platform
import socket
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.safety import AddressPolicy, UnsafeTarget, check_host

log = logging.getLogger(__name__)


def browser_version(chromium_path: str, timeout: float = 10.0) -> str:
    """``chromium --version`` (e.g. ``Chromium 120.0.6099.224 built on Debian …``), or why it is unknown."""
    if not chromium_path or not Path(chromium_path).exists():
        return f"未找到浏览器 {chromium_path or '(未配置)'}"
    try:
        out = subprocess.run([chromium_path, "--version"], capture_output=True, text=True, timeout=timeout,  # noqa: S603
                             check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"版本未知（{type(exc).__name__}）"
    line = next((ln.strip() for ln in out.stdout.splitlines() if ln.strip()), "")
    return line or "版本未知"


def local_address(url: str, policy: AddressPolicy) -> str:
    """The local address a connection to ``url``'s host leaves from ('' when the host is refused or unknown)."""
    parts = urlsplit(url)
    if not parts.hostname:
        return ""
    try:
        addresses = check_host(parts.hostname, policy)
    except (UnsafeTarget, ValueError):
        return ""
    family = socket.AF_INET6 if ":" in addresses[0] else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as s:
            s.connect((addresses[0], parts.port or (443 if parts.scheme == "https" else 80)))
            return str(s.getsockname()[0])
    except OSError as exc:
        log.debug("no local address towards %s: %s", parts.hostname, exc)
        return ""


def capture_environment(start_url: str, policy: AddressPolicy, chromium_path: str, render: str) -> dict[str, Any]:
    """``crawler-host``, ``crawler-ip`` (local), ``browser-version``, ``os``, as recorded in the WARC."""
    browser = browser_version(chromium_path)
    if render == "never":
        browser = f"本次未使用浏览器（render = never）；本机 {browser}"
    return {"crawler-host": socket.gethostname(), "crawler-ip": local_address(start_url, policy) or "未知",
            "browser-version": browser, "os": platform.platform(terse=True)}
