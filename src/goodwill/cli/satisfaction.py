"""`goodwill satisfaction train`: learn predicted satisfaction now and print its error."""

from datetime import UTC, datetime

import typer

from goodwill.cli.common import console, friendly_errors, load_settings, open_database

satisfaction_app = typer.Typer(help="Predicted satisfaction.", no_args_is_help=True)


@satisfaction_app.command("train")
@friendly_errors
def train_command(
    min_ratings: int | None = typer.Option(
        None,
        min=10,
        help="rated conversations needed (default: GOODWILL_MIN_RATINGS_FOR_PREDICTION)",
    ),
    predict: bool = typer.Option(
        True, "--predict/--no-predict", help="also estimate every resolved, unrated conversation"
    ),
) -> None:
    """Learn from the rated conversations; print the 5-fold cross-validated error."""
    from goodwill.satisfaction.services.prediction import predict_batch, train

    settings = load_settings()
    needed = min_ratings if min_ratings is not None else settings.min_ratings_for_prediction
    database = open_database(settings)
    now = datetime.now(UTC)
    with database.transaction() as session:
        outcome = train(session, now=now, min_ratings=needed)
    metrics = outcome.metrics
    console.print(f"rated resolved conversations: {outcome.ratings} (needed: {needed})")
    if metrics is not None:
        console.print(
            f"5-fold cross-validated error on {metrics.n} ratings: "
            f"MAE {metrics.mae:.3f}, RMSE {metrics.rmse:.3f}; "
            f"mean baseline: MAE {metrics.baseline_mae:.3f}, RMSE {metrics.baseline_rmse:.3f}"
        )
    if outcome.problem is not None:
        console.print(f"not trusted: {outcome.problem}; no estimates are stored")
        raise typer.Exit(code=1 if outcome.model is None else 0)
    console.print("trusted: the model beats the mean rating")
    if not predict:
        return
    estimated, more = 0, True
    while more:  # one short transaction per batch
        with database.transaction() as session:
            done, more = predict_batch(session, now=now)
        estimated += done
        more = more and done > 0
    console.print(f"estimated {estimated} resolved, unrated conversation(s)")
