"""`goodwill quality rescore` (re-score history in the background) and `goodwill quality score`."""

import json
from datetime import UTC, datetime

import typer

from goodwill.cli.common import console, friendly_errors, load_settings, open_database
from goodwill.core.errors import Invalid, NotFound

quality_app = typer.Typer(help="Automatic service-quality scores.", no_args_is_help=True)


def _parse_day(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        day = datetime.strptime(text, "%Y-%m-%d")  # noqa: DTZ007 - made aware just below
    except ValueError as error:
        raise Invalid(f"--since {text!r} is not a date; write it as YYYY-MM-DD") from error
    return day.replace(tzinfo=UTC)


@quality_app.command("rescore")
@friendly_errors
def rescore(
    since: str | None = typer.Option(
        None, help="only conversations created on or after this day (YYYY-MM-DD, UTC)"
    ),
    everything: bool = typer.Option(
        False,
        "--all",
        help="re-score every conversation; without it only those unscored, changed since "
        "scored, or scored by another scorer version",
    ),
    chains: int = typer.Option(
        1, min=1, max=8, help="ranges re-scored side by side (more than 1 helps on PostgreSQL)"
    ),
    duty: float = typer.Option(
        0.5, min=0.05, max=1.0, help="share of time re-scoring works (it rests the rest)"
    ),
) -> None:
    """Queue background re-scoring of history; a running worker does it in small ranges."""
    import goodwill.jobs_index  # noqa: F401  (registers the handlers the jobs name)
    from goodwill.quality.jobs import RESCORE_CHUNK, enqueue_rescore

    start = _parse_day(since)
    database = open_database(load_settings())
    with database.transaction() as session:
        plan = enqueue_rescore(
            session,
            now=datetime.now(UTC),
            since=start,
            force=everything,
            chains=chains,
            duty=duty,
        )
    if not plan.parts:
        console.print("nothing to re-score: no conversation with an agent reply matches")
        return
    console.print(
        f"queued re-scoring of {plan.conversations:,} conversations with a reply in "
        f"{len(plan.parts)} chain(s) of {RESCORE_CHUNK}-id ranges; `goodwill worker` runs them"
    )


@quality_app.command("score")
@friendly_errors
def score(
    conversation: int = typer.Option(..., "--conversation", min=1, help="conversation id"),
    save: bool = typer.Option(True, "--save/--no-save", help="also save the score"),
) -> None:
    """Score one conversation now and print the result as JSON."""
    from goodwill.quality.services.score import score_conversations, score_now, score_row

    database = open_database(load_settings())
    now = datetime.now(UTC)
    with database.transaction() as session:
        scored = score_now(session, conversation, now=now)
        if scored is None:
            raise NotFound(f"conversation {conversation} does not exist")
        if save and scored.source.facts.first_response_at is not None:
            score_conversations(session, [conversation], now=now)
    row = score_row(scored, now=now)
    row["conversation_updated_at"] = row["conversation_updated_at"].isoformat()
    row["scored_at"] = row["scored_at"].isoformat()
    print(json.dumps(row, indent=2, ensure_ascii=False))  # noqa: T201  (stdout for scripts)
