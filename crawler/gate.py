"""The network gate: the one door every byte Chromium fetches passes through.

Chromium (the crawl's renderer and the PDF printer) is launched with ``--proxy-server`` pointing
at a :class:`NetworkGate` run by the crawl, and Playwright forces loopback through it too. For
each request the gate

* refuses URLs off the storefront's host (the same :class:`crawler.safety.Scope` the Scrapy
  fetcher uses) and schemes other than http (https only as ``CONNECT`` to an in-scope host),
  except GETs of subresources (never a navigation: no ``Sec-Fetch-Mode: navigate``, no
  ``Upgrade-Insecure-Requests``, no HTML ``Accept``) from ``crawler.subresource_hosts`` (the
  shop's CDN), each recorded; the browser guard lets only images, styles, fonts and scripts
  through to them, and nothing else in the crawl fetches them;
* resolves each host **once** for the run, checks every answer against the address policy and
  connects to the checked address (a name that answers differently later cannot move the
  browser: there is no second look);
* follows no redirect: a 3xx goes back to Chromium, whose next hop is a new request that
  meets the gate again (an off-host hop is refused, and the refusal names the redirect);
* caps the bytes and the time of each response; a capped body is ended cleanly (the page is
  cut and kept, not dropped) and the cut is recorded;
* records every refusal as a blocked request of the run.

Why not a proxy library: proxy.py runs its acceptors in forked worker processes and configures
plugins by class path, so refusals could not be recorded into the run without an IPC channel,
and forking the crawl child (Twisted + Playwright) is unsafe; mitmproxy pins cryptography,
pyOpenSSL and h2 to versions that clash with Scrapy's in the shared environment. HTTP framing is
not home-made here: both sides are parsed and written by ``h11``. The gate runs on its own
event loop in a daemon thread, so the crawl's blocking pipelines never stall the browser.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

import h11

from crawler.relay import READ, GateRecords, header, next_event, relay_body
from crawler.safety import AddressPolicy, Scope, SubresourceHosts, UnsafeTarget, resolve

log = logging.getLogger(__name__)
Resolver = Callable[[str], list[str]]
HOP_BY_HOP = {b"connection", b"proxy-connection", b"keep-alive", b"te", b"trailer", b"transfer-encoding",
              b"upgrade", b"proxy-authorization", b"proxy-authenticate", b"content-length"}
MAX_REQUEST_BODY = 1024 * 1024


class Refused(Exception):
    pass


class NetworkGate:
    """A filtering forward proxy on 127.0.0.1 (see the module docstring)."""

    def __init__(self, scope: Scope, policy: AddressPolicy, *, max_bytes: int, timeout: float,
                 resolver: Resolver = resolve, records: GateRecords | None = None,
                 subresources: SubresourceHosts = SubresourceHosts()) -> None:
        self.scope = scope
        self.subresources = subresources
        self.policy = policy
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.resolver = resolver
        self.records = records or GateRecords()
        self._addresses: dict[str, tuple[str, str]] = {}  # host -> (address, refusal reason)
        self._redirected_from: dict[str, str] = {}  # Location -> the URL that redirected there
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> NetworkGate:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            self._server = loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", 0))
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._thread = threading.Thread(target=run, name="network-gate", daemon=True)
        self._thread.start()
        ready.wait(10)
        if not self.port:
            raise RuntimeError("network gate did not start")
        log.info("network gate on 127.0.0.1:%d", self.port)
        return self

    @property
    def proxy_server(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        loop, server = self._loop, self._server
        if loop is None or server is None:
            return

        async def close() -> None:
            server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> NetworkGate:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- decisions ----------------------------------------------------------------------------
    async def address_of(self, host: str) -> str:
        """The one checked address of ``host`` for this run (resolved once), or raise Refused."""
        if host not in self._addresses:
            try:
                answers = await asyncio.to_thread(self.resolver, host)
                if not answers:
                    raise UnsafeTarget(f"{host} has no address")
                for a in answers:
                    try:
                        self.policy.check_ip(a)
                    except UnsafeTarget as exc:
                        raise UnsafeTarget(f"{host} resolves to {exc.reason}") from None
                    except ValueError:
                        raise UnsafeTarget(f"{host} resolves to a non-address {a!r}") from None
                self._addresses[host] = (answers[0], "")
            except UnsafeTarget as exc:
                self._addresses[host] = ("", exc.reason)
        address, reason = self._addresses[host]
        if reason:
            raise Refused(reason)
        return address

    def _check_scope(self, url: str, req: h11.Request | None = None) -> None:
        """In scope, or a subresource GET from an allowed host (``req`` None: a TLS tunnel to it)."""
        if self.scope.in_scope(url):
            return
        if self.subresources.allows(url):
            why = _navigation(req) if req is not None else ""
            if not why:
                self.records.subresource(url)
                return
            raise Refused(f"{why}: a subresource host is never navigated to")
        origin = self._redirected_from.get(url)
        if origin:
            raise Refused(f"redirect from {origin} off the storefront's host")
        raise Refused("off-host request refused")

    # -- connections --------------------------------------------------------------------------
    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=READ)
        try:
            while True:
                event = await next_event(conn, reader, self.timeout)
                if not isinstance(event, h11.Request):
                    break
                body = b""
                while True:
                    part = await next_event(conn, reader, self.timeout)
                    if isinstance(part, h11.Data):
                        body += part.data
                        if len(body) > MAX_REQUEST_BODY:
                            raise h11.RemoteProtocolError("request body too large")
                    elif isinstance(part, h11.EndOfMessage):
                        break
                    else:
                        return
                self.records.requests += 1
                if event.method == b"CONNECT":
                    await self._tunnel(conn, event, reader, writer)
                    return
                await self._forward(conn, event, body, writer)
                if conn.our_state is not h11.DONE or conn.their_state is not h11.DONE:
                    break
                conn.start_next_cycle()
        except (h11.RemoteProtocolError, h11.LocalProtocolError, ConnectionError, TimeoutError,
                asyncio.IncompleteReadError) as exc:
            log.debug("gate connection ended: %s", exc)
        except asyncio.CancelledError:
            pass
        finally:
            writer.close()

    async def _refuse(self, conn: h11.Connection, writer: asyncio.StreamWriter, url: str, reason: str,
                      status: int = 403) -> None:
        self.records.block(url, reason)
        body = f"storewatch network gate refused {url}: {reason}\n".encode()
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                   (b"x-storewatch-refused", reason.encode("ascii", "replace")[:200]), (b"connection", b"close")]
        writer.write(conn.send(h11.Response(status_code=status, headers=headers, reason=b"Refused")) or b"")
        writer.write(conn.send(h11.Data(data=body)) or b"")
        writer.write(conn.send(h11.EndOfMessage()) or b"")
        await writer.drain()

    async def _forward(self, conn: h11.Connection, req: h11.Request, body: bytes,
                       writer: asyncio.StreamWriter) -> None:
        url = req.target.decode("latin-1")
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            await self._refuse(conn, writer, url, "only absolute http:// URLs are proxied", 400)
            return
        try:
            self._check_scope(url, req)
            address = await self.address_of(parts.hostname)
        except Refused as exc:
            await self._refuse(conn, writer, url, str(exc))
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        try:
            up_reader, up_writer = await asyncio.wait_for(
                asyncio.open_connection(address, parts.port or 80), self.timeout)
        except (OSError, TimeoutError) as exc:
            await self._refuse(conn, writer, url, f"cannot connect to {address}: {exc}", 502)
            return
        try:
            await self._relay(conn, req, body, url, up_reader, up_writer, writer, deadline)
        finally:
            up_writer.close()

    async def _relay(self, conn: h11.Connection, req: h11.Request, body: bytes, url: str,
                     up_reader: asyncio.StreamReader, up_writer: asyncio.StreamWriter,
                     writer: asyncio.StreamWriter, deadline: float) -> None:
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = [(k, v) for k, v in req.headers if k.lower() not in HOP_BY_HOP and k.lower() != b"accept-encoding"]
        headers += [(b"accept-encoding", b"identity"), (b"connection", b"close")]
        if body or req.method in (b"POST", b"PUT", b"PATCH"):
            headers.append((b"content-length", str(len(body)).encode()))
        up = h11.Connection(h11.CLIENT, max_incomplete_event_size=READ)
        up_writer.write(up.send(h11.Request(method=req.method, target=target.encode("latin-1"), headers=headers))
                        or b"")
        if body:
            up_writer.write(up.send(h11.Data(data=body)) or b"")
        up_writer.write(up.send(h11.EndOfMessage()) or b"")
        await up_writer.drain()
        loop = asyncio.get_running_loop()
        resp = await next_event(up, up_reader, max(deadline - loop.time(), 0.1))
        while isinstance(resp, h11.InformationalResponse):
            resp = await next_event(up, up_reader, max(deadline - loop.time(), 0.1))
        if not isinstance(resp, h11.Response):
            await self._refuse(conn, writer, url, "no HTTP response from the server", 502)
            return
        if 300 <= resp.status_code < 400:
            location = dict((k.lower(), v) for k, v in resp.headers).get(b"location")
            if location:
                self._redirected_from[urljoin(url, location.decode("latin-1"))] = url
        coding = header(resp.headers, b"content-encoding").strip().lower()
        drop = HOP_BY_HOP | ({b"content-encoding"} if coding not in ("", "identity") else set())
        out_headers = [(k, v) for k, v in resp.headers if k.lower() not in drop]
        writer.write(conn.send(h11.Response(status_code=resp.status_code, headers=out_headers,
                                            reason=resp.reason)) or b"")
        await relay_body(self, conn, up, up_reader, writer, url, coding, deadline)
        writer.write(conn.send(h11.EndOfMessage()) or b"")
        await writer.drain()

    async def _tunnel(self, conn: h11.Connection, req: h11.Request, reader: asyncio.StreamReader,
                      writer: asyncio.StreamWriter) -> None:
        authority = req.target.decode("latin-1")
        url = f"https://{authority}/"
        host = urlsplit(url).hostname or ""
        try:
            self._check_scope(url)
            address = await self.address_of(host)
            port = urlsplit(url).port or 443
        except (Refused, ValueError) as exc:
            await self._refuse(conn, writer, url, str(exc))
            return
        try:
            up_reader, up_writer = await asyncio.wait_for(asyncio.open_connection(address, port), self.timeout)
        except (OSError, TimeoutError) as exc:
            await self._refuse(conn, writer, url, f"cannot connect to {address}: {exc}", 502)
            return
        writer.write(conn.send(h11.Response(status_code=200, headers=[], reason=b"Connection established")) or b"")
        await writer.drain()
        leftover, _closed = conn.trailing_data
        if leftover:
            up_writer.write(leftover)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter, capped: bool) -> None:
            total = 0
            try:
                while True:
                    data = await asyncio.wait_for(src.read(READ), max(deadline - loop.time(), 0.01))
                    if not data:
                        break
                    total += len(data)
                    if capped and total > self.max_bytes:
                        self.records.cut(url, f"browser byte cap on a TLS tunnel (limit {self.max_bytes})")
                        break
                    dst.write(data)
                    await dst.drain()
            except TimeoutError:
                if capped:
                    self.records.cut(url, f"browser time cap of {self.timeout:g} s on a TLS tunnel")
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer, False), pipe(up_reader, writer, True))


def _navigation(req: h11.Request) -> str:
    """Why a request to a subresource host is (or may be) a navigation, or not a plain GET ('' if neither)."""
    if req.method not in (b"GET", b"HEAD"):
        return f"method {req.method.decode('latin-1')}"
    mode, dest = header(req.headers, b"sec-fetch-mode"), header(req.headers, b"sec-fetch-dest")
    if mode == "navigate" or dest in ("document", "iframe", "frame", "embed", "object"):
        return f"navigation ({dest or mode})"
    if header(req.headers, b"upgrade-insecure-requests") or header(req.headers, b"accept").startswith("text/html"):
        return "navigation"
    return ""


# -- the crawl's gate (one crawl per process, like crawler.middlewares' browser guard) ----------
# Chromium reads only the last ``--disable-features``: Playwright passes its own list first (playwright-core's
# chromiumSwitches, 1.65), so ours carries that list on. With our two features alone Playwright's came
# back: HTTPS upgrades of http:// storefronts, paint holding, and requests of Chromium's own (optimisation
# hints, network time) that the gate refused and the run listed as blocked browser requests.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding", "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect", "TcpPortRandomizationWin", "OptimizationHints", "NetworkTimeServiceQuerying",
    "AimEnabled", "PreconnectToSearch",
)
# ours: no DNS of the browser's own, no predictive connections, and none of Chromium's background fetches
# (certificate-transparency and other component updates, translation, optimisation-guide models)
OWN_DISABLED_FEATURES = ("DnsOverHttps", "NetworkPrediction", "CertificateTransparencyComponentUpdater", "Translate",
                         "OptimizationGuideModelDownloading", "OptimizationHintsFetching", "OptimizationTargetPrediction",
                         "AutofillServerCommunication", "MediaRouter", "DialMediaRouteProvider")
BROWSER_ARGS = ("--dns-prefetch-disable", "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
                "--disable-features=" + ",".join(dict.fromkeys(PLAYWRIGHT_DISABLED_FEATURES + OWN_DISABLED_FEATURES)))
_CURRENT: NetworkGate | None = None


def current_gate() -> NetworkGate | None:
    return _CURRENT


def open_gate(state: Any, records: GateRecords | None = None) -> NetworkGate:
    """Start the gate of this crawl (its scope, policy and caps) and make it the current one."""
    global _CURRENT
    o = state.job.options
    _CURRENT = NetworkGate(state.scope, state.policy, max_bytes=o.max_page_bytes,
                           timeout=max(o.page_timeout, o.render_timeout), records=records,
                           subresources=SubresourceHosts(tuple(o.subresource_hosts))).start()
    return _CURRENT


def close_gate(gate: NetworkGate | None) -> None:
    global _CURRENT
    if gate is not None:
        gate.stop()
    if _CURRENT is gate:
        _CURRENT = None


def launch_options(launch: dict[str, Any], gate: NetworkGate | None) -> dict[str, Any]:
    """Playwright launch options with every request sent through ``gate``.

    Without a gate the browser is not launched at all (a browser with no gate is a way around
    the address policy), hence the error.
    """
    if gate is None:
        raise RuntimeError("Chromium may only run behind the crawl's network gate")
    out = dict(launch)
    out["proxy"] = {"server": gate.proxy_server}
    out["args"] = [*launch.get("args", []), *BROWSER_ARGS]
    return out
