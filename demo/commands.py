"""``storewatch demo …``: serve the bundled demo storefronts; no settings or store needed."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType

import click

from demo.serve import DEFAULT_BASE_PORT, REGISTRY_CSV, REGISTRY_XLSX, SITES_DIR, serve


@click.group("demo")
def demo_group() -> None:
    """演示网店：内置的四个示例网站及其备案登记表 (bundled demo storefronts)."""


@demo_group.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--base-port", type=click.IntRange(0, 65535), default=DEFAULT_BASE_PORT, show_default=True,
              help="First site's port; the others follow (0 = ephemeral ports).")
@click.option("--sites-dir", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="Folder of sites (default: the bundled demo/sites).")
def serve_cmd(host: str, base_port: int, sites_dir: Path | None) -> None:
    """Serve every demo storefront on its own port until Ctrl-C or SIGTERM."""
    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    handle = serve(sites_dir or SITES_DIR, host=host, base_port=base_port)
    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        click.echo("演示网店已启动 demo storefronts serving (Ctrl-C to stop):")
        for site in handle.sites:
            js = "  [需要 JavaScript]" if site.spec.needs_javascript else ""
            click.echo(f"  {site.url}  {site.name}{js}")
        click.echo(f"备案登记表 registry: {REGISTRY_CSV}")
        while not stop.wait(1.0):
            pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        handle.stop()
        click.echo("演示网店已停止 demo storefronts stopped.")


@demo_group.command("registry-path")
@click.option("--xlsx", is_flag=True, help="Print the Excel version's path instead of the CSV's.")
def registry_path_cmd(xlsx: bool) -> None:
    """Print the path of the bundled demo registry (for `storewatch registry import`)."""
    click.echo(str(REGISTRY_XLSX if xlsx else REGISTRY_CSV))


COMMANDS = [demo_group]
