"""Playwright launch options for Debian's chromium package; `playwright install` cannot download."""

import os
from pathlib import Path
from typing import Any

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",  # the sandbox refuses to run as root, which CI is
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)


def chromium_launch_options() -> dict[str, Any]:
    """Return kwargs for `chromium.launch()`; GOODWILL_CHROMIUM overrides the binary."""
    executable = os.environ.get("GOODWILL_CHROMIUM") or DEFAULT_CHROMIUM
    if not (Path(executable).is_file() and os.access(executable, os.X_OK)):
        raise RuntimeError(
            f"Chromium not found at {executable}: install the Debian package 'chromium' "
            "(make system-deps) or point GOODWILL_CHROMIUM at a Chromium binary"
        )
    return {"executable_path": executable, "headless": True, "args": list(CHROMIUM_ARGS)}
