"""The click context every command gets (the bottom layer: ``cli.py`` and each ``*/commands.py``
import it from here, so no role package imports ``cli``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click


class Context:
    """What every command gets: the command-line overrides and, lazily, the settings."""

    def __init__(self, config_file: Path | None, overrides: dict[str, Any],
                 on_settings: Callable[[Any], None] | None = None) -> None:
        self.config_file = config_file
        self.overrides = overrides
        self.on_settings = on_settings  # called once the settings are read (cli.py: local log times)
        self._settings: Any = None

    @property
    def settings(self) -> Any:
        if self._settings is None:
            import config

            self._settings = config.load(config_file=self.config_file, overrides=self.overrides)
            if self.on_settings is not None:
                self.on_settings(self._settings)
        return self._settings


pass_ctx = click.make_pass_decorator(Context)
