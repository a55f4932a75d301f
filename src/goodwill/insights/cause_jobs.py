"""Root cause job: attribute low-rated imported reviews to the service, the product or a policy.

`insights.attribute_reviews` runs every 10 minutes, attributes one batch of low-rated reviews
with no cause yet, and queues itself again while more wait, so each run is a short transaction.
A review once attributed is never read again: running it twice changes nothing."""

from datetime import timedelta
from typing import Any

from goodwill.core.jobs.enqueue import enqueue
from goodwill.core.jobs.registry import Every, JobContext, job, periodic
from goodwill.insights.services.causes import REVIEW_BATCH, attribute_reviews

ATTRIBUTE_REVIEWS_JOB = "insights.attribute_reviews"


@job(ATTRIBUTE_REVIEWS_JOB)
def attribute_reviews_job(context: JobContext, payload: dict[str, Any]) -> None:
    """One batch of low-rated reviews; the next batch in its own job while a backlog remains."""
    limit = int(payload.get("limit", REVIEW_BATCH))
    _, more = attribute_reviews(context.session, limit=limit)
    if more:
        enqueue(
            context.session,
            ATTRIBUTE_REVIEWS_JOB,
            {"limit": limit},
            now=context.now,
            dedupe_key=f"{ATTRIBUTE_REVIEWS_JOB}:after:{context.job_id}",
            max_attempts=3,
        )


periodic(Every(timedelta(minutes=10), ATTRIBUTE_REVIEWS_JOB))
