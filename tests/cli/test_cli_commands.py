"""The command line as a user runs it: clear sentences and exit codes for bad input."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

TEST_SECRET = "test-secret-key-0123456789abcdef"


def run_cli(
    *args: str, env_extra: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOODWILL_")}
    env.update({"COLUMNS": "200", "NO_COLOR": "1", **(env_extra or {})})
    return subprocess.run(
        [sys.executable, "-m", "goodwill.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    return {
        "GOODWILL_SECRET_KEY": TEST_SECRET,
        "GOODWILL_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
    }


def test_missing_secret_is_a_sentence_and_exit_2(tmp_path: Path) -> None:
    result = run_cli("migrate", cwd=tmp_path)
    assert result.returncode == 2
    assert "GOODWILL_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_users_and_tokens(cli_env: dict[str, str], tmp_path: Path) -> None:
    assert run_cli("migrate", env_extra=cli_env, cwd=tmp_path).returncode == 0
    created = run_cli(
        "users",
        "create",
        "--email",
        "Lead@Example.com",
        "--password",
        "long enough pw",
        "--role",
        "manager",
        env_extra=cli_env,
        cwd=tmp_path,
    )
    assert created.returncode == 0, created.stderr
    token = run_cli(
        "tokens", "create", "--email", "lead@example.com", env_extra=cli_env, cwd=tmp_path
    )
    assert token.returncode == 0 and token.stdout.strip().startswith("gw_")


@pytest.mark.parametrize(
    ("_case", "args", "message"),
    [
        (
            "short password",
            ["users", "create", "--email", "a@b.example", "--password", "short"],
            "at least 8",
        ),
        (
            "bad role",
            [
                "users",
                "create",
                "--email",
                "a@b.example",
                "--password",
                "long enough pw",
                "--role",
                "boss",
            ],
            "boss",
        ),
        ("unknown agent", ["tokens", "create", "--email", "nobody@example.com"], "no agent"),
        ("zero conversations", ["seed", "--conversations", "0"], "greater than or equal to 1"),
    ],
)
def test_bad_input_exits_non_zero_with_a_sentence(
    _case: str, args: list[str], message: str, cli_env: dict[str, str], tmp_path: Path
) -> None:
    assert run_cli("migrate", env_extra=cli_env, cwd=tmp_path).returncode == 0
    result = run_cli(*args, env_extra=cli_env, cwd=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_jobs_lists_registered_handlers(cli_env: dict[str, str], tmp_path: Path) -> None:
    result = run_cli("jobs", env_extra=cli_env, cwd=tmp_path)
    assert result.returncode == 0
    assert "conversations.check_sla\tevery 0:01:00" in result.stdout
    assert "conversations.deliver_message\ton demand" in result.stdout
    assert "core.purge_finished_jobs\tevery 1:00:00" in result.stdout


def test_unknown_email_backend_is_refused_at_start(cli_env: dict[str, str], tmp_path: Path) -> None:
    result = run_cli(
        "migrate", env_extra=cli_env | {"GOODWILL_EMAIL_BACKEND": "carrier-pigeon"}, cwd=tmp_path
    )
    assert result.returncode == 2
    assert "GOODWILL_EMAIL_BACKEND" in result.stderr
