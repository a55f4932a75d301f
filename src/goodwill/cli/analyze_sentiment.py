"""`goodwill analyze sentiment`: the sentiment of each row of a CSV file.

`goodwill analyze sentiment --input FILE.csv --text-column COL --output OUT.csv
[--learn LABELED.csv --label-column LCOL]` writes the input rows plus `sentiment`
(negative|neutral|positive) and `sentiment_score` (-1..1). With `--learn`, the built-in model is
first adapted to the labelled rows of LABELED.csv (its text in the same COL). Labels are
negative/neutral/positive (any case), or numbers: when every label is 1-5 they are ratings
(1-2 negative, 3 neutral, 4-5 positive); otherwise 0-10 is read as NPS (0-6 negative, 7-8
neutral, 9-10 positive). Rows with an empty label are skipped. The input is streamed in
batches, so its size is bounded by the disk, not memory."""

import csv
import os
import sys
from itertools import islice
from pathlib import Path
from typing import BinaryIO

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from goodwill.cli.analyze import FIELD_SIZE_LIMIT, CsvProblem, _fail, _lines
from goodwill.cli.common import console
from goodwill.satisfaction.sentiment import (
    LABELS,
    SentimentModel,
    builtin_model,
    csat_label,
    learn,
    nps_label,
)

OUTPUT_COLUMNS = ("sentiment", "sentiment_score")
BATCH = 512


def _reader(
    handle: BinaryIO, source: Path, columns: list[str], progress: Progress
) -> "csv.DictReader[str]":
    """A CSV reader over `handle` whose header has `columns`; advances a bar by bytes read."""
    task = progress.add_task(f"reading {source.name}", total=source.stat().st_size)
    reader = csv.DictReader(_lines(handle, progress, task), strict=True)
    fields = reader.fieldnames
    if not fields:
        raise CsvProblem(f"{source} is empty: it needs a header row naming its columns.")
    for column in columns:
        if column not in fields:
            available = ", ".join(repr(name) for name in fields)
            raise CsvProblem(f"{source} has no column {column!r}. Available columns: {available}.")
    return reader


def labels_from_values(values: list[tuple[int, str]], source: Path) -> list[str]:
    """Labels for (row number, raw label) pairs, as the module docstring says."""
    words = [(row, value.strip().lower()) for row, value in values]
    if all(value in LABELS for _, value in words):
        return [value for _, value in words]
    numbers = []
    for row, value in words:
        if value in LABELS:
            raise CsvProblem(f"{source} row {row} mixes word labels with numbers: use one kind.")
        try:
            numbers.append(int(float(value)))
        except ValueError:
            raise CsvProblem(
                f"{source} row {row} has the label {value!r}: use negative, neutral or positive, "
                "a 1-5 rating or a 0-10 score."
            ) from None
        if not 0 <= numbers[-1] <= 10:
            raise CsvProblem(f"{source} row {row} has the rating {value!r}: ratings are 0-10.")
    if all(1 <= number <= 5 for number in numbers):
        return [csat_label(number) for number in numbers]
    return [nps_label(number) for number in numbers]


def _learned(
    base: SentimentModel, source: Path, text: str, label: str, progress: Progress
) -> SentimentModel:
    texts, values = [], []
    with source.open("rb") as handle:
        for number, row in enumerate(_reader(handle, source, [text, label], progress), start=2):
            if (row.get(label) or "").strip():
                texts.append(row.get(text) or "")
                values.append((number, row[label]))
    if not values:
        raise CsvProblem(f"{source} has no row with a label in {label!r}: nothing to learn from.")
    return learn(base, list(zip(texts, labels_from_values(values, source), strict=True)))


def _score_file(
    model: SentimentModel, source: Path, text: str, target: Path, progress: Progress
) -> int:
    count = 0
    temporary = target.with_name(f".{target.name}.partial")
    try:
        with source.open("rb") as handle, temporary.open("w", newline="", encoding="utf-8") as out:
            rows = _reader(handle, source, [text], progress)
            fields = list(rows.fieldnames or ())
            writer = csv.DictWriter(out, [*fields, *(c for c in OUTPUT_COLUMNS if c not in fields)])
            writer.writeheader()
            while batch := list(islice(rows, BATCH)):
                for row, found in zip(
                    batch, model.predict([r.get(text) or "" for r in batch]), strict=True
                ):
                    row["sentiment"], row["sentiment_score"] = found.label, f"{found.score:.4f}"
                    writer.writerow(row)
                count += len(batch)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return count


def _check_paths(
    input_path: Path, output_path: Path, learn_path: Path | None, label: str | None
) -> None:
    if not input_path.is_file():
        _fail(f"{input_path} does not exist or is not a file: give the CSV to score.")
    if not output_path.parent.exists():
        _fail(f"The folder of {output_path} does not exist: create it or choose another output.")
    if learn_path is not None and not learn_path.is_file():
        _fail(f"{learn_path} does not exist or is not a file: give the labelled CSV to learn from.")
    if (learn_path is None) != (label is None):
        _fail("--learn and --label-column go together: give both or neither.")


def analyze_sentiment(
    input_path: Path = typer.Option(..., "--input", help="CSV file, one customer message a row"),
    text_column: str = typer.Option(..., "--text-column", help="column holding the message"),
    output_path: Path = typer.Option(..., "--output", help="CSV file to write"),
    learn_path: Path | None = typer.Option(None, "--learn", help="labelled CSV to adapt to first"),
    label_column: str | None = typer.Option(None, "--label-column", help="label column of --learn"),
) -> None:
    """Add `sentiment` (negative|neutral|positive) and `sentiment_score` (-1..1) to each row.

    Registered on `analyze_app` as "sentiment" in goodwill/cli/main.py."""
    _check_paths(input_path, output_path, learn_path, label_column)
    csv.field_size_limit(min(sys.maxsize, FIELD_SIZE_LIMIT))
    columns = [TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn()]
    current = input_path
    try:
        with Progress(*columns, console=console, transient=True) as progress:
            model = builtin_model()
            if learn_path is not None and label_column is not None:
                current = learn_path
                model = _learned(model, learn_path, text_column, label_column, progress)
                current = input_path
            count = _score_file(model, input_path, text_column, output_path, progress)
    except CsvProblem as problem:
        _fail(str(problem))
    except UnicodeDecodeError:
        _fail(f"{current} is not UTF-8 text (an invalid byte in a row): save it as UTF-8 CSV.")
    except csv.Error as error:
        _fail(f"{current} is not a readable CSV ({error}).")
    console.print(f"scored {count:,} messages -> {output_path}")
