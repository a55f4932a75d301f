"""Workspace pages: a reviewer's score form, the rubric editor, calibration, the reply checklist."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from goodwill.agents.models import Agent
from goodwill.agents.roles import Role, has_at_least
from goodwill.conversations.access import scope_for
from goodwill.conversations.services.detail import (
    ConversationDetail,
    get_conversation_detail,
    get_visible_conversation,
)
from goodwill.core.db import Database
from goodwill.core.errors import Conflict, Invalid
from goodwill.quality.models import QualityReview, QualityScore
from goodwill.quality.review_schemas import MAX_COMMENT, ReviewIn
from goodwill.quality.rubric import FAILURE_MODES, STEPS
from goodwill.quality.scoring import ChecklistItem, draft_checklist
from goodwill.quality.services.calibration import calibration_report
from goodwill.quality.services.reviews import (
    CONCURRENT_SAVE,
    find_review,
    list_reviews,
    save_review,
)
from goodwill.quality.services.rubrics import RubricInUse, rubric_in_use, save_active_rubric
from goodwill.quality.services.score import load_inputs
from goodwill.web.deps import (
    ClockDep,
    DatabaseDep,
    LoginRequired,
    PageAgent,
    PostingAgent,
    SignerDep,
    check_csrf,
    page_agent,
    require_role,
)
from goodwill.web.templating import render

router = APIRouter()

STEP_LABELS = {
    "acknowledgement": "Acknowledgement",
    "rapport": "Rapport and trust",
    "needs": "Needs identified",
    "solution": "Relevant solution",
    "gratitude": "Genuine gratitude",
}
STEP_HINTS = {
    "acknowledgement": "A timely first response that greets the customer, by name where known.",
    "rapport": "A personal, empathetic touch matched to the customer's mood; not a script.",
    "needs": "Asked or restated what the customer needs before solving; no need to repeat it.",
    "solution": "A solution or clear next step; resolved without reopening or bouncing around.",
    "gratitude": "Thanks for the opportunity and an offer of further help at the close.",
}
FAILURE_LABELS = {
    "not_listening": "Not listening (the customer repeats themselves)",
    "ignored": "Ignored (messages left unanswered, long silences)",
    "promise_broken": "Promise not kept (said what or when, and it did not happen)",
    "lacking_knowledge": "Lacking knowledge (transfers, \u201cI don't know\u201d, wrong answers)",
    "no_follow_up": "No follow-up (waiting on us with no update)",
}
RESULT_LABELS = {"done": "Done", "missed": "Missed", "na": "Not applicable"}
LABELS = {"steps": STEP_LABELS, "hints": STEP_HINTS, "failures": FAILURE_LABELS}
CALIBRATION_DAYS = 30


def _page_manager(agent: PageAgent) -> Agent:
    require_role(agent, Role.MANAGER)
    return agent


def _posting_manager(agent: PostingAgent) -> Agent:
    require_role(agent, Role.MANAGER)
    return agent


PageManager = Annotated[Agent, Depends(_page_manager)]
PostingManager = Annotated[Agent, Depends(_posting_manager)]


class ReviewForm(BaseModel):
    """The review form: a radio per step, a comment per step, failure-mode boxes, a comment."""

    acknowledgement: str = ""
    rapport: str = ""
    needs: str = ""
    solution: str = ""
    gratitude: str = ""
    comment_acknowledgement: str = Field(default="", max_length=2000)
    comment_rapport: str = Field(default="", max_length=2000)
    comment_needs: str = Field(default="", max_length=2000)
    comment_solution: str = Field(default="", max_length=2000)
    comment_gratitude: str = Field(default="", max_length=2000)
    failure_modes: list[str] = Field(default_factory=list, max_length=10)
    comment: str = Field(default="", max_length=MAX_COMMENT)

    def to_review(self) -> ReviewIn:
        unanswered = [STEP_LABELS[s] for s in STEPS if getattr(self, s) not in RESULT_LABELS]
        if unanswered:
            raise Invalid(f"Choose done, missed or not applicable for: {', '.join(unanswered)}.")
        try:
            return ReviewIn.model_validate(
                {
                    **{step: getattr(self, step) for step in STEPS},
                    "failure_modes": [m for m in self.failure_modes if m in FAILURE_MODES],
                    "step_comments": {s: getattr(self, f"comment_{s}") for s in STEPS},
                    "comment": self.comment,
                }
            )
        except ValidationError as error:
            raise Invalid("The review could not be read; reload the page and try again.") from error

    def as_review(self) -> dict[str, object]:
        """What the form showed, to fill it again after an error."""
        return {
            **{step: getattr(self, step) for step in STEPS},
            "failure_modes": self.failure_modes,
            "step_comments": {s: getattr(self, f"comment_{s}") for s in STEPS},
            "comment": self.comment,
        }


@dataclass(frozen=True, slots=True)
class ReviewPage:
    detail: ConversationDetail
    mine: QualityReview | None
    others: list[tuple[QualityReview, str]]
    automatic: QualityScore | None
    rubric: RubricInUse


def _load_review_page(database: Database, conversation_id: int, agent: Agent) -> ReviewPage:
    with database.reader() as session:
        scope = scope_for(session, agent)
        detail = get_conversation_detail(session, conversation_id, scope=scope)
        reviews = list_reviews(session, conversation_id, scope=scope)
        automatic = session.scalar(
            select(QualityScore).where(QualityScore.conversation_id == conversation_id)
        )
        return ReviewPage(
            detail=detail,
            mine=find_review(session, conversation_id, reviewer_id=agent.id),
            others=[(r, name) for r, name in reviews if r.reviewer_id != agent.id],
            automatic=automatic,
            rubric=rubric_in_use(session),
        )


def _render_review(
    request: Request,
    agent: Agent,
    page: ReviewPage,
    *,
    form: dict[str, object] | None = None,
    error: str | None = None,
    saved: bool = False,
) -> HTMLResponse:
    return render(
        request,
        "quality/review.html",
        status_code=422 if error else 200,
        agent=agent,
        page=page,
        form=form or _review_values(page.mine),
        error=error,
        saved=saved,
        labels=LABELS,
        results=RESULT_LABELS,
        steps=STEPS,
        failure_modes=FAILURE_MODES,
    )


def _review_values(review: QualityReview | None) -> dict[str, object]:
    if review is None:
        return {"failure_modes": [], "step_comments": {}, "comment": ""}
    return {
        **{step: getattr(review, step) for step in STEPS},
        "failure_modes": list(review.failure_modes),
        "step_comments": dict(review.step_comments),
        "comment": review.comment,
    }


@router.get("/conversations/{conversation_id}/review", response_class=HTMLResponse)
def show_review_form(
    conversation_id: int,
    request: Request,
    agent: PageManager,
    database: DatabaseDep,
    saved: bool = False,
) -> HTMLResponse:
    page = _load_review_page(database, conversation_id, agent)
    return _render_review(request, agent, page, saved=saved and page.mine is not None)


@router.post("/conversations/{conversation_id}/review")
def submit_review(
    conversation_id: int,
    request: Request,
    form: Annotated[ReviewForm, Form()],
    agent: PostingManager,
    database: DatabaseDep,
    clock: ClockDep,
) -> Response:
    try:
        data = form.to_review()
    except Invalid as problem:
        page = _load_review_page(database, conversation_id, agent)
        return _render_review(request, agent, page, form=form.as_review(), error=problem.message)
    try:
        with database.transaction() as session:
            save_review(
                session,
                conversation_id,
                data=data,
                reviewer=agent,
                scope=scope_for(session, agent),
                now=clock.now(),
            )
    except IntegrityError as error:
        raise Conflict(CONCURRENT_SAVE) from error
    return RedirectResponse(f"/conversations/{conversation_id}/review?saved=1", status_code=303)


def _render_rubric(
    request: Request,
    agent: Agent,
    rubric: RubricInUse,
    *,
    error: str | None = None,
    saved: bool = False,
) -> HTMLResponse:
    return render(
        request,
        "quality/rubric.html",
        status_code=422 if error else 200,
        agent=agent,
        rubric=rubric,
        can_edit=has_at_least(agent.role, Role.MANAGER),
        error=error,
        saved=saved,
        labels=LABELS,
        steps=STEPS,
    )


@router.get("/quality/rubric", response_class=HTMLResponse)
def show_rubric(
    request: Request, agent: PageAgent, database: DatabaseDep, saved: bool = False
) -> HTMLResponse:
    with database.reader() as session:
        rubric = rubric_in_use(session)
    return _render_rubric(request, agent, rubric, saved=saved)


@router.post("/quality/rubric")
async def submit_rubric(
    request: Request, agent: PostingManager, database: DatabaseDep, clock: ClockDep
) -> Response:
    form = await request.form()
    try:
        weights = {step: _weight(form.get(f"weight_{step}"), step) for step in STEPS}
        critical = [step for step in STEPS if form.get(f"critical_{step}")]
        with database.transaction() as session:
            save_active_rubric(session, weights=weights, critical=critical, now=clock.now())
    except Invalid as problem:
        with database.reader() as session:
            rubric = rubric_in_use(session)
        return _render_rubric(request, agent, rubric, error=problem.message)
    return RedirectResponse("/quality/rubric?saved=1", status_code=303)


def _weight(value: object, step: str) -> float:
    text = value.strip() if isinstance(value, str) else ""
    try:
        weight = float(text or "0")
    except ValueError:
        raise Invalid(f"The weight of {STEP_LABELS[step]} must be a number.") from None
    if not 0 <= weight <= 100:
        raise Invalid(f"The weight of {STEP_LABELS[step]} must be between 0 and 100.")
    return weight


@router.get("/quality/calibration", response_class=HTMLResponse)
def show_calibration(
    request: Request,
    agent: PageManager,
    database: DatabaseDep,
    clock: ClockDep,
    start: Annotated[date | None, Query()] = None,
    end: Annotated[date | None, Query()] = None,
    reviewer_id: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    """Reviews created from the start day to the end day inclusive (default: the last 30)."""
    last_day = end or clock.now().date()
    first_day = start or last_day - timedelta(days=CALIBRATION_DAYS - 1)
    if first_day > last_day:
        raise Invalid("The first day must not be after the last day.")
    chosen = int(reviewer_id) if reviewer_id.strip().isdigit() else None
    with database.reader() as session:
        report = calibration_report(
            session,
            start=datetime.combine(first_day, time(), UTC),
            end=datetime.combine(last_day + timedelta(days=1), time(), UTC),
            reviewer_id=chosen,
        )
    return render(
        request,
        "quality/calibration.html",
        agent=agent,
        report=report,
        first_day=first_day,
        last_day=last_day,
        labels=LABELS,
        steps=STEPS,
        result_names=list(RESULT_LABELS),
    )


async def _quiet_posting_agent(
    request: Request, database: DatabaseDep, signer: SignerDep
) -> Agent | None:
    """Like PostingAgent, but a signed-out typist gets None, not a redirect away from the draft."""
    try:
        agent = page_agent(request, database, signer)
    except LoginRequired:
        return None
    await check_csrf(request)
    return agent


@router.post("/conversations/{conversation_id}/checklist", response_class=HTMLResponse)
def check_draft(
    conversation_id: int,
    request: Request,
    agent: Annotated[Agent | None, Depends(_quiet_posting_agent)],
    database: DatabaseDep,
    body: Annotated[str, Form(max_length=200_000)] = "",
    kind: Annotated[str, Form(max_length=10)] = "reply",
) -> HTMLResponse:
    """The five steps for this conversation and this draft; advice only, it never blocks.

    Signed out (the session expired while typing): an empty answer hides the checklist and
    the draft stays; sending it leads to the sign-in page as usual."""
    if agent is None:
        return HTMLResponse("")
    if kind == "note":
        return render(request, "quality/_checklist.html", items=[], is_note=True, labels=LABELS)
    with database.reader() as session:
        items = reply_checklist(session, conversation_id, draft=body, agent=agent)
    return render(request, "quality/_checklist.html", items=items, is_note=False, labels=LABELS)


def reply_checklist(
    session: Session, conversation_id: int, *, draft: str, agent: Agent
) -> list[ChecklistItem]:
    """The scorer's transcript and facts of the conversation, checked against the draft."""
    conversation = get_visible_conversation(
        session, conversation_id, scope=scope_for(session, agent)
    )
    inputs = load_inputs(session, [conversation.id])
    return draft_checklist(inputs[0].messages, inputs[0].facts, draft)
