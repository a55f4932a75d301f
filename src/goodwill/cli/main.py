"""`goodwill` commands: serve, worker, migrate, demo, seed, users, tokens, jobs, smtpd."""

import logging
import threading
from datetime import UTC, datetime

import typer
import uvicorn

from goodwill.cli.accounts import tokens_app, users_app
from goodwill.cli.analyze import analyze_app
from goodwill.cli.analyze_cause import analyze_cause
from goodwill.cli.analyze_sentiment import analyze_sentiment
from goodwill.cli.common import console, friendly_errors, load_settings, open_database
from goodwill.cli.demo import run_demo
from goodwill.cli.import_mail import import_mail_command
from goodwill.cli.imports_commerce import import_orders_command, import_reviews_command
from goodwill.cli.insights import insights_app
from goodwill.cli.mailboxes import mailboxes_app
from goodwill.cli.quality import quality_app
from goodwill.cli.satisfaction import satisfaction_app
from goodwill.cli.smtpd import smtpd, smtpd_if_enabled
from goodwill.core.clock import SystemClock
from goodwill.schema import upgrade_to_head

app = typer.Typer(
    help="Goodwill: customer service that measures the satisfaction it produces.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(mailboxes_app, name="mailboxes")
analyze_app.command("sentiment")(analyze_sentiment)
analyze_app.command("cause")(analyze_cause)
app.add_typer(analyze_app, name="analyze")
app.add_typer(quality_app, name="quality")
app.add_typer(satisfaction_app, name="satisfaction")
app.add_typer(insights_app, name="insights")
app.command("smtpd")(smtpd)
app.command("import-mail")(import_mail_command)
app.command("import-reviews")(import_reviews_command)
app.command("import-orders")(import_orders_command)


def _configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="interface to listen on"),
    port: int = typer.Option(8000, help="TCP port"),
    workers: int = typer.Option(1, min=1, help="server processes (the worker thread runs in none)"),
    with_worker: bool = typer.Option(False, "--with-worker", help="run the job worker in-process"),
) -> None:
    """Serve the web workspace and the API."""
    _configure_logging()
    settings = load_settings()
    if workers > 1:
        if with_worker:
            console.print(
                "[red]--with-worker needs --workers 1; run `goodwill worker` instead[/red]"
            )
            raise typer.Exit(2)
        with smtpd_if_enabled(settings):
            uvicorn.run(
                "goodwill.main:create_app_from_environment",
                factory=True,
                host=host,
                port=port,
                workers=workers,
                log_level="warning",
            )
        return
    from goodwill.main import create_app  # imported late: keeps `goodwill --help` fast

    if with_worker:
        settings = settings.model_copy(update={"run_worker_in_process": True})
    web_app = create_app(settings)
    with smtpd_if_enabled(settings, web_app.state.database):
        uvicorn.run(web_app, host=host, port=port, log_level="info")


@app.command()
def worker(once: bool = typer.Option(False, help="run due jobs once and exit")) -> None:
    """Run background jobs; several workers (on several machines with PostgreSQL) may run."""
    import goodwill.jobs_index  # noqa: F401  (registers handlers)
    from goodwill.core.jobs.worker import Worker, drain_jobs

    _configure_logging()
    settings = load_settings()
    job_worker = Worker(open_database(settings), clock=SystemClock(), settings=settings)
    if once:
        job_worker.schedule_periodic()
        console.print(f"ran {drain_jobs(job_worker)} jobs")
        return
    stop = threading.Event()
    try:
        job_worker.run_forever(stop, poll_seconds=settings.worker_poll_seconds)
    except KeyboardInterrupt:
        stop.set()


@app.command()
def migrate() -> None:
    """Upgrade the database to the latest schema."""
    settings = load_settings()
    upgrade_to_head(settings.database_url)
    console.print("[green]database is up to date[/green]")


@app.command()
def demo(
    host: str = typer.Option("127.0.0.1", help="interface to listen on"),
    port: int = typer.Option(8000, help="TCP port"),
    serve_after: bool = typer.Option(
        True, "--serve/--no-serve", help="start the server after loading"
    ),
) -> None:
    """Migrate, load a year of demo data (once), print the login and serve with the worker."""
    if serve_after:
        _configure_logging()  # outgoing demo mail is written to the log
    run_demo(host=host, port=port, serve_after=serve_after)


@app.command()
@friendly_errors
def seed(
    conversations: int = typer.Option(..., min=1, help="how many conversations to add"),
    seed_value: int = typer.Option(1, "--seed", help="random seed (same seed, same data)"),
) -> None:
    """Add N generated conversations (the demo generator; also the benchmark workload)."""
    from goodwill.demo.loader import seed_database

    settings = load_settings()
    upgrade_to_head(settings.database_url)
    report = seed_database(
        open_database(settings),
        conversations=conversations,
        seed=seed_value,
        now=datetime.now(UTC),
        progress=True,
    )
    rate = report.messages / report.seconds if report.seconds else 0.0
    console.print(
        f"seeded {report.conversations} conversations, {report.messages} messages, "
        f"{report.customers} customers in {report.seconds:.1f} s ({rate:,.0f} messages/s)"
    )


@app.command("jobs")
def jobs_list() -> None:
    """List every registered job and periodic schedule."""
    import goodwill.jobs_index  # noqa: F401
    from goodwill.core.jobs.registry import periodic_schedules, registered_job_names

    schedules = {every.name: every.interval for every in periodic_schedules()}
    for name in registered_job_names():
        every = schedules.get(name)
        print(f"{name}\t{'every ' + str(every) if every else 'on demand'}")  # noqa: T201
