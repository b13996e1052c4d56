"""Serve the bundled demo storefronts over real HTTP, one port per site, with the standard library.

Each folder under ``sites/`` with a ``site.json`` (``name``, ``port_offset``, ``charset``,
``needs_javascript``) is one storefront, served on ``base_port + port_offset``; ``base_port=0``
gives every site an ephemeral port (what tests use, so they never clash with a running demo).
"""

from __future__ import annotations

import functools
import json
import logging
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from errors import InputError

log = logging.getLogger(__name__)

DEMO_DIR = Path(__file__).resolve().parent
SITES_DIR = DEMO_DIR / "sites"
REGISTRY_CSV = DEMO_DIR / "registry.csv"
REGISTRY_XLSX = DEMO_DIR / "registry.xlsx"
DEFAULT_BASE_PORT = 8701
ROBOTS_TXT = b"User-agent: *\nAllow: /\n"
_HIDDEN = frozenset({"/site.json"})


@dataclass(frozen=True, slots=True)
class SiteSpec:
    """One demo storefront as described by its ``site.json``."""

    slug: str
    name: str
    root: Path
    port_offset: int
    charset: str
    needs_javascript: bool


@dataclass(frozen=True, slots=True)
class ServedSite:
    """A storefront being served: its spec and where."""

    spec: SiteSpec
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    @property
    def name(self) -> str:
        return self.spec.name


def load_sites(sites_dir: Path = SITES_DIR) -> list[SiteSpec]:
    """Read every ``<sites_dir>/*/site.json``, ordered by port offset."""
    if not sites_dir.is_dir():
        raise InputError(f"demo sites folder not found: {sites_dir}")
    specs = []
    for meta in sorted(sites_dir.glob("*/site.json")):
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
            specs.append(SiteSpec(slug=meta.parent.name, name=str(data["name"]), root=meta.parent,
                                  port_offset=int(data["port_offset"]), charset=str(data.get("charset", "utf-8")),
                                  needs_javascript=bool(data.get("needs_javascript", False))))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{meta}: bad site description ({exc!r})") from exc
    if not specs:
        raise InputError(f"no demo sites (*/site.json) in {sites_dir}")
    offsets = [s.port_offset for s in specs]
    if len(set(offsets)) != len(offsets):
        raise InputError(f"{sites_dir}: two sites share a port_offset ({sorted(offsets)})")
    return sorted(specs, key=lambda s: s.port_offset)


class _SiteHandler(SimpleHTTPRequestHandler):
    """Static files of one site: charset on text types, robots.txt, 404 for folders and metadata."""

    server_version = "storewatch-demo/1"
    charset = "utf-8"

    def guess_type(self, path: str | Any) -> str:
        ctype = super().guess_type(path)
        if ctype == "text/html":
            return f"text/html; charset={self.charset}"
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
            return f"{ctype}; charset=utf-8"
        return ctype

    def send_head(self):  # type: ignore[no-untyped-def]
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path in _HIDDEN:
            self.send_error(404, "Not Found")
            return None
        if path == "/robots.txt" and not (Path(self.directory) / "robots.txt").exists():
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(ROBOTS_TXT)))
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(ROBOTS_TXT)
            return None
        return super().send_head()

    def list_directory(self, path: str | Any) -> None:  # no directory listings
        self.send_error(404, "Not Found")
        return None

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (signature of the base class)
        log.debug("%s %s", self.address_string(), format % args)


class DemoServers:
    """Handle on the running demo servers; ``stop()`` (or leaving the ``with`` block) shuts them down."""

    def __init__(self, sites: list[ServedSite], servers: list[ThreadingHTTPServer]) -> None:
        self.sites = sites
        self._servers = servers
        self._threads = [threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.2},
                                          name=f"demo-{site.spec.slug}", daemon=True)
                         for site, s in zip(sites, servers, strict=True)]
        for t in self._threads:
            t.start()

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for t in self._threads:
            t.join(timeout=5)
        self._servers = []

    def __enter__(self) -> DemoServers:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def serve(sites_dir: Path | str = SITES_DIR, host: str = "127.0.0.1",
          base_port: int = DEFAULT_BASE_PORT) -> DemoServers:
    """Start serving every demo site in ``sites_dir`` (in background threads) and return the handle."""
    specs = load_sites(Path(sites_dir))
    servers: list[ThreadingHTTPServer] = []
    served: list[ServedSite] = []
    try:
        for spec in specs:
            port = base_port + spec.port_offset if base_port else 0
            handler = type(f"Handler_{spec.slug.replace('-', '_')}", (_SiteHandler,), {"charset": spec.charset})
            try:
                server = ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(spec.root)))
            except OSError as exc:
                raise InputError(f"cannot serve demo site {spec.name} on {host}:{port}: {exc.strerror}"
                                 " (choose another --base-port)") from exc
            server.daemon_threads = True
            servers.append(server)
            served.append(ServedSite(spec=spec, host=host, port=server.server_address[1]))
    except BaseException:
        for server in servers:
            server.server_close()
        raise
    log.info("demo storefronts on %s", ", ".join(s.url for s in served))
    return DemoServers(served, servers)
