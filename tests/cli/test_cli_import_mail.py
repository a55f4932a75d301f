"""`goodwill import-mail` as a user runs it: a summary, exit codes, sentences for bad paths."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from support.mail_archive import SUPPORT, mail, write_mbox

TEST_SECRET = "test-secret-key-0123456789abcdef"


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GOODWILL_")}
    clean.update({"COLUMNS": "200", "NO_COLOR": "1", **env})
    return subprocess.run(
        [sys.executable, "-m", "goodwill.cli", "import-mail", *args],
        capture_output=True,
        text=True,
        env=clean,
        cwd=cwd,
        timeout=180,
        check=False,
    )


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    return {
        "GOODWILL_SECRET_KEY": TEST_SECRET,
        "GOODWILL_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "GOODWILL_SUPPORT_ADDRESS": SUPPORT,
        "PYTHONPATH": os.pathsep.join([str(Path.cwd() / "src"), os.environ.get("PYTHONPATH", "")]),
    }


def archive(tmp_path: Path) -> Path:
    return write_mbox(
        tmp_path / "support.mbox",
        [
            mail("a1@customer.example"),
            mail(
                "a2@goodwill.example",
                sender=f"Support <{SUPPORT}>",
                to="maria@customer.example",
                in_reply_to="a1@customer.example",
            ),
            mail("b1@customer.example", sender="Bo <bo@customer.example>", subject="Hello"),
            b"",
            mail(None, sender="", subject="no sender"),
        ],
    )


def count(database: Path, table: str) -> int:
    with sqlite3.connect(database) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_an_mbox_is_imported_with_a_summary_and_again_as_duplicates(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    path = archive(tmp_path)
    first = run_cli(str(path), "--no-progress", env=cli_env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "read 5 messages" in first.stdout
    assert "3 stored in 2 new conversations, 0 duplicates, 0 bounces, 2 rejected" in first.stdout
    assert "empty message (no bytes)" in first.stdout
    assert "no sender address" in first.stdout
    assert f"{path}, message 4: empty message" in first.stdout
    again = run_cli(str(path), "--format", "mbox", "--no-progress", env=cli_env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "0 stored in 0 new conversations, 3 duplicates" in again.stdout
    assert count(tmp_path / "cli.db", "messages") == 3
    assert count(tmp_path / "cli.db", "inbound_mails") == 10


def test_limit_and_a_progress_bar(cli_env: dict[str, str], tmp_path: Path) -> None:
    path = archive(tmp_path)
    result = run_cli(str(path), "--limit", "2", env=cli_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "read 2 messages" in result.stdout
    assert "Importing mail" in result.stderr


def test_a_folder_of_eml_files(cli_env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "mails"
    (folder / "2024").mkdir(parents=True)
    (folder / "one.eml").write_bytes(mail("one@customer.example"))
    (folder / "2024" / "two.eml").write_bytes(mail("two@customer.example", subject="Other"))
    result = run_cli(str(folder), "--no-progress", env=cli_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "2 stored in 2 new conversations" in result.stdout


@pytest.mark.parametrize(
    ("make_path", "args", "sentence"),
    [
        (lambda tmp: tmp / "missing.mbox", [], "does not exist"),
        (lambda tmp: tmp, ["--format", "mbox"], "an mbox is a single file"),
        (lambda tmp: tmp, ["--format", "maildir"], "is not a Maildir"),
    ],
)
def test_a_bad_path_is_a_sentence_and_a_failure(
    cli_env: dict[str, str],
    tmp_path: Path,
    make_path: object,
    args: list[str],
    sentence: str,
) -> None:
    path = make_path(tmp_path)  # type: ignore[operator]
    result = run_cli(str(path), *args, env=cli_env, cwd=tmp_path)
    assert result.returncode != 0
    assert sentence in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_format_name_is_refused(cli_env: dict[str, str], tmp_path: Path) -> None:
    result = run_cli(str(archive(tmp_path)), "--format", "pst", env=cli_env, cwd=tmp_path)
    assert result.returncode == 2
    assert "pst" in result.stderr
