"""The predicted-satisfaction card of the conversation page: estimate and reasons, or why not."""

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.agents.models import Agent
from goodwill.core.clock import FixedClock
from goodwill.satisfaction.services.prediction import predict_all, train
from goodwill.settings import Settings
from support.satisfaction_history import rated_history, resolved


def card_url(conversation_id: int) -> str:
    return f"/conversations/{conversation_id}/predicted-satisfaction"


def test_the_card_says_there_are_too_few_ratings(
    client: TestClient, csrf: str, make: Factories, clock: FixedClock
) -> None:
    rated_history(make, clock, 3)
    waiting = resolved(make, clock, reopens=0, slow=False)
    make.session.flush()
    page = client.get(card_url(waiting.id))
    assert page.status_code == 200
    assert "Predicted satisfaction" in page.text
    assert "No estimate: too few ratings (3 of 200)." in page.text


def test_the_card_shows_the_estimate_with_its_reasons(
    client: TestClient,
    csrf: str,
    agent: Agent,
    make: Factories,
    session: Session,
    clock: FixedClock,
    settings: Settings,
) -> None:
    settings.min_ratings_for_prediction = 40
    rated_history(make, clock, 60)
    troubled = resolved(make, clock, reopens=2, slow=True)
    session.flush()
    train(session, now=clock.now(), min_ratings=40)
    predict_all(session, now=clock.now())
    session.flush()
    page = client.get(card_url(troubled.id))
    assert page.status_code == 200
    assert "of 5" in page.text and "likely" in page.text
    assert "reopened 2 time(s): <strong>-" in page.text
    assert 'data-feature="first_reply"' in page.text
    side_panel = client.get(f"/conversations/{troubled.id}").text
    assert f'hx-get="{card_url(troubled.id)}"' in side_panel


def test_the_card_of_a_conversation_out_of_scope_is_not_found(
    client: TestClient, csrf: str, make: Factories
) -> None:
    conversation = make.conversation(team=make.team(name="Elsewhere"))
    assert client.get(card_url(conversation.id)).status_code == 404
