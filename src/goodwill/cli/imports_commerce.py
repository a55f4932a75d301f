"""`goodwill import-reviews FILE.csv` and `goodwill import-orders FILE.csv`.

The boundary: one transaction per batch; bad rows are reported with their line and reason and
never block the others; running the same file again stores nothing twice (external id, or a
hash of the row's identifying fields)."""

import csv
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import BinaryIO, TypeVar

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.orm import Session

from goodwill.cli.common import console, load_settings, open_database
from goodwill.commerce.csv_rows import (
    OrderColumns,
    OrderRow,
    ReviewColumns,
    ReviewRow,
    RowError,
    order_row,
    review_row,
)
from goodwill.commerce.services.import_rows import BatchOutcome, import_orders, import_reviews
from goodwill.core.db import Database
from goodwill.schema import upgrade_to_head

DEFAULT_BATCH = 1000
SHOWN_PROBLEMS = 20
MAX_FIELD_BYTES = 10_000_000  # the csv module's 128 KiB default stops at one long review
Row = TypeVar("Row", ReviewRow, OrderRow)
Parse = Callable[[dict[str, str | None], int], Row]
Store = Callable[[Session, Sequence[Row]], BatchOutcome]


class CsvProblem(Exception):
    """The file cannot be imported at all; the message says what to fix."""


@dataclass(slots=True)
class ImportSummary:
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def add(self, outcome: BatchOutcome) -> None:
        self.stored += outcome.stored
        self.duplicates += outcome.duplicates
        self.rejected.extend(outcome.rejected)


def _lines(handle: BinaryIO, advance: Callable[[int], None]) -> Iterator[str]:
    first = True
    for raw in handle:
        advance(len(raw))
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = raw.decode("latin-1")
        if first:
            line, first = line.removeprefix("\ufeff"), False
        yield line


def _numbered_rows(
    reader: "csv.DictReader[str]",
) -> Iterator[tuple[int, dict[str, str | None]]]:
    """(first physical line of the record, row)."""
    previous = reader.line_num
    for row in reader:
        yield previous + 1, dict(row)
        previous = reader.line_num


def run_import(
    database: Database,
    handle: BinaryIO,
    *,
    header_check: Callable[[list[str]], Callable[[dict[str, str | None], int], Row]],
    store: Callable[[Session, Sequence[Row]], BatchOutcome],
    batch_size: int = DEFAULT_BATCH,
    advance: Callable[[int], None] = lambda _: None,
) -> ImportSummary:
    """Parse, then store batch by batch; each batch is one transaction."""
    reader = csv.DictReader(_lines(handle, advance))
    parse = header_check(list(reader.fieldnames or []))
    summary = ImportSummary()
    rows = _numbered_rows(reader)
    while chunk := list(islice(rows, batch_size)):
        parsed: list[Row] = []
        for line, raw in chunk:
            summary.read += 1
            try:
                parsed.append(parse(raw, line))
            except RowError as error:
                summary.rejected.append((line, str(error)))
        with database.transaction() as session:
            summary.add(store(session, parsed))
    summary.rejected.sort()
    return summary


def _column(header: list[str], given: str | None, default: str, *, required: bool) -> str | None:
    """The column to read: the one given (must exist), else the default when present."""
    if given is not None:
        if given not in header:
            raise CsvProblem(f"there is no column {given!r}; the columns are {', '.join(header)}")
        return given
    if default in header:
        return default
    if required:
        raise CsvProblem(
            f"there is no column {default!r}; name it with --{default.replace('_', '-')}-column "
            f"(the columns are {', '.join(header)})"
        )
    return None


@dataclass(frozen=True, slots=True)
class ReviewOptions:
    date: str | None = None
    rating: str | None = None
    text: str | None = None
    title: str | None = None
    email: str | None = None
    product: str | None = None
    external_id: str | None = None
    scale_column: str | None = None
    scale: int = 5
    source: str = "import"


def review_parser(
    options: ReviewOptions, now: datetime
) -> Callable[[list[str]], Callable[[dict[str, str | None], int], ReviewRow]]:
    def check(header: list[str]) -> Callable[[dict[str, str | None], int], ReviewRow]:
        columns = ReviewColumns(
            date=_column(header, options.date, "date", required=False),
            rating=_column(header, options.rating, "rating", required=True) or "rating",
            text=_column(header, options.text, "text", required=True) or "text",
            title=_column(header, options.title, "title", required=False),
            email=_column(header, options.email, "email", required=False),
            product=_column(header, options.product, "product", required=False),
            external_id=_column(header, options.external_id, "external_id", required=False),
            scale=_column(header, options.scale_column, "scale", required=False),
        )
        if columns.date is None:
            console.print("[yellow]No date column: the reviews are dated today.[/yellow]")
        return lambda row, line: review_row(
            row, line, columns, scale=options.scale, now=now, source=options.source
        )

    return check


@dataclass(frozen=True, slots=True)
class OrderOptions:
    email: str | None = None
    date: str | None = None
    amount: str | None = None
    currency: str | None = None
    product: str | None = None
    external_id: str | None = None


def order_parser(
    options: OrderOptions,
) -> Callable[[list[str]], Callable[[dict[str, str | None], int], OrderRow]]:
    def check(header: list[str]) -> Callable[[dict[str, str | None], int], OrderRow]:
        columns = OrderColumns(
            email=_column(header, options.email, "email", required=True) or "email",
            date=_column(header, options.date, "date", required=True) or "date",
            amount=_column(header, options.amount, "amount", required=True) or "amount",
            currency=_column(header, options.currency, "currency", required=False),
            product=_column(header, options.product, "product", required=False),
            external_id=_column(header, options.external_id, "external_id", required=False),
        )
        return lambda row, line: order_row(row, line, columns)

    return check


@contextmanager
def _progress_bar(total: int, *, enabled: bool) -> Iterator[Callable[[int], None]]:
    if not enabled:
        yield lambda _: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn())
    with Progress(*columns, TimeRemainingColumn(), console=console, transient=True) as progress:
        task = progress.add_task("importing", total=total)
        yield lambda size: progress.advance(task, size)


def print_summary(summary: ImportSummary, noun: str) -> None:
    console.print(
        f"Read {summary.read} rows: {summary.stored} {noun} stored, "
        f"{summary.duplicates} already there, {len(summary.rejected)} rejected."
    )
    for line, reason in summary.rejected[:SHOWN_PROBLEMS]:
        console.print(f"  line {line}: {reason}")
    if len(summary.rejected) > SHOWN_PROBLEMS:
        console.print(f"  ... and {len(summary.rejected) - SHOWN_PROBLEMS} more")


def _run_file(
    path: Path,
    header_check: Callable[[list[str]], Callable[[dict[str, str | None], int], Row]],
    store: Callable[[Session, Sequence[Row]], BatchOutcome],
    *,
    batch_size: int,
    progress: bool,
) -> ImportSummary:
    if not path.is_file():
        console.print(f"[red]Error:[/red] {path} is not a file; give the path of a CSV file")
        sys.exit(2)
    csv.field_size_limit(MAX_FIELD_BYTES)
    settings = load_settings()
    upgrade_to_head(settings.database_url)
    database = open_database(settings)
    try:
        with path.open("rb") as handle, _progress_bar(path.stat().st_size, enabled=progress) as adv:
            return run_import(
                database,
                handle,
                header_check=header_check,
                store=store,
                batch_size=batch_size,
                advance=adv,
            )
    except (CsvProblem, csv.Error) as error:
        console.print(f"[red]Error:[/red] {path}: {error}")
        sys.exit(2)
    finally:
        database.dispose()


def _source_name(path: Path) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", path.stem.lower()).strip("-")[:40] or "import"


def import_reviews_command(  # noqa: PLR0913, PLR0917 - one option per column
    path: Path = typer.Argument(..., help="a CSV file with a header row"),
    scale: int = typer.Option(5, help="the rating scale, 5 or 10 (a scale column overrides it)"),
    date_column: str | None = typer.Option(None, help="default: date (absent: dated today)"),
    rating_column: str | None = typer.Option(None, help="default: rating"),
    text_column: str | None = typer.Option(None, help="default: text"),
    title_column: str | None = typer.Option(None, help="default: title, when present"),
    email_column: str | None = typer.Option(None, help="default: email, when present"),
    product_column: str | None = typer.Option(None, help="default: product, when present"),
    id_column: str | None = typer.Option(None, help="default: external_id, when present"),
    scale_column: str | None = typer.Option(None, help="default: scale, when present"),
    source: str | None = typer.Option(
        None, help="where the reviews come from; ids are per source (default: file name)"
    ),
    batch_size: int = typer.Option(DEFAULT_BATCH, min=1, max=20_000, help="rows per commit"),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="show a progress bar"),
) -> None:
    """Import reviews; customers are found or created by email. Safe to run again."""
    if scale not in (5, 10):
        console.print(f"[red]Error:[/red] --scale must be 5 or 10, not {scale}")
        sys.exit(2)
    now = datetime.now(UTC)
    options = ReviewOptions(
        date=date_column,
        rating=rating_column,
        text=text_column,
        title=title_column,
        email=email_column,
        product=product_column,
        external_id=id_column,
        scale_column=scale_column,
        scale=scale,
        source=source or _source_name(path),
    )
    summary = _run_file(
        path,
        review_parser(options, now),
        lambda session, rows: import_reviews(session, rows, now=now),
        batch_size=batch_size,
        progress=progress,
    )
    print_summary(summary, "reviews")


def import_orders_command(  # noqa: PLR0913, PLR0917 - one option per column
    path: Path = typer.Argument(..., help="a CSV file with a header row"),
    email_column: str | None = typer.Option(None, help="default: email"),
    date_column: str | None = typer.Option(None, help="default: date"),
    amount_column: str | None = typer.Option(None, help="default: amount (e.g. 12.50)"),
    currency_column: str | None = typer.Option(None, help="default: currency (absent: USD)"),
    product_column: str | None = typer.Option(None, help="default: product, when present"),
    id_column: str | None = typer.Option(None, help="default: external_id, when present"),
    batch_size: int = typer.Option(DEFAULT_BATCH, min=1, max=20_000, help="rows per commit"),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="show a progress bar"),
) -> None:
    """Import orders; customers are found or created by email. Safe to run again."""
    now = datetime.now(UTC)
    options = OrderOptions(
        email=email_column,
        date=date_column,
        amount=amount_column,
        currency=currency_column,
        product=product_column,
        external_id=id_column,
    )
    summary = _run_file(
        path,
        order_parser(options),
        lambda session, rows: import_orders(session, rows, now=now),
        batch_size=batch_size,
        progress=progress,
    )
    print_summary(summary, "orders")
