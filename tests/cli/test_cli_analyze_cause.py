"""`goodwill analyze cause`: CSV in, `cause` and `cause_detail` out; clear errors, exit code 2."""

import subprocess
from pathlib import Path

from support.analyze_cli import read_csv, run_analyze_command, write_csv


def run_cause(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_analyze_command("cause", *args, cwd=cwd)


def test_attributes_each_row_and_keeps_the_input_columns(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "reviews.csv",
        [
            ["id", "review", "stars"],
            ["1", "The agent was rude and nobody called me back", "1"],
            ["2", "Stopped working after a week.\nPoor quality.", "2"],
            ["3", "They refused to refund me: company policy", "1"],
            ["4", "Lovely, thank you", "5"],
            ["5", "", "3"],
        ],
    )
    target = tmp_path / "out.csv"
    result = run_cause(
        "--input", str(source), "--text-column", "review", "--output", str(target), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "attributed 5 rows" in result.stderr + result.stdout
    rows = read_csv(target)
    assert list(rows[0]) == ["id", "review", "stars", "cause", "cause_detail"]
    assert [(r["cause"], r["cause_detail"]) for r in rows] == [
        ("service", "no_follow_up"),
        ("product", "defect"),
        ("policy", "policy"),
        ("none", ""),
        ("none", ""),
    ]
    assert rows[1]["review"] == "Stopped working after a week.\nPoor quality."
    assert not list(tmp_path.glob(".*.partial"))


def test_other_encodings_bom_and_existing_output_columns(tmp_path: Path) -> None:
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("text,cause\nLe vendeur était rude,old\n".encode("latin-1"))
    target = tmp_path / "out.csv"
    refused = run_cause(
        "--input", str(latin), "--text-column", "text", "--output", str(target), cwd=tmp_path
    )
    assert refused.returncode == 2
    assert "not utf-8 text" in refused.stderr and "--encoding" in refused.stderr
    assert not target.exists()
    result = run_cause(
        "--input", str(latin), "--text-column", "text", "--output", str(target),
        "--encoding", "latin-1", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = read_csv(target)
    assert list(rows[0]) == ["text", "cause", "cause_detail"]  # the cause column is replaced
    assert rows[0] == {
        "text": "Le vendeur était rude",
        "cause": "service",
        "cause_detail": "attitude",
    }
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeffbody\nThe parcel was lost\n".encode())
    result = run_cause(
        "--input", str(bom), "--text-column", "body", "--output", str(target), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert read_csv(target)[0]["cause_detail"] == "delivery_operations"


def test_missing_file_column_empty_file_and_bad_encoding_exit_2(tmp_path: Path) -> None:
    result = run_cause(
        "--input", "nope.csv", "--text-column", "body", "--output", "out.csv", cwd=tmp_path
    )
    assert result.returncode == 2
    assert "nope.csv does not exist" in result.stderr
    source = write_csv(tmp_path / "in.csv", [["id", "message"], ["1", "Hi"]])
    result = run_cause(
        "--input", str(source), "--text-column", "body", "--output", "out.csv", cwd=tmp_path
    )
    assert result.returncode == 2
    assert "no column 'body'" in result.stderr and "'id', 'message'" in result.stderr
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    result = run_cause(
        "--input", str(empty), "--text-column", "body", "--output", "out.csv", cwd=tmp_path
    )
    assert result.returncode == 2
    assert "is empty" in result.stderr
    result = run_cause(
        "--input", str(source), "--text-column", "message", "--output", "out.csv",
        "--encoding", "klingon", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "'klingon' is not a known encoding" in result.stderr
    result = run_cause(
        "--input", str(source), "--text-column", "message", "--output", "out.csv",
        "--encoding", "utf-16", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "save the file as UTF-8 CSV" in result.stderr
    result = run_cause(
        "--input", str(source), "--text-column", "message", "--output", "no/such/out.csv",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_a_header_only_file_writes_a_header_only_output(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [["text"]])
    target = tmp_path / "out.csv"
    result = run_cause(
        "--input", str(source), "--text-column", "text", "--output", str(target), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert target.read_text().splitlines() == ["text,cause,cause_detail"]
