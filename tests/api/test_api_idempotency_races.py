"""A unique-constraint race that is not about the Idempotency-Key answers 409, never 500."""

import pytest
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from goodwill.core.clock import FixedClock
from goodwill.core.db import Database
from goodwill.core.errors import Conflict
from goodwill.web.idempotency import IdempotentCall, create_once


class Body(BaseModel):
    value: str


def test_integrity_race_without_stored_answer_is_a_conflict(
    database: Database, clock: FixedClock
) -> None:
    def create(session: Session) -> Body:
        raise IntegrityError("INSERT ...", {}, Exception("duplicate key"))

    call = IdempotentCall(agent_id=1, scope="agent:1 POST /x", key=None)
    with pytest.raises(Conflict, match="retry"):
        create_once(database, call, payload=Body(value="v"), create=create, now=clock.now())
