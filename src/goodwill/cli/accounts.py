"""`goodwill users create` and `goodwill tokens create`."""

from datetime import UTC, datetime

import typer

from goodwill.agents.roles import Role
from goodwill.agents.service import create_agent, create_api_token, get_agent_by_email
from goodwill.cli.common import console, friendly_errors, load_settings, open_database

users_app = typer.Typer(help="Manage agents.", no_args_is_help=True)
tokens_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)


@users_app.command("create")
@friendly_errors
def create_user(
    email: str = typer.Option(..., help="the agent's email address (their login)"),
    password: str = typer.Option(..., help="at least 8 characters"),
    role: Role = typer.Option(Role.AGENT, help="admin, manager or agent"),
    name: str = typer.Option("", help="display name (default: from the email)"),
) -> None:
    """Create an agent account."""
    database = open_database(load_settings())
    with database.transaction() as session:
        agent = create_agent(
            session,
            email=email,
            password=password,
            role=role,
            name=name or None,
            now=datetime.now(UTC),
        )
    console.print(f"created {agent.role} {agent.email} (id {agent.id})")


@tokens_app.command("create")
@friendly_errors
def create_token(
    email: str = typer.Option(..., help="the agent the token acts as"),
    name: str = typer.Option("cli", help="a label to recognise the token by"),
) -> None:
    """Create an API token and print it (it is shown only once)."""
    database = open_database(load_settings())
    with database.transaction() as session:
        agent = get_agent_by_email(session, email)
        token = create_api_token(session, agent=agent, name=name, now=datetime.now(UTC))
    print(token)  # noqa: T201  (stdout, so scripts can capture it)
