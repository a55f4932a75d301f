"""`goodwill import-mail PATH`: move a team's mail history in from .eml files, a Maildir or an mbox.

This module is the boundary: it commits one transaction per batch, so a crash loses at most the
batch in progress, and running the same import again stores nothing twice."""

import logging
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from goodwill.cli.common import console, load_settings, open_database
from goodwill.core.db import Database
from goodwill.mail.import_threads import ImportThreads
from goodwill.mail.parse_pool import ParsedBatch, default_workers, parsed_batches
from goodwill.mail.services.import_mail import (
    BatchOutcome,
    import_context,
    import_mail_batch,
    record_import_breaches,
    reject_unstorable,
)
from goodwill.mail.services.import_prepare import ImportContext
from goodwill.mail.sources import (
    MailFormat,
    MailSource,
    MailSourceError,
    SourceMessage,
    open_mail_source,
)
from goodwill.schema import upgrade_to_head
from goodwill.settings import Settings

log = logging.getLogger("goodwill.mail.import")
DEFAULT_BATCH = 1000
SYSTEMIC_FAILURES = 20  # this many messages in a row that cannot be stored: stop


@dataclass(slots=True)
class ImportSummary:
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    bounces: int = 0
    conversations: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    unreadable: int = 0
    seconds: float = 0.0

    def add(self, outcome: BatchOutcome) -> None:
        self.stored += outcome.stored
        self.duplicates += outcome.duplicates
        self.bounces += outcome.bounces
        self.conversations += outcome.conversations
        self.rejected.extend(outcome.rejected)
        self.unreadable += outcome.unreadable


def _batches(items: Iterator[SourceMessage], size: int) -> Iterator[list[SourceMessage]]:
    while batch := list(islice(items, size)):
        yield batch


def run_mail_import(
    database: Database,
    source: MailSource,
    *,
    settings: Settings,
    now: datetime,
    limit: int | None = None,
    batch_size: int = DEFAULT_BATCH,
    workers: int | None = None,
    advance: Callable[[int, int], None] = lambda _bytes, _messages: None,
) -> ImportSummary:
    """Import every message of `source` (at most `limit`); `advance(bytes_done, messages)`.
    `workers` parsing processes (default: one per CPU but one)."""
    started = time.perf_counter()
    with database.transaction() as session:
        context = import_context(session, settings, now=now)
    state = ImportThreads()
    summary = ImportSummary()
    messages = islice(source.messages(), limit)
    batches = parsed_batches(
        _batches(messages, batch_size),
        max_attachment_bytes=settings.max_attachment_bytes,
        workers=default_workers() if workers is None else workers,
    )
    for parsed in batches:
        batch = [item for item, _ in parsed]
        for outcome in _store(database, parsed, context, state):
            state.merge(outcome.threads)
            summary.add(outcome)
        summary.read += len(batch)
        advance(batch[-1].bytes_done, summary.read)
    _record_breaches(database, sorted(state.created), now=now)
    summary.seconds = time.perf_counter() - started
    return summary


def _store(
    database: Database, parsed: ParsedBatch, context: ImportContext, state: ImportThreads
) -> Iterator[BatchOutcome]:
    """The batch in one transaction; if that fails, message by message, so that only a
    message that cannot be stored is rejected (with the error as its reason). When every
    message of a sizeable batch fails, the fault is not in the mail: the error is raised."""
    try:
        with database.transaction() as session:
            outcome = import_mail_batch(session, parsed, context=context, state=state)
        yield outcome
        return
    except Exception:
        log.warning("a batch of %d messages failed; storing them one by one", len(parsed))
    failures: list[Exception] = []
    for single in parsed:
        try:
            with database.transaction() as session:
                outcome = import_mail_batch(session, [single], context=context, state=state)
        except Exception as error:
            failures.append(error)
            if len(failures) == SYSTEMIC_FAILURES:
                raise
            log.warning("message %s cannot be stored: %r", single[0].origin, error)
            with database.transaction() as session:
                outcome = reject_unstorable(session, single[0], error, now=context.now)
        else:
            failures.clear()
        state.merge(outcome.threads)
        outcome.threads = ImportThreads()
        yield outcome


def _record_breaches(database: Database, conversation_ids: list[int], *, now: datetime) -> None:
    for start in range(0, len(conversation_ids), DEFAULT_BATCH):
        with database.transaction() as session:
            record_import_breaches(
                session, conversation_ids[start : start + DEFAULT_BATCH], now=now
            )


@contextmanager
def _progress_bar(total_bytes: int, *, enabled: bool) -> Iterator[Callable[[int, int], None]]:
    if not enabled:
        yield lambda _bytes, _messages: None
        return
    columns = (
        TextColumn("Importing mail"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[messages]:,} messages"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("import", total=total_bytes or None, messages=0)
        yield lambda done, messages: bar.update(task, completed=done, messages=messages)


def print_summary(summary: ImportSummary, *, show: int = 10) -> None:
    rate = summary.read / summary.seconds if summary.seconds else 0.0
    typer.echo(
        f"read {summary.read:,} messages in {summary.seconds:.1f} s ({rate:,.0f} messages/s): "
        f"{summary.stored:,} stored in {summary.conversations:,} new conversations, "
        f"{summary.duplicates:,} duplicates, {summary.bounces:,} bounces, "
        f"{len(summary.rejected):,} rejected"
    )
    if not summary.rejected:
        return
    typer.echo("rejected, by reason:")
    for reason, count in Counter(reason for _, reason in summary.rejected).most_common():
        typer.echo(f"  {count:>6,}  {reason}")
    typer.echo("first rejected messages:")
    for origin, reason in summary.rejected[:show]:
        typer.echo(f"  {origin}: {reason}")


def import_mail_command(
    path: Path = typer.Argument(..., help="an .eml file, a folder of them, a Maildir or an mbox"),
    mail_format: MailFormat = typer.Option(
        MailFormat.AUTO, "--format", help="how PATH is laid out"
    ),
    limit: int | None = typer.Option(None, min=1, help="import at most this many messages"),
    batch_size: int = typer.Option(DEFAULT_BATCH, min=1, max=20_000, help="messages per commit"),
    jobs: int | None = typer.Option(
        None, min=0, help="processes that parse mail (default: CPUs - 1; 0 parses in-process)"
    ),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="show a progress bar"),
) -> None:
    """Import mail history; nothing is sent. Safe to run again: stored mail is skipped."""
    settings = load_settings()
    try:
        source = open_mail_source(path, mail_format)
    except MailSourceError as error:
        console.print(f"[red]Error:[/red] {error}")
        sys.exit(1)
    upgrade_to_head(settings.database_url)
    database = open_database(settings)
    with _progress_bar(source.total_bytes, enabled=progress) as advance:
        summary = run_mail_import(
            database,
            source,
            settings=settings,
            now=datetime.now(UTC),
            limit=limit,
            batch_size=batch_size,
            workers=jobs,
            advance=advance,
        )
    database.dispose()
    print_summary(summary)
    if summary.unreadable:
        console.print(
            f"[red]Error:[/red] {summary.unreadable} file(s) could not be read (listed above)"
        )
        sys.exit(1)
