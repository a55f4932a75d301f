"""Idempotency-Key for creating endpoints: one creation per key; a retry replays the stored answer.

The answer is stored in the same transaction as the creation, so either both exist or neither.
Two concurrent requests with one key both try to store; the unique (scope, key) constraint makes
the later one fail, its creation rolls back, and it replays the winner's answer instead.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from goodwill.core.db import Database
from goodwill.core.errors import Conflict
from goodwill.core.idempotency import IdempotentRequest
from goodwill.web.deps import ApiAgent

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_SCOPE_LENGTH = 200

JsonBody = dict[str, Any]


@dataclass(frozen=True, slots=True)
class IdempotentCall:
    """Who is asking, for which method and path, and with which key (None: no key sent)."""

    agent_id: int
    scope: str
    key: str | None


def idempotent_call(
    request: Request,
    agent: ApiAgent,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias=IDEMPOTENCY_HEADER,
            min_length=1,
            max_length=200,
            description="Any unique string, e.g. a UUID. Retrying with the same key and body "
            "returns the first answer without creating anything again.",
        ),
    ] = None,
) -> IdempotentCall:
    scope = f"agent:{agent.id} {request.method} {request.url.path}"
    return IdempotentCall(agent_id=agent.id, scope=scope[:MAX_SCOPE_LENGTH], key=idempotency_key)


Idempotency = Annotated[IdempotentCall, Depends(idempotent_call)]


def request_hash(payload: BaseModel) -> str:
    """SHA-256 of the validated body as canonical JSON (sorted keys, no spaces, defaults filled)."""
    canonical = json.dumps(
        payload.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def create_once(
    database: Database,
    call: IdempotentCall,
    *,
    payload: BaseModel,
    create: Callable[[Session], BaseModel],
    now: datetime,
    redact: Callable[[JsonBody], JsonBody] | None = None,
) -> JSONResponse:
    """Run `create` in one unit of work and answer 201 with its result; replay a keyed retry.

    `redact` changes what is stored for replays (e.g. removes a secret shown only once).
    """
    digest = request_hash(payload)
    try:
        with database.transaction() as session:
            stored = find_stored_response(session, call)
            if stored is not None:
                return _replay(stored, digest)
            body = create(session).model_dump(mode="json")
            if call.key is not None:
                _store(session, call, digest, body=redact(body) if redact else body, now=now)
    except IntegrityError as error:
        # Lost a race with a concurrent request carrying the same key: answer as it did.
        stored = _find_after_race(database, call)
        if stored is None:  # a race on other data (e.g. the same new email at once): retryable
            raise Conflict(
                "a concurrent request changed the same data; retry (with an Idempotency-Key "
                "to be safe)"
            ) from error
        return _replay(stored, digest)
    return JSONResponse(body, status_code=201)


def find_stored_response(session: Session, call: IdempotentCall) -> IdempotentRequest | None:
    if call.key is None:
        return None
    return session.scalar(
        select(IdempotentRequest).where(
            IdempotentRequest.scope == call.scope, IdempotentRequest.key == call.key
        )
    )


def _find_after_race(database: Database, call: IdempotentCall) -> IdempotentRequest | None:
    with database.reader() as session:
        return find_stored_response(session, call)


def _store(
    session: Session, call: IdempotentCall, digest: str, *, body: JsonBody, now: datetime
) -> None:
    assert call.key is not None
    session.add(
        IdempotentRequest(
            scope=call.scope,
            key=call.key,
            request_hash=digest,
            status_code=201,
            response_body=body,
            created_at=now,
            agent_id=call.agent_id,
        )
    )
    session.flush()  # a concurrent duplicate fails here, inside the unit of work


def _replay(stored: IdempotentRequest, digest: str) -> JSONResponse:
    if stored.request_hash != digest:
        raise Conflict(
            f"{IDEMPOTENCY_HEADER} was already used with a different request; "
            "use a new key for a new request"
        )
    return JSONResponse(
        stored.response_body, status_code=stored.status_code, headers={REPLAYED_HEADER: "true"}
    )
