"""`goodwill smtpd` as an operator runs it: listens, stores what it receives, stops on Ctrl-C."""

import os
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from goodwill.core.db import Database
from goodwill.mail.models import InboundMail

TEST_SECRET = "test-secret-key-0123456789abcdef"
START_SECONDS = 30


def cli_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOODWILL_")}
    return env | {
        "COLUMNS": "200",
        "NO_COLOR": "1",
        "GOODWILL_SECRET_KEY": TEST_SECRET,
        "GOODWILL_DATABASE_URL": database_url,
        "GOODWILL_INBOUND_ADDRESSES": '["help@shop.example"]',
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RunningCli:
    """A `goodwill` subprocess whose output is collected line by line."""

    def __init__(self, database_url: str, *args: str, command: str = "smtpd", **env: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "goodwill.cli", command, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=cli_env(database_url) | env,
        )
        self.lines: list[str] = []
        self.listening = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            if "SMTP server listening on" in line:
                self.listening.set()

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=START_SECONDS)
        self._reader.join(timeout=5)
        return code

    @property
    def output(self) -> str:
        return "".join(self.lines)


def send_and_check(port: int, database_url: str) -> None:
    """Send one message with smtplib and find it committed, byte for byte."""
    message_id = f"{uuid.uuid4().hex}@customer.example"
    raw = (
        f"From: ada@customer.example\r\nTo: help@shop.example\r\nSubject: Hello\r\n"
        f"Message-ID: <{message_id}>\r\n\r\nIs anyone there?\r\n"
    ).encode()
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        assert client.sendmail("ada@customer.example", ["help@shop.example"], raw) == {}
    database = Database(database_url)
    try:
        with database.reader() as session:
            query = select(InboundMail.raw).where(InboundMail.message_id_header == message_id)
            assert list(session.scalars(query)) == [raw]
    finally:
        database.dispose()


@pytest.fixture
def smtpd_process(file_database_url: str) -> Iterator[tuple[RunningCli, int]]:
    port = free_port()
    running = RunningCli(file_database_url, "--host", "127.0.0.1", "--port", str(port))
    try:
        yield running, port
    finally:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait()


def test_smtpd_receives_mail_and_stops_on_ctrl_c(
    smtpd_process: tuple[RunningCli, int], file_database_url: str
) -> None:
    running, port = smtpd_process
    assert running.listening.wait(START_SECONDS), running.output
    assert f"SMTP server listening on 127.0.0.1:{port}" in running.output
    send_and_check(port, file_database_url)
    assert running.stop() == 0
    assert "SMTP server stopped" in running.output
    assert "Traceback" not in running.output
    assert "Is anyone there" not in running.output  # bodies are never logged


def test_a_busy_port_exits_non_zero_with_a_sentence(file_database_url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        running = RunningCli(file_database_url, "--host", "127.0.0.1", "--port", str(port))
        code = running.process.wait(timeout=START_SECONDS)
        running.stop()
    assert code != 0
    assert f"Port {port} on 127.0.0.1 is already in use" in running.output
    assert "Traceback" not in running.output


def test_an_unmigrated_database_is_refused_at_start(tmp_path: Path) -> None:
    running = RunningCli(f"sqlite:///{tmp_path / 'empty.db'}", "--port", str(free_port()))
    code = running.process.wait(timeout=START_SECONDS)
    running.stop()
    assert code == 1
    assert "run `goodwill migrate` first" in running.output
    assert "Traceback" not in running.output


def test_serve_runs_the_smtp_server_when_enabled(file_database_url: str) -> None:
    smtp_port = free_port()
    running = RunningCli(
        file_database_url,
        "--port",
        str(free_port()),
        command="serve",
        GOODWILL_SMTPD_ENABLED="true",
        GOODWILL_SMTPD_PORT=str(smtp_port),
    )
    try:
        assert running.listening.wait(START_SECONDS), running.output
        send_and_check(smtp_port, file_database_url)
    finally:
        code = running.stop()
    assert code == 0, running.output
    assert "smtp server stopped" in running.output
    assert "Traceback" not in running.output
