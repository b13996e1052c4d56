"""Storefront fixture sites served over real HTTP on 127.0.0.1 (threaded stdlib server).

Each :class:`Site` is one host (one port). Routes are plain callables returning
``(status, headers, body)`` where body is bytes or an iterator of byte chunks (for slow drips and
huge pages). Every request is counted per path, so tests can assert what was (not) fetched.
"""

from __future__ import annotations

import io
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Body = bytes | Iterator[bytes]
Route = Callable[[str], tuple[int, dict[str, str], Body]]


class Site:
    def __init__(self, name: str, address: str = "127.0.0.1", port: int = 0) -> None:
        self.name = name
        self.address = address
        self.bind_port = port
        self.routes: dict[str, Route] = {}
        self.prefix_routes: list[tuple[str, Route]] = []
        self.hits: Counter[str] = Counter()
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    # -- routes -------------------------------------------------------------------------------
    def page(self, path: str, html: str, *, encoding: str = "utf-8", status: int = 200,
             content_type: str | None = None) -> None:
        body = html.encode(encoding)
        ctype = content_type if content_type is not None else f"text/html; charset={encoding}"
        headers = {"Content-Type": ctype} if ctype else {}
        self.routes[path] = lambda _p: (status, headers, body)

    def raw(self, path: str, route: Route) -> None:
        self.routes[path] = route

    def prefix(self, prefix: str, route: Route) -> None:
        self.prefix_routes.append((prefix, route))

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.routes[path] = lambda _p: (status, {"Location": location, "Content-Length": "0"}, b"")

    # -- server -------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.server_address[1]

    @property
    def host(self) -> str:
        return f"{self.address}:{self.port}"

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}{path}"

    def start(self) -> Site:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                path = self.path
                site.hits[path.split("?")[0]] += 1
                site.hits["*"] += 1
                route = site.routes.get(path) or site.routes.get(path.split("?")[0])
                if route is None:
                    for prefix, r in site.prefix_routes:
                        if path.startswith(prefix):
                            route = r
                            break
                if route is None:
                    status, headers, body = 404, {"Content-Type": "text/html; charset=utf-8"}, \
                        "<html><body><h1>404 页面不存在</h1></body></html>".encode()
                else:
                    status, headers, body = route(path)
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    if isinstance(body, bytes):
                        if "Content-Length" not in headers:
                            self.send_header("Content-Length", str(len(body)))
                        self.end_headers()
                        self.wfile.write(body)
                    else:
                        if "Content-Length" not in headers:
                            self.send_header("Connection", "close")
                            self.close_connection = True
                        self.end_headers()
                        for chunk in body:
                            self.wfile.write(chunk)
                            self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer((self.address, self.bind_port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name=f"site-{self.name}", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def png(width: int, height: int, text: str = "") -> bytes:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (width, height), (200, 30, 30))
    if text:
        ImageDraw.Draw(im).text((2, 2), text, fill=(255, 255, 255))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def slow_drip(seconds: float, chunks: int = 20) -> Route:
    def route(_p: str) -> tuple[int, dict[str, str], Body]:
        def gen() -> Iterator[bytes]:
            yield b"<html><body><p>"
            for _ in range(chunks):
                time.sleep(seconds / chunks)
                yield "慢".encode()
            yield b"</p></body></html>"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, gen()
    return route


def huge(size: int, declare_length: bool) -> Route:
    def route(_p: str) -> tuple[int, dict[str, str], Body]:
        chunk = ("<p>" + "大" * 1000 + "</p>\n").encode()
        def gen() -> Iterator[bytes]:
            yield b"<html><body>"
            sent = 12
            while sent < size:
                yield chunk
                sent += len(chunk)
        headers = {"Content-Type": "text/html; charset=utf-8"}
        if declare_length:
            headers["Content-Length"] = str(size + (len(chunk) - size % len(chunk)) % len(chunk) + 12)
        return 200, headers, gen()
    return route
