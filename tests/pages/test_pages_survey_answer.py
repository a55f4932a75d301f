"""The public survey pages: GET shows and never records; only the POST records or changes."""

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.core.clock import FixedClock
from goodwill.settings import Settings
from goodwill.surveys.links import survey_link, survey_token
from goodwill.surveys.models import LoopTask, SurveyInvitation, SurveyKind, SurveyResponse
from support.survey_answers import csat_template, invitation


def responses(session: Session, invite: SurveyInvitation) -> list[SurveyResponse]:
    session.expire_all()
    query = select(SurveyResponse).where(SurveyResponse.invitation_id == invite.id)
    return list(session.scalars(query))


def form_token_of(html: str) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', html)
    assert match, "the form carries a signed form token"
    return match.group(1)


def checked_scores(html: str) -> list[int]:
    radios = re.findall(r'<input type="radio"[^>]*>', html)
    return [
        int(re.search(r'value="(\d+)"', radio).group(1)) for radio in radios if " checked" in radio
    ]  # type: ignore[union-attr]


def checked_reasons(html: str) -> list[str]:
    boxes = re.findall(r'<input type="checkbox"[^>]*>', html)
    return [re.search(r'value="([^"]+)"', box).group(1) for box in boxes if " checked" in box]  # type: ignore[union-attr]


def path_of(settings: Settings, invite: SurveyInvitation, score: int) -> str:
    return survey_link(settings, invite, score).removeprefix(settings.base_url)


def test_get_shows_the_rating_preselected_and_records_nothing_but_the_view(
    client: TestClient, session: Session, make: Factories, clock: FixedClock, settings: Settings
) -> None:
    csat_template(session, now=clock.now())
    invite = invitation(session, make.conversation(), now=clock.now())

    for _ in range(3):  # a mail scanner and then the customer
        page = client.get(path_of(settings, invite, 2))
        assert page.status_code == 200
    assert checked_scores(page.text) == [2]
    assert "How would you rate the support you received?" in page.text
    assert "They didn&#39;t listen" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "login" not in str(page.url)
    assert responses(session, invite) == []
    session.refresh(invite)
    assert invite.opened_at == clock.now()


def test_post_records_and_a_second_post_updates_the_same_row(
    client: TestClient, session: Session, make: Factories, clock: FixedClock, settings: Settings
) -> None:
    csat_template(session, now=clock.now())
    invite = invitation(session, make.conversation(), now=clock.now())
    path = path_of(settings, invite, 2).split("?")[0]
    token = form_token_of(client.get(f"{path}?score=2").text)

    first = client.post(
        path,
        data={
            "score": "2",
            "reasons": ["slow", "not_resolved"],
            "comment": " Too slow ",
            "form_token": token,
        },
        follow_redirects=False,
    )
    assert first.status_code == 303 and first.headers["location"] == f"{path}/thanks"
    [saved] = responses(session, invite)
    assert (saved.score, saved.reasons, saved.comment) == (2, ["slow", "not_resolved"], "Too slow")
    assert saved.answered_at == saved.updated_at == clock.now()
    assert client.get(first.headers["location"]).text.count("It was slow") == 1

    clock.advance(timedelta(hours=3))
    again = client.get(path)  # back later: the previous answer is shown
    assert "checked" in again.text and "Too slow" in again.text
    second = client.post(
        path,
        data={"score": "4", "reasons": ["slow"], "form_token": form_token_of(again.text)},
        follow_redirects=False,
    )
    assert second.status_code == 303
    [updated] = responses(session, invite)
    assert updated.id == saved.id
    assert (updated.score, updated.reasons, updated.comment) == (4, [], "")
    assert updated.answered_at == clock.now() - timedelta(hours=3)
    assert updated.updated_at == clock.now()
    loop_tasks = session.scalar(select(func.count()).select_from(LoopTask))
    assert loop_tasks == 0  # raised above the low mark: the untouched follow-up went away


def test_a_post_without_the_form_token_records_nothing(
    client: TestClient, session: Session, make: Factories, clock: FixedClock, settings: Settings
) -> None:
    invite = invitation(session, make.conversation(), now=clock.now())
    path = path_of(settings, invite, 1).split("?")[0]

    answer = client.post(path, data={"score": "1"})
    assert answer.status_code == 400
    assert "send it again" in answer.text
    assert checked_scores(answer.text) == [1]
    assert responses(session, invite) == []


def test_an_unknown_reason_or_a_missing_rating_is_refused_with_a_sentence(
    client: TestClient, session: Session, make: Factories, clock: FixedClock, settings: Settings
) -> None:
    csat_template(session, now=clock.now())
    invite = invitation(session, make.conversation(), now=clock.now())
    path = path_of(settings, invite, 1).split("?")[0]
    token = form_token_of(client.get(path).text)

    bad_reason = client.post(path, data={"score": "1", "reasons": "hacked", "form_token": token})
    assert bad_reason.status_code == 422 and "unknown reasons" in bad_reason.text
    no_score = client.post(path, data={"score": "9", "form_token": token})
    assert no_score.status_code == 422 and "Please choose a rating" in no_score.text
    assert responses(session, invite) == []


def test_a_tampered_link_is_a_404_page_with_a_sentence(
    client: TestClient, session: Session, make: Factories, clock: FixedClock, settings: Settings
) -> None:
    invite = invitation(session, make.conversation(), now=clock.now())
    token = survey_token(settings, invite)
    tampered = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")

    for answer in (
        client.get(f"/s/{tampered}?score=5"),
        client.post(f"/s/{tampered}", data={"score": "5"}),
    ):
        assert answer.status_code == 404
        assert "This survey link is not valid" in answer.text
    assert responses(session, invite) == []


def test_an_expired_survey_shows_the_closed_page_and_refuses_answers(
    client: TestClient, session: Session, make: Factories, clock: FixedClock, settings: Settings
) -> None:
    invite = invitation(session, make.conversation(), now=clock.now(), expires_in=timedelta(days=1))
    path = path_of(settings, invite, 5).split("?")[0]
    token = form_token_of(client.get(path).text)
    clock.advance(timedelta(days=1, seconds=1))

    shown = client.get(f"{path}?score=5")
    assert shown.status_code == 410 and "This survey has closed" in shown.text
    sent = client.post(path, data={"score": "5", "form_token": token})
    assert sent.status_code == 410
    assert responses(session, invite) == []


def test_a_score_off_the_scale_in_the_link_preselects_nothing(
    client: TestClient, session: Session, make: Factories, clock: FixedClock, settings: Settings
) -> None:
    nps = invitation(session, make.conversation(), now=clock.now(), kind=SurveyKind.NPS)
    path = path_of(settings, nps, 0).split("?")[0]
    assert checked_scores(client.get(f"{path}?score=0").text) == [0]
    for odd in ("11", "-1", "abc", ""):
        page = client.get(f"{path}?score={odd}")
        assert page.status_code == 200 and checked_scores(page.text) == []
    assert responses(session, nps) == []
