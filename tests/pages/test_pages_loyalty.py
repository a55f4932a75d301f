"""The managers' loyalty page: readable tables for repeat purchases, cohorts and segments."""

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from workspace_client import PASSWORD, SignIn

from factories import Factories
from goodwill.agents.roles import Role
from goodwill.surveys.models import SurveyKind
from support.commerce_data import answer, at, order


def test_managers_see_repeat_rate_cohorts_and_segments(
    client: TestClient, make: Factories, session: Session, sign_in: SignIn
) -> None:
    sign_in(make.agent(name="Mia Manager", role=Role.MANAGER, password=PASSWORD))
    ada, bo = make.customer(name="Ada"), make.customer(name="Bo")
    order(session, ada, at(1, 5), "a1")
    order(session, ada, at(2, 5), "a2")
    order(session, bo, at(1, 20), "b1")
    answer(session, ada, SurveyKind.NPS, 9, at(1, 10))
    answer(session, bo, SurveyKind.NPS, 4, at(1, 25))

    page = client.get("/loyalty", params={"start": "2026-01-01", "end": "2026-02-28"})

    assert page.status_code == 200, page.text
    html = page.text
    assert '<td id="buyers">2</td>' in html
    assert '<td id="repeat-rate">50%</td>' in html
    assert '<td id="next-purchase">31 days</td>' in html
    row = re.search(r'<tr data-month="2026-01">(.*?)</tr>', html)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(1))
    assert cells[:3] == ["2", "100%", "50%"]
    assert cells[3] == '<span class="muted">\u2013</span>'  # March is after the period
    assert '<tr data-group="promoter"><td>Promoters</td><td>1</td></tr>' in html
    assert '<tr data-group="detractor"><td>Detractors</td><td>1</td></tr>' in html
    assert '<tr data-segment="loyal"><td>Loyal</td><td>1</td></tr>' in html
    assert '<tr data-segment="not satisfied"><td>Not satisfied</td><td>1</td></tr>' in html
    assert "cdn" not in html.lower()


def test_agents_may_not_see_the_loyalty_page(client: TestClient, csrf: str) -> None:
    assert client.get("/loyalty").status_code == 403


def test_an_inverted_period_is_explained(
    client: TestClient, make: Factories, sign_in: SignIn
) -> None:
    sign_in(make.agent(name="Mia Manager", role=Role.MANAGER, password=PASSWORD))
    page = client.get("/loyalty", params={"start": "2026-03-01", "end": "2026-01-01"})
    assert page.status_code == 422
    assert "the start date must not be after the end date" in page.text
    empty = client.get("/loyalty")
    assert empty.status_code == 200
    assert "No orders yet" in empty.text
