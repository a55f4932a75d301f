"""`goodwill analyze cause`: what each CSV row blames - the service, the product or a policy.

`goodwill analyze cause --input FILE.csv --text-column COL --output OUT.csv [--encoding ENC]`
writes the input rows (every column kept, in order) plus `cause` (service|product|policy|none)
and `cause_detail` (attitude, not_listened, slow_or_ignored, broken_promise, lacking_knowledge,
no_follow_up, defect, quality, delivery_operations, price_value, policy, or empty), read from the
text alone by goodwill.insights.cause_rules.attribute_text. The output columns are a stable
interface for scripts and evaluations. The input is streamed row by row, so its size is bounded
by the disk, not memory; the output appears only when every row was written.
"""

import codecs
import csv
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from goodwill.cli.analyze import FIELD_SIZE_LIMIT, CsvProblem, _fail
from goodwill.cli.common import console
from goodwill.insights.cause_rules import attribute_text

OUTPUT_COLUMNS = ("cause", "cause_detail")
_BARE_CR = re.compile(r"\r(?!\n)")


def _lines(handle: BinaryIO, encoding: str, progress: Progress, task: TaskID) -> Iterator[str]:
    """Decoded lines split on \\n only (a bare \\r in a field becomes a space), without a BOM."""
    decoder = codecs.getincrementaldecoder(encoding)()
    first = True
    for raw in handle:
        progress.advance(task, len(raw))
        line = decoder.decode(raw)
        if first:
            line, first = line.removeprefix("\ufeff"), False
        if "\r" in line:
            line = _BARE_CR.sub(" ", line)
        yield line
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


def attribute_rows(rows: Iterator[dict[str, str]], text_column: str) -> Iterator[dict[str, str]]:
    """Each row with its `cause` and `cause_detail`."""
    for row in rows:
        found = attribute_text(row.get(text_column) or "")
        row["cause"], row["cause_detail"] = found.cause, found.detail
        yield row


def _header(reader: "csv.DictReader[str]", text_column: str, source: Path) -> list[str]:
    fields = reader.fieldnames
    if not fields:
        raise CsvProblem(f"{source} is empty: it needs a header row naming its columns.")
    if text_column not in fields:
        available = ", ".join(repr(name) for name in fields)
        raise CsvProblem(f"{source} has no column {text_column!r}. Available columns: {available}.")
    return [*fields, *(name for name in OUTPUT_COLUMNS if name not in fields)]


def _convert(
    source: Path, text_column: str, target: Path, encoding: str, progress: Progress
) -> int:
    task = progress.add_task(f"attributing {source.name}", total=source.stat().st_size)
    count = 0
    temporary = target.with_name(f".{target.name}.partial")
    try:
        with source.open("rb") as handle, temporary.open("w", newline="", encoding="utf-8") as out:
            reader = csv.DictReader(_lines(handle, encoding, progress, task), strict=True)
            writer = csv.DictWriter(out, fieldnames=_header(reader, text_column, source))
            writer.writeheader()
            for row in attribute_rows(iter(reader), text_column):
                writer.writerow(row)
                count += 1
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return count


def _check(input_path: Path, output_path: Path, encoding: str) -> None:
    if not input_path.is_file():
        _fail(f"{input_path} does not exist or is not a file: give the CSV to attribute.")
    if not output_path.parent.exists():
        _fail(f"The folder of {output_path} does not exist: create it or choose another output.")
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        _fail(f"{encoding!r} is not a known encoding: try utf-8, cp1252 or latin-1.")
        return
    if name.startswith(("utf-16", "utf-32")):  # lines are split on the byte \n
        _fail(f"{encoding} files are not supported: save the file as UTF-8 CSV.")


def analyze_cause(
    input_path: Path = typer.Option(..., "--input", help="CSV file, one comment or review a row"),
    text_column: str = typer.Option(..., "--text-column", help="column holding the text"),
    output_path: Path = typer.Option(..., "--output", help="CSV file to write"),
    encoding: str = typer.Option("utf-8", "--encoding", help="encoding of the input file"),
) -> None:
    """Add `cause` (service|product|policy|none) and `cause_detail` to each row.

    Registered on `analyze_app` as "cause" in goodwill/cli/main.py."""
    _check(input_path, output_path, encoding)
    csv.field_size_limit(min(sys.maxsize, FIELD_SIZE_LIMIT))
    columns = [TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn()]
    try:
        with Progress(*columns, console=console, transient=True) as progress:
            count = _convert(input_path, text_column, output_path, encoding, progress)
    except CsvProblem as problem:
        _fail(str(problem))
    except UnicodeDecodeError:
        _fail(
            f"{input_path} is not {encoding} text (an invalid byte in a row): save it as UTF-8 "
            "CSV or give its encoding with --encoding (for example cp1252)."
        )
    except csv.Error as error:
        _fail(f"{input_path} is not a readable CSV ({error}).")
    console.print(f"attributed {count:,} rows -> {output_path}")
