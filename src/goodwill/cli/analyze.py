"""`goodwill analyze ...`: batch analyses of CSV files for scripts and evaluations.

`goodwill analyze steps --input FILE.csv --text-column COL --output OUT.csv` scores each row as
one agent message on the five service steps (goodwill.quality.steps.detect_message_steps) and
writes the input rows plus one 0/1 column per step and an `evidence` column. The file is
streamed row by row (csv module), so its size is bounded by the disk, not memory.
"""

import csv
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from goodwill.cli.common import console
from goodwill.quality.rubric import STEPS
from goodwill.quality.steps import detect_message_steps

analyze_app = typer.Typer(help="Analyse CSV files (service steps, ...).", no_args_is_help=True)

EVIDENCE_COLUMN = "evidence"
FIELD_SIZE_LIMIT = 16 * 1024 * 1024
_BARE_CR = re.compile(r"\r(?!\n)")


class CsvProblem(Exception):
    """The input cannot be read as the CSV the command needs; the message says what to fix."""


def _fail(message: str) -> None:
    console.print(f"[red]Error:[/red] {message}")
    raise typer.Exit(2)


def _lines(handle: BinaryIO, progress: Progress, task: TaskID) -> Iterator[str]:
    """Decoded lines split on \\n only, advancing the bar.

    A bare \\r (not part of \\r\\n) inside a field becomes a space: real exports carry them
    in unquoted fields, where the csv module would otherwise stop with an error."""
    first = True
    for raw in handle:
        progress.advance(task, len(raw))
        line = raw.decode("utf-8")
        if first:
            line, first = line.removeprefix("\ufeff"), False
        if "\r" in line:
            line = _BARE_CR.sub(" ", line)
        yield line


def _evidence(evidence: dict[str, str]) -> str:
    return "; ".join(f"{step}: {evidence[step]}" for step in STEPS if step in evidence)


def score_rows(rows: Iterator[dict[str, str]], text_column: str) -> Iterator[dict[str, str]]:
    """Each row with its five 0/1 step columns and the evidence."""
    for row in rows:
        steps = detect_message_steps(row.get(text_column) or "")
        for step in STEPS:
            row[step] = "1" if steps.done(step) else "0"
        row[EVIDENCE_COLUMN] = _evidence(steps.evidence)
        yield row


def _header(reader: "csv.DictReader[str]", text_column: str, source: Path) -> list[str]:
    fields = reader.fieldnames
    if not fields:
        raise CsvProblem(f"{source} is empty: it needs a header row naming its columns.")
    if text_column not in fields:
        available = ", ".join(repr(name) for name in fields)
        raise CsvProblem(f"{source} has no column {text_column!r}. Available columns: {available}.")
    return [*fields, *(name for name in (*STEPS, EVIDENCE_COLUMN) if name not in fields)]


def _convert(source: Path, text_column: str, target: Path, progress: Progress) -> int:
    task = progress.add_task("scoring", total=source.stat().st_size)
    count = 0
    temporary = target.with_name(f".{target.name}.partial")
    try:
        with source.open("rb") as handle, temporary.open("w", newline="", encoding="utf-8") as out:
            reader = csv.DictReader(_lines(handle, progress, task), strict=True)
            writer = csv.DictWriter(out, fieldnames=_header(reader, text_column, source))
            writer.writeheader()
            for row in score_rows(iter(reader), text_column):
                writer.writerow(row)
                count += 1
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return count


@analyze_app.command("steps")
def analyze_steps(
    input_path: Path = typer.Option(..., "--input", help="CSV file, one agent message a row"),
    text_column: str = typer.Option(..., "--text-column", help="column holding the message"),
    output_path: Path = typer.Option(..., "--output", help="CSV file to write"),
) -> None:
    """Score each row as one agent message on the five service steps (0/1 columns + evidence)."""
    if not input_path.is_file():
        _fail(f"{input_path} does not exist or is not a file: give the CSV to score.")
    if not output_path.parent.exists():
        _fail(f"The folder of {output_path} does not exist: create it or choose another output.")
    csv.field_size_limit(min(sys.maxsize, FIELD_SIZE_LIMIT))
    columns = [TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn()]
    try:
        with Progress(*columns, console=console, transient=True) as progress:
            count = _convert(input_path, text_column, output_path, progress)
    except CsvProblem as problem:
        _fail(str(problem))
    except UnicodeDecodeError:
        _fail(f"{input_path} is not UTF-8 text (an invalid byte in a row): save it as UTF-8 CSV.")
    except csv.Error as error:
        _fail(f"{input_path} is not a readable CSV ({error}).")
    console.print(f"scored {count:,} messages -> {output_path}")
