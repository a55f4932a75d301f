"""Predicted satisfaction jobs: learn from the ratings daily, estimate resolved conversations.

`satisfaction.predict` estimates at most one batch per run and queues itself again while a
backlog remains, so a run is a short transaction however many conversations are waiting."""

from datetime import timedelta
from typing import Any

from goodwill.core.jobs.enqueue import enqueue
from goodwill.core.jobs.registry import Every, JobContext, job, periodic
from goodwill.satisfaction.services.prediction import PREDICT_BATCH, predict_batch, train

TRAIN_JOB = "satisfaction.train_prediction"
PREDICT_JOB = "satisfaction.predict"


@job(TRAIN_JOB)
def train_prediction(context: JobContext, _payload: dict[str, Any]) -> None:
    """Learn from every rated conversation; estimating follows in its own job."""
    outcome = train(
        context.session,
        now=context.now,
        min_ratings=int(context.settings.min_ratings_for_prediction),
    )
    if outcome.problem is None:
        enqueue(
            context.session,
            PREDICT_JOB,
            {},
            now=context.now,
            dedupe_key=f"{PREDICT_JOB}:after:{context.job_id}",
            max_attempts=3,
        )


@job(PREDICT_JOB)
def predict(context: JobContext, payload: dict[str, Any]) -> None:
    """Estimate one batch of resolved, unrated conversations; queue the next while more wait."""
    limit = int(payload.get("limit", PREDICT_BATCH))
    _, more = predict_batch(context.session, now=context.now, limit=limit)
    if more:
        enqueue(
            context.session,
            PREDICT_JOB,
            {"limit": limit},
            now=context.now,
            dedupe_key=f"{PREDICT_JOB}:after:{context.job_id}",
            max_attempts=3,
        )


periodic(Every(timedelta(days=1), TRAIN_JOB))
periodic(Every(timedelta(minutes=10), PREDICT_JOB))
