"""The gate's book-keeping and the relay of one response body, under the byte and time caps.

Split from :mod:`crawler.gate` (the proxy server and its decisions); see that module's docstring.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

import h11

from crawler.unzip import BoundedDecoder, Undecodable

log = logging.getLogger("crawler.gate")
MAX_RECORDS = 500  # blocked requests, cuts and foreign subresources kept per run (the counts go on)
READ = 64 * 1024


@dataclass
class GateRecords:
    """What the gate refused, cut and let in from subresource hosts; bounded lists, full counts."""

    blocked: list[dict[str, str]] = field(default_factory=list)
    cuts: list[dict[str, str]] = field(default_factory=list)
    subresources: list[str] = field(default_factory=list)  # fetched from crawler.subresource_hosts
    blocked_count: int = 0
    cut_count: int = 0
    subresource_count: int = 0
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def block(self, url: str, reason: str, by: str = "network gate") -> None:
        log.info("%s refused %s: %s", by, url, reason)
        with self.lock:
            self.blocked_count += 1
            if len(self.blocked) < MAX_RECORDS:
                self.blocked.append({"url": url, "reason": reason, "by": by})

    def subresource(self, url: str) -> None:
        with self.lock:
            self.subresource_count += 1
            if len(self.subresources) < MAX_RECORDS and url not in self.subresources:
                self.subresources.append(url)

    def cut(self, url: str, reason: str) -> None:
        log.info("gate cut %s: %s", url, reason)
        with self.lock:
            self.cut_count += 1
            if len(self.cuts) < MAX_RECORDS:
                self.cuts.append({"url": url, "reason": reason})


def header(headers: Any, name: bytes) -> str:
    return next((v.decode("latin-1") for k, v in headers if k.lower() == name), "")


async def next_event(conn: h11.Connection, reader: asyncio.StreamReader, timeout: float) -> Any:
    while True:
        event = conn.next_event()
        if event is not h11.NEED_DATA:
            return event
        data = await asyncio.wait_for(reader.read(READ), max(timeout, 0.01))
        conn.receive_data(data)


async def relay_body(gate: Any, conn: h11.Connection, up: h11.Connection, up_reader: asyncio.StreamReader,
                      writer: asyncio.StreamWriter, url: str, coding: str, deadline: float) -> None:
    """Pass the body on as identity bytes, at most ``max_bytes`` of them, decoded or not.

    A server that compresses despite ``Accept-Encoding: identity`` is decoded here, so the cap
    is on what the browser would hold (a compression bomb is cut, not inflated).
    """
    decoder = None
    if coding not in ("", "identity"):
        try:
            decoder = BoundedDecoder(coding, gate.max_bytes)
        except ValueError:
            gate.records.cut(url, f"content-encoding {coding!r} not decodable by the network gate: body withheld")
            return
    loop = asyncio.get_running_loop()
    read = sent = 0
    try:
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError
            event = await next_event(up, up_reader, left)
            if isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
                break
            if not isinstance(event, h11.Data):
                continue
            read += len(event.data)
            data = decoder.feed(event.data) if decoder is not None else event.data
            over = sent + len(data) > gate.max_bytes or (decoder is not None and decoder.over)
            data = data[: gate.max_bytes - sent]
            if data:
                writer.write(conn.send(h11.Data(data=data)) or b"")
                sent += len(data)
                await writer.drain()
            if over:
                gate.records.cut(url, f"decompressed size over the browser cap: first {sent} decoded bytes "
                                      f"kept (limit {gate.max_bytes}; {coding} body, {read} bytes read; "
                                      "compression bomb?)" if decoder is not None else
                                      f"browser byte cap: first {sent} bytes kept (limit {gate.max_bytes})")
                break
            if decoder is not None and read > gate.max_bytes:
                gate.records.cut(url, f"browser byte cap on a {coding} body: {read} compressed bytes read, "
                                      f"first {sent} decoded bytes kept (limit {gate.max_bytes})")
                break
    except TimeoutError:
        gate.records.cut(url, f"browser time cap of {gate.timeout:g} s: first {sent} bytes kept")
    except h11.RemoteProtocolError as exc:
        gate.records.cut(url, f"broken response after {sent} bytes: {exc}")
    except Undecodable as exc:
        gate.records.cut(url, f"{exc}: first {sent} bytes kept")
