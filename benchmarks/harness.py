"""Shared benchmark plumbing: a server subprocess on a free port, an admin token, RSS readings."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx

from goodwill.agents.roles import Role
from goodwill.agents.service import create_agent, create_api_token, get_agent_by_email
from goodwill.core.db import Database
from goodwill.core.errors import NotFound
from goodwill.schema import upgrade_to_head

SECRET = "benchmark-secret-0123456789abcdef"
OUT = Path(__file__).resolve().parent / "out"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def admin_token(url: str, email: str = "bench@goodwill.example") -> str:
    """Migrate the database and return a fresh API token for an admin."""
    upgrade_to_head(url)
    database = Database(url)
    now = datetime.now(UTC)
    with database.transaction() as session:
        try:
            agent = get_agent_by_email(session, email)
        except NotFound:
            agent = create_agent(
                session,
                email=email,
                password="benchmark-password",
                role=Role.ADMIN,
                name="Bench Admin",
                now=now,
            )
        token = create_api_token(session, agent=agent, name="bench", now=now)
    database.dispose()
    return token


def rss_megabytes(pid: int) -> float:
    """Resident memory of a process and its children, in MB (from /proc)."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for each in pids:
        status = Path(f"/proc/{each}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


@contextmanager
def running_server(url: str, *, workers: int = 1) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    env = os.environ | {"GOODWILL_DATABASE_URL": url, "GOODWILL_SECRET_KEY": SECRET}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "goodwill.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start within 60 s")
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]
