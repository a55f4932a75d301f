"""Sentiment jobs: score new customer messages and reviews; adapt the model to survey labels."""

import time
from datetime import timedelta
from typing import Any

from goodwill.core.jobs.enqueue import enqueue
from goodwill.core.jobs.registry import Every, JobContext, job, periodic
from goodwill.satisfaction.services.sentiment import (
    BATCH,
    MIN_NEW_LABELS,
    learn_sentiment,
    score_messages,
    score_reviews,
)

SCORE_JOB = "satisfaction.score_sentiment"
LEARN_JOB = "satisfaction.learn_sentiment"
DUTY = 0.5  # with a backlog, rest as long as each run worked


@job(SCORE_JOB)
def score_sentiment(context: JobContext, payload: dict[str, Any]) -> None:
    """Score one bounded batch of messages and of reviews; run again soon while more wait."""
    limit = int(payload.get("limit", BATCH))
    started = time.monotonic()
    messages = score_messages(context.session, now=context.now, limit=limit)
    reviews = score_reviews(context.session, now=context.now, limit=limit)
    if messages.more or reviews.more:
        worked = timedelta(seconds=time.monotonic() - started)
        enqueue(
            context.session,
            SCORE_JOB,
            {"limit": limit},
            now=context.now,
            run_after=context.now + worked / DUTY,
            dedupe_key=f"{SCORE_JOB}:after:{context.job_id}",
            max_attempts=3,
        )


@job(LEARN_JOB)
def learn_sentiment_job(context: JobContext, payload: dict[str, Any]) -> None:
    """Adapt the model when enough new survey labels arrived (see services/sentiment.py)."""
    min_new = int(payload.get("min_new", MIN_NEW_LABELS))
    learn_sentiment(context.session, now=context.now, min_new=min_new)


periodic(Every(timedelta(minutes=1), SCORE_JOB))
periodic(Every(timedelta(days=1), LEARN_JOB))
