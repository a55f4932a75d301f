"""`goodwill analyze sentiment`: CSV in, `sentiment` and `sentiment_score` out, --learn, errors."""

import subprocess
from pathlib import Path

import pytest

from goodwill.cli.analyze import CsvProblem
from goodwill.cli.analyze_sentiment import labels_from_values
from support.analyze_cli import read_csv, run_analyze_command, write_csv


def run_sentiment(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_analyze_command("sentiment", *args, cwd=cwd)


def test_scores_each_row_and_keeps_the_input_columns(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "messages.csv",
        [
            ["id", "body", "channel"],
            ["1", "Still waiting for my refund.\nThis is the worst service ever", "email"],
            ["2", "Thanks so much, all sorted now!", "chat"],
            ["3", "What time do you open on Saturday?", "twitter"],
            ["4", "", "email"],
        ],
    )
    target = tmp_path / "scored.csv"
    result = run_sentiment(
        "--input", str(source), "--text-column", "body", "--output", str(target), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "scored 4 messages" in result.stderr
    rows = read_csv(target)
    assert list(rows[0]) == ["id", "body", "channel", "sentiment", "sentiment_score"]
    assert [row["sentiment"] for row in rows[:3]] == ["negative", "positive", "neutral"]
    scores = [float(row["sentiment_score"]) for row in rows]
    assert all(-1.0 <= score <= 1.0 for score in scores)
    assert scores[0] < 0 < scores[1]
    assert rows[0]["body"].startswith("Still waiting for my refund.\n")
    assert not list(tmp_path.glob(".*.partial"))


def test_learn_adapts_to_labelled_rows_first(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "in.csv", [["text"], ["the gizmo is florped"], ["gizmo is zingy"]]
    )
    before = tmp_path / "before.csv"
    result = run_sentiment(
        "--input", str(source), "--text-column", "text", "--output", str(before), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    labelled = [["text", "rating"]]
    for n in range(20):
        labelled.append([f"florped again {n}", "1"])
        labelled.append([f"so zingy {n}", "5"])
        labelled.append([f"gizmo serial {n}", "3"])
    labelled.append(["no label on this row", ""])
    learn_file = write_csv(tmp_path / "labels.csv", labelled)
    after = tmp_path / "after.csv"
    result = run_sentiment(
        "--input", str(source), "--text-column", "text", "--output", str(after),
        "--learn", str(learn_file), "--label-column", "rating", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    old, new = read_csv(before), read_csv(after)
    assert [row["sentiment"] for row in old] != ["negative", "positive"]
    assert [row["sentiment"] for row in new] == ["negative", "positive"]
    assert float(new[1]["sentiment_score"]) > float(old[1]["sentiment_score"])


def test_label_values() -> None:
    source = Path("labels.csv")
    assert labels_from_values([(2, "Negative"), (3, " positive ")], source) == [
        "negative",
        "positive",
    ]
    assert labels_from_values([(2, "1"), (3, "3"), (4, "5")], source) == [
        "negative",
        "neutral",
        "positive",
    ]
    assert labels_from_values([(2, "0"), (3, "7"), (4, "10"), (5, "5")], source) == [
        "negative",
        "neutral",
        "positive",
        "negative",
    ]  # a 0 or a number above 5 makes the scale NPS 0-10
    with pytest.raises(CsvProblem, match="row 3 has the label 'great'"):
        labels_from_values([(2, "1"), (3, "great")], source)
    with pytest.raises(CsvProblem, match="ratings are 0-10"):
        labels_from_values([(2, "11")], source)
    with pytest.raises(CsvProblem, match="mixes word labels"):
        labels_from_values([(2, "4"), (3, "positive")], source)


def test_missing_file_and_missing_columns_are_sentences_and_exit_2(tmp_path: Path) -> None:
    result = run_sentiment(
        "--input", "nope.csv", "--text-column", "body", "--output", "out.csv", cwd=tmp_path
    )
    assert result.returncode == 2
    assert "nope.csv does not exist" in result.stderr
    source = write_csv(tmp_path / "in.csv", [["id", "message"], ["1", "Hi"]])
    result = run_sentiment(
        "--input", str(source), "--text-column", "body", "--output", "out.csv", cwd=tmp_path
    )
    assert result.returncode == 2
    assert "no column 'body'" in result.stderr and "'id', 'message'" in result.stderr
    assert not (tmp_path / "out.csv").exists()
    labels = write_csv(tmp_path / "labels.csv", [["message", "stars"], ["Hi", "5"]])
    result = run_sentiment(
        "--input", str(source), "--text-column", "message", "--output", "out.csv",
        "--learn", str(labels), "--label-column", "grade", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "labels.csv has no column 'grade'" in result.stderr
    assert "'message', 'stars'" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_labels_and_option_mistakes_exit_2(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "in.csv", [["message"], ["Hi"]])
    labels = write_csv(tmp_path / "labels.csv", [["message", "mood"], ["Hi", "5"], ["Yo", "meh"]])
    result = run_sentiment(
        "--input", str(source), "--text-column", "message", "--output", "out.csv",
        "--learn", str(labels), "--label-column", "mood", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "row 3 has the label 'meh'" in result.stderr
    empty = write_csv(tmp_path / "empty.csv", [["message", "mood"], ["Hi", ""]])
    result = run_sentiment(
        "--input", str(source), "--text-column", "message", "--output", "out.csv",
        "--learn", str(empty), "--label-column", "mood", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "nothing to learn from" in result.stderr
    result = run_sentiment(
        "--input", str(source), "--text-column", "message", "--output", "out.csv",
        "--learn", str(labels), cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert "--learn and --label-column go together" in result.stderr
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("message\nGrüße aus Köln\n".encode("latin-1"))
    result = run_sentiment(
        "--input", str(latin), "--text-column", "message", "--output", "out.csv", cwd=tmp_path
    )
    assert result.returncode == 2
    assert "not UTF-8" in result.stderr
    assert not (tmp_path / "out.csv").exists()
