"""`goodwill analyze steps`: CSV in, the five step columns and evidence out, clear errors."""

import csv
import subprocess
from pathlib import Path

from support.analyze_cli import read_csv, run_analyze_command, write_csv

STEP_COLUMNS = ["acknowledgement", "rapport", "needs", "solution", "gratitude"]


def run_analyze(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_analyze_command("steps", *args, cwd=cwd)


def test_scores_each_row_and_keeps_the_input_columns(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "replies.csv",
        [
            ["id", "body", "channel"],
            [
                "1",
                "Hi Sarah,\n\nI'm sorry to hear the kettle leaks, that must be annoying. "
                "Could you send me a photo?\n\nThanks for your patience, anything else I can do?",
                "email",
            ],
            ["2", "Please try restarting the router, then sign in again.", "chat"],
            ["3", "Sorry sorry sorry! Thanks, thanks, thanks!", "twitter"],
            ["4", "", "email"],
        ],
    )
    target = tmp_path / "scored.csv"
    result = run_analyze(
        "--input", str(source), "--text-column", "body", "--output", str(target), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "scored 4 messages" in result.stderr
    rows = read_csv(target)
    assert list(rows[0]) == ["id", "body", "channel", *STEP_COLUMNS, "evidence"]
    assert [[row[step] for step in STEP_COLUMNS] for row in rows] == [
        ["1", "1", "1", "0", "1"],
        ["0", "0", "0", "1", "0"],
        ["0", "0", "0", "0", "0"],
        ["0", "0", "0", "0", "0"],
    ]
    assert rows[0]["evidence"].startswith("acknowledgement: Hi Sarah,; rapport: I'm sorry")
    assert rows[1]["evidence"].startswith("solution: Please try restarting")
    assert rows[0]["body"].startswith("Hi Sarah,\n\n")  # the input row is written back intact
    assert not list(tmp_path.glob(".*.partial"))


def test_real_export_quirks_bom_and_a_bare_carriage_return(tmp_path: Path) -> None:
    source = tmp_path / "export.csv"
    source.write_bytes(b"\xef\xbb\xbfid,text\n1,Hello Tom\rthe parcel ships today.\n2,Thanks.\n")
    target = tmp_path / "out.csv"
    result = run_analyze(
        "--input", str(source), "--text-column", "text", "--output", str(target), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    rows = read_csv(target)
    assert [row["id"] for row in rows] == ["1", "2"]
    assert rows[0]["acknowledgement"] == "1"


def test_missing_file_is_a_sentence_and_exit_2(tmp_path: Path) -> None:
    result = run_analyze(
        "--input", "nope.csv", "--text-column", "body", "--output", "out.csv", cwd=tmp_path
    )
    assert result.returncode == 2
    assert "nope.csv does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_column_names_the_available_ones(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [["id", "message"], ["1", "Hi"]])
    result = run_analyze(
        "--input", str(source), "--text-column", "body", "--output", "out.csv", cwd=tmp_path
    )
    assert result.returncode == 2
    assert "no column 'body'" in result.stderr
    assert "'id', 'message'" in result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_unreadable_files_exit_2(tmp_path: Path) -> None:
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("id,body\n1,Grüße aus Köln\n".encode("latin-1"))
    result = run_analyze(
        "--input", str(latin), "--text-column", "body", "--output", "out.csv", cwd=tmp_path
    )
    assert result.returncode == 2
    assert "not UTF-8" in result.stderr
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    result = run_analyze(
        "--input", str(empty), "--text-column", "body", "--output", "out.csv", cwd=tmp_path
    )
    assert result.returncode == 2
    assert "is empty" in result.stderr
    result = run_analyze(
        "--input", str(tmp_path), "--text-column", "body", "--output", "out.csv", cwd=tmp_path
    )
    assert result.returncode == 2
    assert "not a file" in result.stderr
    broken = tmp_path / "broken.csv"
    broken.write_text('id,body\n1,"never closed\n')
    result = run_analyze(
        "--input", str(broken), "--text-column", "body", "--output", "out.csv", cwd=tmp_path
    )
    assert result.returncode == 2
    assert "not a readable CSV" in result.stderr
    assert "Traceback" not in result.stderr


def test_output_folder_must_exist(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [["body"], ["Hi"]])
    result = run_analyze(
        "--input",
        str(source),
        "--text-column",
        "body",
        "--output",
        str(tmp_path / "missing" / "out.csv"),
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "does not exist" in result.stderr


def test_streams_a_large_file(tmp_path: Path) -> None:
    source = tmp_path / "big.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["n", "text"])
        for n in range(20_000):
            writer.writerow([n, f"Hi Ana, your order {n} ships today. Anything else?"])
    target = tmp_path / "out.csv"
    result = run_analyze(
        "--input", str(source), "--text-column", "text", "--output", str(target), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    rows = read_csv(target)
    assert len(rows) == 20_000
    assert rows[-1]["n"] == "19999" and rows[-1]["acknowledgement"] == "1"
