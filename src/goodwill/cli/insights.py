"""`goodwill insights rebuild`: rebuild the conversation facts the dashboards read."""

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import NoReturn

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from sqlalchemy import func, select
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, ProgrammingError

from goodwill.cli.common import console, friendly_errors, load_settings
from goodwill.core.db import Database

insights_app = typer.Typer(help="Insights: conversation facts and reports.", no_args_is_help=True)

DATABASE_ERRORS = (ArgumentError, NoSuchModuleError, OperationalError, ProgrammingError)


@insights_app.command("rebuild")
@friendly_errors
def rebuild(
    batch_size: int = typer.Option(
        2000, min=1, max=5000, help="conversations per transaction (one batch of queries each)"
    ),
    database_url: str | None = typer.Option(
        None, "--database-url", help="database to rebuild (default: GOODWILL_DATABASE_URL)"
    ),
    workers: int = typer.Option(
        1, min=1, max=16, help="processes computing batches while this one writes (2 on 2 cores)"
    ),
    quiet: bool = typer.Option(False, "--quiet", help="no progress bar"),
    rollup_only: bool = typer.Option(
        False, "--rollup-only", help="only recompute the daily rollup from the facts as they are"
    ),
) -> None:
    """Recompute the facts of every conversation (one row each; spam has none) and with them
    the daily rollup the dashboards read."""
    from goodwill.conversations.models import Conversation
    from goodwill.insights.services.facts import rebuild_all_facts

    url = database_url or load_settings().database_url
    started = time.perf_counter()
    if rollup_only:
        _rebuild_rollup(url, started)
        return
    try:
        database = Database(url)
        with database.reader() as session:
            total = session.scalar(select(func.count()).select_from(Conversation)) or 0
        with _progress(total, enabled=not quiet) as advance:
            written = rebuild_all_facts(
                database,
                datetime.now(UTC),
                batch_size=batch_size,
                progress=advance,
                workers=workers,
            )
    except DATABASE_ERRORS as error:
        _database_problem(url, error)
    seconds = time.perf_counter() - started
    rate = total / seconds if seconds else 0.0
    console.print(
        f"rebuilt facts of {written:,} conversations ({total - written:,} spam or skipped) "
        f"in {seconds:.1f} s ({rate:,.0f} conversations/s)"
    )


def _rebuild_rollup(url: str, started: float) -> None:
    from goodwill.insights.services.rollup import rebuild_rollup

    try:
        rows = rebuild_rollup(Database(url))
    except DATABASE_ERRORS as error:
        _database_problem(url, error)
    seconds = time.perf_counter() - started
    console.print(f"rebuilt the daily rollup: {rows:,} rows in {seconds:.1f} s")


def _database_problem(url: str, error: Exception) -> NoReturn:
    shown = url.split("@")[-1] if "@" in url else url  # never print a password
    reason = str(getattr(error, "orig", None) or error).splitlines()[0]
    console.print(
        f"[red]Error:[/red] cannot rebuild facts in the database {shown!r}: {reason}. "
        "Check GOODWILL_DATABASE_URL (or --database-url) and run `goodwill migrate` first."
    )
    sys.exit(2)


@contextmanager
def _progress(total: int, *, enabled: bool) -> Iterator[Callable[[int], None]]:
    """A rich progress bar over `total` conversations (hidden with --quiet)."""
    columns = (
        TextColumn("Rebuilding facts"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, disable=not enabled) as bar:
        task = bar.add_task("facts", total=total)
        yield lambda count: bar.advance(task, count)
