"""The ``storewatch`` command: one entry point, thin; each role package brings its commands.

Exit codes: 0 ok, 1 failure, 2 bad input or usage (DESIGN.md, "Commands").
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from errors import StorewatchError
from shared.clicontext import Context

log = logging.getLogger("storewatch")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--config", "config_file", type=click.Path(path_type=Path), default=None,
              help="TOML settings file (default: ./storewatch.toml, or $STOREWATCH_CONFIG).")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None, help="Data folder (overrides settings).")
@click.option("--database-url", default=None, help="SQLAlchemy URL of the store (overrides settings).")
@click.option("-v", "--verbose", count=True, help="More logging (-v info, -vv debug).")
@click.version_option(package_name="storewatch")
@click.pass_context
def main_group(ctx: click.Context, config_file: Path | None, data_dir: Path | None,
               database_url: str | None, verbose: int) -> None:
    """storewatch — 电商网站合规监测 (compliance monitor for online storefronts)."""
    overrides: dict[str, Any] = {}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if database_url is not None:
        overrides["database_url"] = database_url
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ctx.obj = Context(config_file, overrides, on_settings=_localise_logs)


def _localise_logs(settings: Any) -> None:
    from store.clock import localise_log_handlers

    localise_log_handlers(settings.timezone)  # log times in the configured zone


def _register() -> None:
    """Attach the commands of each role package (explicit list: a broken import fails loudly)."""
    from store.commands import init_cmd, registry_group

    main_group.add_command(init_cmd)
    main_group.add_command(registry_group)
    for name, attr in (
        ("analyzers.commands", "COMMANDS"),
        ("store.evidence_commands", "COMMANDS"),
        ("crawler.commands", "COMMANDS"),
        ("index.commands", "COMMANDS"),
        ("alerts.commands", "COMMANDS"),
        ("demo.commands", "COMMANDS"),
        ("web.commands", "COMMANDS"),
        ("daemon.commands", "COMMANDS"),
        ("store.schedule_commands", "COMMANDS"),
        ("store.decisions_commands", "COMMANDS"),
    ):
        try:
            module = __import__(name, fromlist=[attr])
        except ModuleNotFoundError as exc:
            if exc.name == name:  # package not built yet
                continue
            raise
        for command in getattr(module, attr):
            main_group.add_command(command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code instead of raising SystemExit (testable in-process)."""
    _register()
    try:
        # with standalone_mode=False click *returns* the code of ``Exit(n)`` instead of raising it
        rv = main_group.main(args=list(argv) if argv is not None else None, prog_name="storewatch",
                             standalone_mode=False)
    except StorewatchError as exc:
        click.echo(f"错误 Error: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return 2 if isinstance(exc, click.UsageError | click.BadParameter) else exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return rv if isinstance(rv, int) and not isinstance(rv, bool) else 0


if __name__ == "__main__":
    sys.exit(main())
