"""Streaming, size-bounded decoding of compressed HTTP bodies (for the network gate).

The gate asks every server for ``Accept-Encoding: identity``. A server that compresses anyway
could send a small body that Chromium would inflate to gigabytes, so the gate decodes the body
itself and hands the browser identity bytes, cut at the decoded limit: a compression bomb
costs at most ``limit`` bytes of output and one read of input, never the whole inflated body.
"""

from __future__ import annotations

import zlib
from typing import Any

import brotli

DECODED = ("gzip", "x-gzip", "deflate", "br")


class Undecodable(Exception):
    """The body is not valid data for its declared content-encoding."""


class BoundedDecoder:
    """Decode one content-coding chunk by chunk; never produce more than ``limit`` bytes in all.

    :meth:`feed` returns the decoded bytes of a chunk; once the limit is reached ``over`` is
    true and the caller stops (the rest of the body is never inflated).
    """

    def __init__(self, encoding: str, limit: int) -> None:
        enc = encoding.strip().lower()
        if enc not in DECODED:
            raise ValueError(f"content-encoding {encoding!r} is not decoded")
        self.encoding = enc
        self.limit = limit
        self.produced = 0
        self.over = False
        self._raw_deflate = False
        self._zlib: Any = None
        self._br: Any = None
        if enc == "br":
            self._br = brotli.Decompressor()
        else:
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS if enc != "deflate" else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> bytes:
        room = self.limit - self.produced
        if room <= 0:
            self.over = bool(data) or self.over
            return b""
        try:
            out = self._feed_br(data, room) if self._br is not None else self._feed_zlib(data, room)
        except (zlib.error, brotli.error) as exc:
            raise Undecodable(f"undecodable {self.encoding} body after {self.produced} bytes: {exc}") from None
        self.produced += len(out)
        return out

    def _feed_zlib(self, data: bytes, room: int) -> bytes:
        try:
            out: bytes = self._zlib.decompress(data, room)
        except zlib.error:
            if self.encoding != "deflate" or self._raw_deflate or self.produced:
                raise
            # "deflate" is sent raw (without the zlib header) by some servers
            self._raw_deflate = True
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._zlib.decompress(data, room)
        if self._zlib.unconsumed_tail:
            self.over = True
        return out

    def _feed_br(self, data: bytes, room: int) -> bytes:
        if not self._br.can_accept_more_data():
            # output is pending from an earlier chunk: that alone reached the limit
            self.over = True
            return b""
        out: bytes = self._br.process(data, output_buffer_limit=room)
        if len(out) >= room and not self._br.is_finished():
            self.over = True
        return out[:room]
