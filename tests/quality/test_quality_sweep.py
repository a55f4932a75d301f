"""Scoring as conversations change (the sweep and its watermarks), re-scoring history in
chained id ranges through the real worker, and the `goodwill quality` commands."""

from datetime import timedelta
from pathlib import Path

from click.testing import Result
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from factories import Factories
from goodwill.cli.main import app
from goodwill.conversations.models import Conversation
from goodwill.conversations.schemas import MessageCreate, MessageKind
from goodwill.conversations.services.messages import add_message
from goodwill.core.clock import FixedClock
from goodwill.core.db import Database
from goodwill.core.jobs.models import Job, JobStatus
from goodwill.core.jobs.registry import JobContext
from goodwill.core.jobs.worker import Worker, drain_jobs
from goodwill.quality.jobs import (
    RESCORE_RANGE_JOB,
    SCORE_CHANGED_JOB,
    enqueue_rescore,
    reading_outside_the_write_lock,
    score_changed,
)
from goodwill.quality.models import QualityScore, QualitySweepMark
from goodwill.quality.services.sweep import (
    ACTIVITY_WALK,
    ID_WALK,
    SETTLE,
    rescore_range,
    sweep_changed,
)
from goodwill.schema import upgrade_to_head
from goodwill.settings import Settings
from support.quality_threads import (
    GOOD_THREAD,
    cheap_password_hashing,  # noqa: F401  (autouse)
    thread,
)

TEST_SECRET = "test-secret-key-0123456789abcdef"


def scores(session: Session) -> dict[int, QualityScore]:
    session.expire_all()
    return {row.conversation_id: row for row in session.scalars(select(QualityScore))}


def test_the_sweep_scores_replied_conversations_once_until_they_change(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    agent = make.agent()
    replied = thread(make, session, agent=agent, lines=GOOD_THREAD, resolve=False)
    unanswered = make.conversation(body="Anyone there?")

    assert sweep_changed(session, now=clock.now()).scored == 1
    assert set(scores(session)) == {replied.id}
    assert unanswered.id not in scores(session)

    clock.advance(timedelta(minutes=5))
    assert sweep_changed(session, now=clock.now()).scored == 0  # nothing changed

    clock.advance(timedelta(minutes=5))
    data = MessageCreate(kind=MessageKind.CUSTOMER, body_text="Thanks, it arrived.")
    add_message(session, replied, data=data, actor=None, now=clock.now())
    session.flush()
    assert sweep_changed(session, now=clock.now()).scored == 1
    assert scores(session)[replied.id].conversation_updated_at == clock.now()


def test_the_activity_mark_stays_behind_changes_that_may_still_be_committing(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    thread(make, session, agent=make.agent(), lines=GOOD_THREAD)
    sweep_changed(session, now=clock.now())
    mark = session.get(QualitySweepMark, ACTIVITY_WALK)
    assert mark is not None and mark.activity_at is not None
    assert mark.activity_at <= clock.now() - SETTLE


def test_conversations_arriving_with_past_times_are_found_by_id(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    agent = make.agent()
    thread(make, session, agent=agent, lines=GOOD_THREAD)
    clock.advance(timedelta(hours=1))
    sweep_changed(session, now=clock.now())  # the activity mark is now an hour on

    imported = thread(make, session, agent=agent, lines=GOOD_THREAD)
    year_ago = clock.now() - timedelta(days=365)
    session.execute(
        update(Conversation)
        .where(Conversation.id == imported.id)
        .values(updated_at=year_ago, last_activity_at=year_ago, created_at=year_ago)
    )
    assert sweep_changed(session, now=clock.now()).scored == 1
    assert imported.id in scores(session)
    mark = session.get(QualitySweepMark, ID_WALK)
    assert mark is not None and mark.conversation_id >= imported.id


def test_a_customer_left_waiting_is_rescored_when_the_reply_target_passes(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    lines = (*GOOD_THREAD[:2], ("customer", "It is still leaking, what do I do now?"))
    waiting = thread(make, session, agent=make.agent(), lines=lines, resolve=False)
    assert sweep_changed(session, now=clock.now()).scored == 1
    assert scores(session)[waiting.id].ignored is False

    clock.advance(timedelta(hours=12))
    assert sweep_changed(session, now=clock.now()).scored == 0  # nothing changed, no target
    clock.advance(timedelta(hours=12, minutes=5))
    assert sweep_changed(session, now=clock.now()).scored == 1  # the 24 h target passed
    score = scores(session)[waiting.id]
    assert score.ignored is True
    assert "unanswered" in score.evidence["ignored"]
    assert sweep_changed(session, now=clock.now()).scored == 0  # once


def test_a_backlog_is_scored_in_runs_that_queue_the_next_at_once(
    session: Session, make: Factories, clock: FixedClock, settings: Settings
) -> None:
    agent = make.agent()
    for _ in range(5):
        thread(make, session, agent=agent, lines=GOOD_THREAD)
    result = sweep_changed(session, now=clock.now(), limit=2)
    assert (result.scored, result.more) == (2, True)

    context = JobContext(session, clock.now(), job_id=41, attempt=1, settings=settings)
    score_changed(context, {"limit": 2})
    follow_up = session.scalar(select(Job).where(Job.name == SCORE_CHANGED_JOB))
    assert follow_up is not None and follow_up.payload == {"limit": 2}
    assert len(scores(session)) == 4
    score_changed(context, {"limit": 2})
    assert len(scores(session)) == 5


def test_the_sweep_leaves_a_backlog_to_a_running_rescore_chain(
    session: Session, make: Factories, clock: FixedClock, settings: Settings
) -> None:
    agent = make.agent()
    for _ in range(3):
        thread(make, session, agent=agent, lines=GOOD_THREAD)
    enqueue_rescore(session, now=clock.now(), since=None, force=False)
    context = JobContext(session, clock.now(), job_id=42, attempt=1, settings=settings)
    score_changed(context, {"limit": 1})
    assert len(scores(session)) == 1
    follow_ups = select(func.count(Job.id)).where(Job.name == SCORE_CHANGED_JOB)
    assert session.scalar(follow_ups) == 0  # the chain rests between ranges; so must we


def test_rescoring_a_range_rescores_stale_scores_or_all_with_force(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    agent = make.agent()
    first, second = (thread(make, session, agent=agent, lines=GOOD_THREAD) for _ in range(2))
    low, high = min(first.id, second.id), max(first.id, second.id)
    assert rescore_range(session, first_id=low, last_id=high, now=clock.now()) == 2
    assert rescore_range(session, first_id=low, last_id=high, now=clock.now()) == 0  # fresh

    session.execute(
        update(QualityScore)
        .where(QualityScore.conversation_id == first.id)
        .values(scorer_version="0")
    )
    assert rescore_range(session, first_id=low, last_id=high, now=clock.now()) == 1
    forced = rescore_range(session, first_id=low, last_id=high, now=clock.now(), force=True)
    assert forced == 2


def test_history_is_rescored_by_chains_of_small_ranges_in_the_worker(
    session: Session,
    make: Factories,
    clock: FixedClock,
    database: Database,
    settings: Settings,
) -> None:
    agent = make.agent()
    ids = [thread(make, session, agent=agent, lines=GOOD_THREAD).id for _ in range(7)]
    plan = enqueue_rescore(session, now=clock.now(), since=None, force=True, chains=2, chunk=2)
    session.flush()
    assert len(plan.parts) == 2 and plan.conversations >= 7
    queued = session.scalars(select(Job).where(Job.name == RESCORE_RANGE_JOB)).all()
    assert len(queued) == 2  # one per chain; each job queues the next range itself

    worker = Worker(database, clock=clock, settings=settings)
    drain_jobs(worker)
    waiting = session.scalars(
        select(Job).where(Job.name == RESCORE_RANGE_JOB, Job.status == JobStatus.QUEUED)
    ).all()
    assert waiting and all(job.run_after > clock.now() for job in waiting)  # resting

    worker = Worker(database, clock=clock, settings=settings)
    for _ in range(10):  # each chain rests as long as its last range took before the next
        drain_jobs(worker)
        clock.advance(timedelta(minutes=1))
    session.expire_all()
    assert set(ids) <= set(scores(session))
    finished = session.scalar(
        select(func.count(Job.id)).where(
            Job.name == RESCORE_RANGE_JOB, Job.status == JobStatus.DONE
        )
    )
    assert finished is not None and finished >= 4  # 7+ ids in ranges of 2, over two chains
    dead = session.scalar(select(func.count(Job.id)).where(Job.status == JobStatus.DEAD))
    assert dead == 0


def test_a_real_worker_scores_committed_changes_reading_outside_its_write_transaction(
    file_database_url: str, clock: FixedClock, settings: Settings, db_kind: str
) -> None:
    database = Database(file_database_url)
    try:
        with database.transaction() as session:
            make = Factories(session, clock)
            conversation_id = thread(make, session, agent=make.agent(), lines=GOOD_THREAD).id
        with (
            database.transaction() as session,
            reading_outside_the_write_lock(session) as reader,
        ):
            assert (reader is not session) == (db_kind == "sqlite")
        worker = Worker(database, clock=clock, settings=settings)
        worker.schedule_periodic()
        drain_jobs(worker)
        with database.reader() as session:
            score = session.scalar(
                select(QualityScore).where(QualityScore.conversation_id == conversation_id)
            )
            dead = session.scalar(
                select(func.count(Job.id)).where(
                    Job.status == JobStatus.DEAD, Job.name.like("quality.%")
                )
            )
        assert score is not None and score.acknowledgement == "done"
        assert dead == 0
    finally:
        database.dispose()


def run_cli(*args: str, env: dict[str, str]) -> Result:
    return CliRunner().invoke(app, list(args), env=env | {"COLUMNS": "200", "NO_COLOR": "1"})


def test_the_quality_commands_answer_in_sentences(tmp_path: Path, clock: FixedClock) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade_to_head(url)
    env = {"GOODWILL_SECRET_KEY": TEST_SECRET, "GOODWILL_DATABASE_URL": url}

    nothing = run_cli("quality", "rescore", "--all", env=env)
    assert nothing.exit_code == 0, nothing.output
    assert "nothing to re-score" in nothing.output

    bad_day = run_cli("quality", "rescore", "--since", "last tuesday", env=env)
    assert bad_day.exit_code == 1
    assert "YYYY-MM-DD" in bad_day.output

    missing = run_cli("quality", "score", "--conversation", "999", env=env)
    assert missing.exit_code == 1
    assert "conversation 999 does not exist" in missing.output

    database = Database(url)
    with database.transaction() as session:
        make = Factories(session, clock)
        conversation_id = thread(make, session, agent=make.agent(), lines=GOOD_THREAD).id
    database.dispose()
    scored = run_cli("quality", "score", "--conversation", str(conversation_id), env=env)
    assert scored.exit_code == 0, scored.output
    assert '"acknowledgement": "done"' in scored.output
    queued = run_cli("quality", "rescore", "--since", "2020-01-01", "--all", env=env)
    assert queued.exit_code == 0, queued.output
    assert "queued re-scoring of 1 conversations" in queued.output
