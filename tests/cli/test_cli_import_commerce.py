"""`goodwill import-reviews` and `goodwill import-orders` as a user runs them."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

TEST_SECRET = "test-secret-key-0123456789abcdef"


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GOODWILL_")}
    clean.update({"COLUMNS": "200", "NO_COLOR": "1", **env})
    return subprocess.run(
        [sys.executable, "-m", "goodwill.cli", *args],
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
        "PYTHONPATH": os.pathsep.join([str(Path.cwd() / "src"), os.environ.get("PYTHONPATH", "")]),
    }


def rows(database: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(database) as connection:
        return list(connection.execute(sql))


def test_import_reviews_reports_bad_lines_and_is_idempotent(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    csv_file = tmp_path / "reviews.csv"
    csv_file.write_text(
        "when,stars,body,mail\n"
        "2025-05-01,9,Great crew,ada@example.com\n"
        "2025-05-02,11,Too high,bo@example.com\n"
        "2025-05-03,3,Late again,bo@example.com\n"
    )
    args = (
        "import-reviews",
        str(csv_file),
        "--scale",
        "10",
        "--date-column",
        "when",
        "--rating-column",
        "stars",
        "--text-column",
        "body",
        "--email-column",
        "mail",
        "--no-progress",
    )
    first = run_cli(*args, env=cli_env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Read 3 rows: 2 reviews stored, 0 already there, 1 rejected." in first.stderr
    assert "line 3: the rating 11 is not a whole number from 1 to 10" in first.stderr
    again = run_cli(*args, env=cli_env, cwd=tmp_path)
    assert "Read 3 rows: 0 reviews stored, 2 already there, 1 rejected." in again.stderr
    database = tmp_path / "cli.db"
    assert rows(database, "SELECT rating, rating_scale FROM reviews ORDER BY rating") == [
        (3, 10),
        (9, 10),
    ]
    assert rows(database, "SELECT count(*) FROM customers") == [(2,)]


def test_import_orders(tmp_path: Path, cli_env: dict[str, str]) -> None:
    csv_file = tmp_path / "orders.csv"
    csv_file.write_text(
        "email,date,amount,currency,external_id\n"
        "ada@example.com,2025-05-01,12.50,EUR,O-1\n"
        "ada@example.com,2025-06-01,7,,O-2\n"
    )
    result = run_cli("import-orders", str(csv_file), env=cli_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Read 2 rows: 2 orders stored" in result.stderr
    assert rows(
        tmp_path / "cli.db", "SELECT external_id, amount_cents, currency FROM orders ORDER BY 1"
    ) == [
        ("O-1", 1250, "EUR"),
        ("O-2", 700, "USD"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("import-orders", "missing.csv"), "missing.csv is not a file"),
        (
            ("import-reviews", "bad.csv"),
            "there is no column 'rating'; name it with --rating-column",
        ),
        (("import-reviews", "bad.csv", "--rating-column", "nope"), "there is no column 'nope'"),
        (("import-reviews", "bad.csv", "--scale", "7"), "--scale must be 5 or 10"),
    ],
)
def test_clear_errors(
    tmp_path: Path, cli_env: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    (tmp_path / "bad.csv").write_text("date,stars,text\n2025-01-01,4,x\n")
    result = run_cli(*args, env=cli_env, cwd=tmp_path)
    assert result.returncode == 2
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
