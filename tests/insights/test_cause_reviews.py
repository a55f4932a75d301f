"""Attributing imported low-rated reviews: only low ratings, once each, in bounded batches."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.core.clock import FixedClock
from goodwill.core.jobs.models import Job
from goodwill.core.jobs.registry import JobContext, find_handler, periodic_schedules
from goodwill.insights.cause_jobs import ATTRIBUTE_REVIEWS_JOB, attribute_reviews_job
from goodwill.insights.services.causes import attribute_reviews
from goodwill.settings import Settings
from support.cause_scenario import review

DAY = date(2026, 2, 20)


def test_low_rated_reviews_get_a_cause_and_a_detail(make: Factories, session: Session) -> None:
    rude = review(make, 1, 5, DAY, text="The shop assistant was rude and unhelpful")
    broke = review(make, 4, 10, DAY, title="Broke in a week", text="Handle came off.")
    vague = review(make, 2, 5, DAY, text="Meh.")
    happy = review(make, 5, 5, DAY, text="The assistant was rude but the kettle is great")
    middling = review(make, 3, 5, DAY, text="It leaks")
    done, more = attribute_reviews(session)
    assert (done, more) == (3, False)
    assert (rude.cause, rude.cause_detail) == ("service", "attitude")
    assert (broke.cause, broke.cause_detail) == ("product", "defect")
    assert (vague.cause, vague.cause_detail) == ("none", "")
    assert happy.cause is None and middling.cause is None


def test_attributing_twice_changes_nothing(make: Factories, session: Session) -> None:
    first = review(make, 1, 5, DAY, text="Nobody called me back")
    attribute_reviews(session)
    first.cause_detail = "kept"  # a later run must not read it again
    assert attribute_reviews(session) == (0, False)
    assert (first.cause, first.cause_detail) == ("service", "kept")


def test_the_job_works_in_batches_and_queues_the_rest(
    make: Factories, session: Session, clock: FixedClock, settings: Settings
) -> None:
    rows = [review(make, 1, 5, DAY, text=f"Overpriced, number {n}") for n in range(5)]
    context = JobContext(session, clock.now(), job_id=41, attempt=1, settings=settings)
    attribute_reviews_job(context, {"limit": 2})
    assert [row.cause for row in rows] == ["product", "product", None, None, None]
    queued = session.scalars(select(Job).where(Job.name == ATTRIBUTE_REVIEWS_JOB)).all()
    assert [(job.payload, job.dedupe_key) for job in queued] == [
        ({"limit": 2}, f"{ATTRIBUTE_REVIEWS_JOB}:after:41")
    ]
    attribute_reviews_job(replace_job(context, 42), {"limit": 3})
    assert all(row.cause_detail == "price_value" for row in rows)
    assert len(session.scalars(select(Job).where(Job.name == ATTRIBUTE_REVIEWS_JOB)).all()) == 1


def test_the_job_is_registered_and_periodic() -> None:
    assert find_handler(ATTRIBUTE_REVIEWS_JOB) is attribute_reviews_job
    assert ATTRIBUTE_REVIEWS_JOB in {every.name for every in periodic_schedules()}


def replace_job(context: JobContext, job_id: int) -> JobContext:
    return JobContext(context.session, context.now, job_id, 1, context.settings)
