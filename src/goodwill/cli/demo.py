"""`goodwill demo`: migrate, load demo data once, print a fresh admin login, serve."""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from goodwill.agents.roles import Role
from goodwill.agents.service import create_agent, get_agent_by_email, set_agent_password
from goodwill.cli.common import console, load_settings, open_database
from goodwill.core.db import Database
from goodwill.core.errors import NotFound
from goodwill.schema import upgrade_to_head
from goodwill.settings import Settings

DEMO_ADMIN = "admin@goodwill.example"


def _reset_admin_password(database: Database) -> str:
    """A new random password on every run, so the printed login always works."""
    password = secrets.token_urlsafe(9)
    with database.transaction() as session:
        try:
            agent = get_agent_by_email(session, DEMO_ADMIN)
        except NotFound:
            create_agent(
                session,
                email=DEMO_ADMIN,
                password=password,
                role=Role.ADMIN,
                name="Demo Admin",
                now=datetime.now(UTC),
            )
            return password
        set_agent_password(session, agent=agent, password=password)
    return password


def run_demo(*, host: str, port: int, serve_after: bool) -> None:
    from goodwill.demo.loader import load_demo

    settings = load_settings()
    upgrade_to_head(settings.database_url)
    database = open_database(settings)
    password = secrets.token_urlsafe(9)
    report = load_demo(
        database,
        now=datetime.now(UTC),
        admin_email=DEMO_ADMIN,
        admin_password=password,
        progress=True,
    )
    if report.conversations:
        console.print(f"loaded {report.conversations} conversations, {report.messages} messages")
        from goodwill.insights.services.facts import rebuild_all_facts  # the dashboards' rollup

        rebuild_all_facts(database, datetime.now(UTC))
    password = _reset_admin_password(database)
    database.dispose()
    console.rule("Goodwill demo")
    console.print(
        f"Open http://{host}:{port}/ and sign in as [bold]{DEMO_ADMIN}[/bold] "
        f"with password [bold]{password}[/bold]"
    )
    if serve_after:
        import uvicorn

        from goodwill.main import create_app

        settings = settings.model_copy(update={"run_worker_in_process": True})
        app = create_app(settings)
        with demo_mail_server(settings, app.state.database):
            uvicorn.run(app, host=host, port=port, log_level="info")


@contextmanager
def demo_mail_server(settings: Settings, database: Database) -> Iterator[None]:
    """Receive email in the demo too; a busy port only costs the demo its mail, not the web."""
    from goodwill.mail.smtpd import SmtpdStartError, SmtpServer

    server = SmtpServer(database, settings)
    try:
        server.start()
    except SmtpdStartError as error:
        console.print(f"[yellow]Email intake is off:[/yellow] {error}")
        yield
        return
    console.print(
        f"Email to [bold]{settings.support_address}[/bold] through SMTP at "
        f"{server.host}:{server.port} (outgoing mail is written to this log)"
    )
    try:
        yield
    finally:
        server.stop()
