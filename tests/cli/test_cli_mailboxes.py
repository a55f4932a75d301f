"""`goodwill mailboxes add|list|test|poll`; the password comes from a hidden prompt or the env."""

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from goodwill.cli.main import app
from goodwill.schema import upgrade_to_head
from support.imap_server import ImapServer, dovecot_missing_reason, running_imap_server

TEST_SECRET = "test-secret-key-0123456789abcdef"
RAW = b"From: ada@customer.example\r\nMessage-ID: <cli@customer.example>\r\n\r\nHello\r\n"


@pytest.fixture
def imap_server(tmp_path: Path) -> Iterator[ImapServer]:
    if reason := dovecot_missing_reason():
        pytest.skip(reason)
    with running_imap_server(tmp_path) as server:
        yield server


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-template") / "cli.db"
    upgrade_to_head(f"sqlite:///{path}")
    return path


@pytest.fixture
def cli_env(tmp_path: Path, migrated_database: Path) -> dict[str, str]:
    shutil.copyfile(migrated_database, tmp_path / "cli.db")
    return {
        "GOODWILL_SECRET_KEY": TEST_SECRET,
        "GOODWILL_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
    }


def invoke(env: dict[str, str], *args: str, stdin: str = "") -> Result:
    """Run the command in this process (fast); the prompt reads `stdin`."""
    return CliRunner().invoke(app, list(args), input=stdin, env=env | {"COLUMNS": "200"})


def run_cli(
    env_extra: dict[str, str], *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run `goodwill ARGS` as a user does, without a terminal: the prompt reads standard input."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOODWILL_")}
    env.update({"COLUMNS": "200", "NO_COLOR": "1", **env_extra})
    return subprocess.run(
        [sys.executable, "-m", "goodwill.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
        start_new_session=True,
    )


def add_args(server: ImapServer, name: str = "Local") -> list[str]:
    return [
        "mailboxes",
        "add",
        "--name",
        name,
        "--host",
        server.host,
        "--port",
        str(server.imap_port),
        "--security",
        "none",
        "--username",
        server.username,
    ]


def stored_mail(cli_env: dict[str, str]) -> list[bytes]:
    path = cli_env["GOODWILL_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT raw FROM inbound_mails ORDER BY id")]


def test_add_asks_for_the_password_then_poll_and_list_use_it(
    cli_env: dict[str, str], imap_server: ImapServer
) -> None:
    imap_server.append(RAW)
    password = imap_server.password
    added = run_cli(cli_env, *add_args(imap_server), stdin=f"{password}\n{password}\n")
    assert added.returncode == 0, added.stderr
    assert "added mailbox Local" in added.stderr
    assert password not in added.stdout + added.stderr

    polled = invoke(cli_env, "mailboxes", "poll", "Local")
    assert polled.exit_code == 0, polled.output
    assert "1 stored, 0 already stored, 0 could not be fetched" in polled.stderr
    assert stored_mail(cli_env) == [RAW]

    listed = invoke(cli_env, "mailboxes", "list")
    header, row = listed.stdout.strip().splitlines()
    assert header.split("\t")[0] == "name"
    assert row.split("\t")[:3] == ["Local", f"{imap_server.host}:{imap_server.imap_port}", "none"]
    assert row.split("\t")[6] == "1" and password not in listed.stdout


def test_test_logs_in_and_counts_the_messages(
    cli_env: dict[str, str], imap_server: ImapServer
) -> None:
    imap_server.append(RAW, RAW)
    password = imap_server.password
    added = invoke(cli_env, *add_args(imap_server), stdin=f"{password}\n{password}\n")
    assert added.exit_code == 0, added.output

    checked = invoke(cli_env, "mailboxes", "test", "Local")

    assert checked.exit_code == 0, checked.output
    assert "ok: 2 messages in INBOX" in checked.stderr
    assert stored_mail(cli_env) == []  # testing changes nothing


def test_the_password_can_be_read_from_the_environment_at_each_poll(
    cli_env: dict[str, str], imap_server: ImapServer
) -> None:
    imap_server.append(RAW, RAW.replace(b"<cli@", b"<cli-2@"))
    variable = "GOODWILL_IMAP_PASSWORD_LOCAL"
    added = invoke(cli_env, *add_args(imap_server), "--password-env", variable)
    assert added.exit_code == 0, added.output

    without = invoke(cli_env | {variable: ""}, "mailboxes", "poll", "Local")
    assert without.exit_code == 1 and variable in without.stderr

    polled = invoke(
        cli_env | {variable: imap_server.password}, "mailboxes", "poll", "Local", "--batch", "1"
    )
    assert polled.exit_code == 0, polled.output
    assert "2 stored" in polled.stderr  # batch after batch until none is left
    assert len(stored_mail(cli_env)) == 2


def test_a_wrong_password_fails_with_a_sentence_and_never_shows_it(
    cli_env: dict[str, str], imap_server: ImapServer
) -> None:
    wrong = "not-the-Right-one-42"
    assert invoke(cli_env, *add_args(imap_server), stdin=f"{wrong}\n{wrong}\n").exit_code == 0

    for command in ("test", "poll"):
        result = invoke(cli_env, "mailboxes", command, "Local")
        assert result.exit_code == 1, result.output
        assert "refused the login" in result.stderr
        assert wrong not in result.output and isinstance(result.exception, SystemExit)


def test_a_password_is_never_a_command_line_argument(cli_env: dict[str, str]) -> None:
    result = invoke(
        cli_env,
        *["mailboxes", "add", "--name", "X", "--host", "imap.example.test"],
        *["--username", "x@example.test", "--password", "visible-in-ps"],
    )
    assert result.exit_code == 2 and "No such option" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["mailboxes", "test", "Nowhere"], "no mailbox is named 'Nowhere'"),
        (["mailboxes", "poll", "Nowhere"], "no mailbox is named 'Nowhere'"),
        (
            [
                *["mailboxes", "add", "--name", "X", "--host", "imap.example.test:993"],
                *["--username", "x@example.test", "--password-env", "GOODWILL_IMAP_PASSWORD_X"],
            ],
            "host: String should match pattern",
        ),
        (
            [
                *["mailboxes", "add", "--name", "X", "--host", "imap.example.test"],
                *["--username", "x@example.test", "--password-env", "HOME"],
            ],
            "GOODWILL_IMAP_PASSWORD",
        ),
    ],
)
def test_mistakes_are_sentences_with_exit_code_1(
    cli_env: dict[str, str], args: list[str], message: str
) -> None:
    result = invoke(cli_env, *args)
    assert result.exit_code == 1, result.output
    assert message in result.stderr and isinstance(result.exception, SystemExit)
