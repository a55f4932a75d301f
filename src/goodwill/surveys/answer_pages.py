"""The public survey pages a customer reaches from an email: no agent login, scanner-proof.

GET shows the question with the clicked rating preselected and records nothing but the first
view (mail security scanners follow every link); only the submit button's POST records or
changes the answer, until the invitation expires."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from goodwill.core.errors import Invalid, NotFound
from goodwill.settings import Settings
from goodwill.surveys.answer_rules import is_open, parse_score
from goodwill.surveys.links import read_survey_token
from goodwill.surveys.models import SurveyInvitation
from goodwill.surveys.services.answer import (
    SurveyForm,
    find_invitation,
    find_response,
    mark_opened,
    record_answer,
    survey_form,
)
from goodwill.web.deps import ClockDep, DatabaseDep, SettingsDep
from goodwill.web.templating import render

router = APIRouter(tags=["Survey answers"])
FORM_SALT = "survey-form"
FORM_MAX_AGE_SECONDS = 24 * 3600
PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # the link is the customer's key: never leak it
    "X-Robots-Tag": "noindex, nofollow",
}
INVALID_LINK = (
    "This survey link is not valid. It may have been altered or copied incompletely; "
    "please open the link from your email exactly as it was sent."
)
STALE_FORM = "The page was open for a long time, so please check your answer and send it again."


def form_token(settings: Settings, invitation: SurveyInvitation) -> str:
    """Signed into each rendered form: a POST must come from a form this site showed."""
    serializer = URLSafeTimedSerializer(settings.secret_key, salt=FORM_SALT)
    return str(serializer.dumps({"n": invitation.nonce}))


def form_token_matches(settings: Settings, token: str, invitation: SurveyInvitation) -> bool:
    serializer = URLSafeTimedSerializer(settings.secret_key, salt=FORM_SALT)
    try:
        payload = serializer.loads(token, max_age=FORM_MAX_AGE_SECONDS)
    except BadSignature:
        return False
    return isinstance(payload, dict) and payload.get("n") == invitation.nonce


def _notice(
    request: Request, *, status: int, title: str, message: str, **extra: object
) -> Response:
    response = render(
        request, "surveys/closed.html", status_code=status, title=title, message=message, **extra
    )
    response.headers.update(PRIVATE_HEADERS)
    return response


def _text(value: object) -> str:
    """A form field's text; a file upload where text belongs counts as empty."""
    return value if isinstance(value, str) else ""


def _invitation_or_none(
    session: Session, settings: Settings, token: str
) -> SurveyInvitation | None:
    try:
        return find_invitation(session, read_survey_token(settings, token))
    except NotFound:
        return None


def _closed(request: Request, form: SurveyForm) -> Response:
    return _notice(
        request,
        status=410,
        title="This survey has closed",
        message="This survey has closed, so answers can no longer be given or changed. "
        "Thank you for taking the time to look.",
        form=form,
    )


def _invalid(request: Request) -> Response:
    return _notice(request, status=404, title="Survey link not valid", message=INVALID_LINK)


@dataclass(frozen=True, slots=True)
class Draft:
    """What the form shows filled in: the clicked or sent rating, comment and reasons."""

    selected: int | None
    comment: str = ""
    reasons: tuple[str, ...] = ()


def _show_form(
    request: Request,
    settings: Settings,
    form: SurveyForm,
    draft: Draft,
    *,
    token: str,
    error: str = "",
    status: int = 200,
) -> Response:
    response = render(
        request,
        "surveys/answer.html",
        status_code=status,
        form=form,
        token=token,
        form_token=form_token(settings, form.invitation),
        selected=draft.selected,
        comment=draft.comment,
        chosen_reasons=set(draft.reasons),
        error=error,
    )
    response.headers.update(PRIVATE_HEADERS)
    return response


@router.get("/s/{token}", response_class=HTMLResponse)
def show_survey(
    request: Request,
    token: str,
    database: DatabaseDep,
    settings: SettingsDep,
    clock: ClockDep,
    score: Annotated[str | None, Query(max_length=8)] = None,
) -> Response:
    """The question with the clicked rating preselected. Records only the first view."""
    now = clock.now()
    with database.transaction() as session:
        invitation = _invitation_or_none(session, settings, token)
        if invitation is None:
            return _invalid(request)
        form = survey_form(session, invitation)
        if not is_open(invitation.expires_at, now):
            return _closed(request, form)
        mark_opened(invitation, now=now)
    previous = form.response
    selected = parse_score(str(invitation.kind), score) if score is not None else None
    if selected is None and previous is not None:
        selected = previous.score
    draft = Draft(
        selected,
        previous.comment if previous else "",
        tuple(previous.reasons or []) if previous else (),
    )
    return _show_form(request, settings, form, draft, token=token)


@router.post("/s/{token}", response_class=HTMLResponse)
async def submit_survey(
    request: Request,
    token: str,
    database: DatabaseDep,
    settings: SettingsDep,
    clock: ClockDep,
) -> Response:
    """The deliberate submit: records the answer, or changes the one given before."""
    fields = await request.form()
    comment = _text(fields.get("comment"))
    reasons = [value for value in fields.getlist("reasons") if isinstance(value, str)]
    now = clock.now()
    with database.transaction() as session:
        invitation = _invitation_or_none(session, settings, token)
        if invitation is None:
            return _invalid(request)
        form = survey_form(session, invitation)
        if not is_open(invitation.expires_at, now):
            return _closed(request, form)
        selected = parse_score(str(invitation.kind), _text(fields.get("score")))

        def again(error: str, status: int) -> Response:
            draft = Draft(selected, comment, tuple(reasons))
            return _show_form(
                request, settings, form, draft, token=token, error=error, status=status
            )

        if not form_token_matches(settings, _text(fields.get("form_token")), invitation):
            return again(STALE_FORM, 400)
        if selected is None:
            return again("Please choose a rating before sending.", 422)
        try:
            with session.begin_nested():
                record_answer(
                    session,
                    invitation,
                    score=selected,
                    comment=comment,
                    reasons=reasons,
                    now=now,
                    webhook_url=settings.survey_webhook_url,
                )
        except Invalid as error:
            return again(error.message, 422)
    return RedirectResponse(f"/s/{token}/thanks", status_code=303, headers=PRIVATE_HEADERS)


@router.get("/s/{token}/thanks", response_class=HTMLResponse)
def show_thanks(
    request: Request, token: str, database: DatabaseDep, settings: SettingsDep, clock: ClockDep
) -> Response:
    """The answer as recorded, with a way back to change it while the survey is open."""
    with database.reader() as session:
        invitation = _invitation_or_none(session, settings, token)
        if invitation is None:
            return _invalid(request)
        form = survey_form(session, invitation)
        response = find_response(session, invitation)
    if response is None:
        return RedirectResponse(f"/s/{token}", status_code=303, headers=PRIVATE_HEADERS)
    labels = {choice.score: choice.label for choice in form.choices}
    page = render(
        request,
        "surveys/thanks.html",
        form=form,
        answer=response,
        answer_label=labels.get(response.score, ""),
        reason_labels={
            reason["key"]: reason.get("label", reason["key"]) for reason in form.reasons
        },
        token=token,
        still_open=is_open(invitation.expires_at, clock.now()),
    )
    page.headers.update(PRIVATE_HEADERS)
    return page
