"""Shared fixtures. Package-specific ones live in tests/<package>/conftest.py."""

from __future__ import annotations

import os

os.environ.setdefault("STOREWATCH_LOG__LEVEL", "WARNING")
