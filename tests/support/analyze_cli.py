"""Helpers for the `goodwill analyze ...` command tests: run it, write and read CSV files."""

import csv
import os
import subprocess
import sys
from pathlib import Path


def run_analyze_command(command: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`goodwill analyze COMMAND ARGS` in a subprocess, without GOODWILL_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOODWILL_")}
    env.update({"COLUMNS": "200", "NO_COLOR": "1"})
    return subprocess.run(
        [sys.executable, "-m", "goodwill.cli", "analyze", command, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
