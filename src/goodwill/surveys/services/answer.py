"""A customer's answer to a survey invitation: shown, recorded, and changed until it expires."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from goodwill.core.errors import DomainError, Invalid, NotFound
from goodwill.surveys.answer_rules import (
    AnswerRejected,
    checked_comment,
    checked_reasons,
    checked_score,
    is_open,
    offers_reasons,
    scores,
)
from goodwill.surveys.defaults import REASON_GROUPS, default_template
from goodwill.surveys.models import SurveyInvitation, SurveyResponse, SurveyTemplate
from goodwill.surveys.services.loop import sync_loop_task

GROUP_HEADINGS = {
    "service": "Our service",
    "product": "The product",
    "price": "The price",
    "policy": "Our policies",
}


class SurveyClosed(DomainError):
    """The invitation expired: answers can no longer be given or changed."""

    status_code = 410


@dataclass(frozen=True, slots=True)
class ScoreChoice:
    score: int
    label: str
    offers_reasons: bool


@dataclass(frozen=True, slots=True)
class SurveyForm:
    """What the answer page shows: the question, its scale and the customer's answer so far."""

    invitation: SurveyInvitation
    question: str
    choices: list[ScoreChoice]
    comment_prompt: str
    reasons: list[dict[str, str]] = field(default_factory=list)
    response: SurveyResponse | None = None

    def reason_groups(self) -> list[tuple[str, list[dict[str, str]]]]:
        """Reasons under a heading per group: the service apart from product, price and policy."""
        order = [*REASON_GROUPS, *(reason.get("group", "") for reason in self.reasons)]
        groups: dict[str, list[dict[str, str]]] = {}
        for group in dict.fromkeys(order):
            members = [reason for reason in self.reasons if reason.get("group", "") == group]
            if members:
                groups[group] = members
        return [(GROUP_HEADINGS.get(name, "Other"), members) for name, members in groups.items()]


def find_invitation(session: Session, nonce: str) -> SurveyInvitation:
    invitation = session.scalar(select(SurveyInvitation).where(SurveyInvitation.nonce == nonce))
    if invitation is None:
        raise NotFound("This survey does not exist any more. Thank you for your time.")
    return invitation


def find_response(session: Session, invitation: SurveyInvitation) -> SurveyResponse | None:
    return session.scalar(
        select(SurveyResponse).where(SurveyResponse.invitation_id == invitation.id)
    )


def ensure_open(invitation: SurveyInvitation, now: datetime) -> None:
    if not is_open(invitation.expires_at, now):
        raise SurveyClosed("This survey has closed, so answers can no longer be given or changed.")


def survey_form(session: Session, invitation: SurveyInvitation) -> SurveyForm:
    """The question, labels and reasons of the invitation's kind (the saved template, else the
    defaults), and any answer given."""
    kind = str(invitation.kind)
    template = session.scalar(select(SurveyTemplate).where(SurveyTemplate.kind == kind))
    wording = _wording(template) if template else default_template(kind)
    labels: dict[str, str] = dict(wording["labels"] or {})
    choices = [
        ScoreChoice(score, labels.get(str(score), ""), offers_reasons(kind, score))
        for score in scores(kind)
    ]
    return SurveyForm(
        invitation=invitation,
        question=str(wording["question"]),
        choices=choices,
        comment_prompt=str(wording["comment_prompt"] or "") or "Anything to add?",
        reasons=[dict(reason) for reason in wording["reasons"] or []],
        response=find_response(session, invitation),
    )


def _wording(template: SurveyTemplate) -> dict[str, Any]:
    return {
        "question": template.question,
        "labels": template.labels,
        "comment_prompt": template.comment_prompt,
        "reasons": template.reasons,
    }


def mark_opened(invitation: SurveyInvitation, *, now: datetime) -> None:
    """The first view of the form. This is all a GET may record (scanners follow links)."""
    if invitation.opened_at is None:
        invitation.opened_at = now


@dataclass(frozen=True, slots=True)
class Answer:
    score: int
    comment: str
    reasons: list[str]


def checked_answer(
    form: SurveyForm, *, score: int, comment: str | None, reasons: Iterable[str]
) -> Answer:
    """Validate an answer against its kind and template; Invalid says what to fix."""
    kind = str(form.invitation.kind)
    allowed = [reason["key"] for reason in form.reasons if reason.get("key")]
    try:
        value = checked_score(kind, score)
        return Answer(
            value, checked_comment(comment), checked_reasons(kind, value, reasons, allowed)
        )
    except AnswerRejected as error:
        raise Invalid(str(error)) from error


def record_answer(
    session: Session,
    invitation: SurveyInvitation,
    *,
    score: int,
    comment: str | None = None,
    reasons: Iterable[str] = (),
    now: datetime,
    webhook_url: str | None = None,
    source: str = "email",
) -> SurveyResponse:
    """Record the answer, or replace the one given before; the same answer twice changes nothing
    but updated_at. A low rating gets its follow-up task (see services/loop.py)."""
    ensure_open(invitation, now)
    answer = checked_answer(
        survey_form(session, invitation), score=score, comment=comment, reasons=reasons
    )
    response = find_response(session, invitation) or insert_response(
        session, invitation, answer, now=now, source=source
    )
    response.score = answer.score
    response.comment = answer.comment
    response.reasons = answer.reasons
    response.updated_at = now
    session.flush()
    sync_loop_task(session, response, now=now, webhook_url=webhook_url)
    return response


def insert_response(
    session: Session,
    invitation: SurveyInvitation,
    answer: Answer,
    *,
    now: datetime,
    source: str,
) -> SurveyResponse:
    """The first answer; when a simultaneous submit inserted it first, that row is returned."""
    response = SurveyResponse(
        invitation_id=invitation.id,
        kind=invitation.kind,
        conversation_id=invitation.conversation_id,
        customer_id=invitation.customer_id,
        score=answer.score,
        comment=answer.comment,
        reasons=answer.reasons,
        answered_at=now,
        updated_at=now,
        source=source,
    )
    try:
        with session.begin_nested():
            session.add(response)
            session.flush()
    except IntegrityError:
        existing = find_response(session, invitation)
        if existing is None:
            raise
        return existing
    return response
