"""Storing a batch of parsed review or order rows: customers by email in bulk, idempotent."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.commerce.csv_rows import OrderRow, ReviewRow
from goodwill.commerce.models import Order, Review
from goodwill.commerce.services.products import product_ids
from goodwill.core.errors import Invalid
from goodwill.customers.bulk import IdentityKey, find_or_create_customers, identity_key
from goodwill.customers.models import IdentityKind

R = TypeVar("R", ReviewRow, OrderRow)


@dataclass(slots=True)
class BatchOutcome:
    stored: int = 0
    duplicates: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)


def _email_keys(
    rows: Sequence[ReviewRow] | Sequence[OrderRow], outcome: BatchOutcome
) -> dict[int, IdentityKey]:
    """Line -> normalised email key; rows with an invalid email are rejected."""
    keys: dict[int, IdentityKey] = {}
    for row in rows:
        if row.email is None:
            continue
        try:
            keys[row.line] = identity_key(IdentityKind.EMAIL, row.email)
        except Invalid as error:
            outcome.rejected.append((row.line, error.message))
    return keys


def _customers(session: Session, keys: dict[int, IdentityKey], now: datetime) -> dict[int, int]:
    wanted = [(IdentityKind.EMAIL, key[1], key[1]) for key in set(keys.values())]
    ids = find_or_create_customers(session, wanted, now=now) if wanted else {}
    return {line: ids[key] for line, key in keys.items()}


def _existing_ids(session: Session, model: type[Review] | type[Order], ids: list[str]) -> set[str]:
    column = model.external_id
    return {str(value) for value in session.scalars(select(column).where(column.in_(ids)))}


def _new_rows(
    session: Session, rows: Sequence[R], model: type[Review] | type[Order], outcome: BatchOutcome
) -> list[R]:
    """Drop rows already stored (by external id) or repeated within the batch."""
    existing = _existing_ids(session, model, [row.external_id for row in rows])
    fresh: list[R] = []
    for row in rows:
        if row.external_id in existing:
            outcome.duplicates += 1
            continue
        existing.add(row.external_id)
        fresh.append(row)
    return fresh


def import_reviews(session: Session, rows: Sequence[ReviewRow], *, now: datetime) -> BatchOutcome:
    """Store new reviews with their customers (by email) and products; flush only."""
    outcome = BatchOutcome()
    emails = _email_keys(rows, outcome)
    bad = {line for line, _ in outcome.rejected}
    fresh = _new_rows(session, [row for row in rows if row.line not in bad], Review, outcome)
    linked = {row.line: emails[row.line] for row in fresh if row.line in emails}
    customers = _customers(session, linked, now)
    products = product_ids(session, (row.product or "" for row in fresh), now=now)
    session.add_all(
        Review(
            customer_id=customers.get(row.line),
            product_id=products.get(row.product or ""),
            rating=row.rating,
            rating_scale=row.scale,
            text=row.text,
            title=row.title,
            source=row.source,
            reviewed_at=row.reviewed_at,
            external_id=row.external_id,
        )
        for row in fresh
    )
    session.flush()
    outcome.stored = len(fresh)
    return outcome


def import_orders(session: Session, rows: Sequence[OrderRow], *, now: datetime) -> BatchOutcome:
    """Store new orders with their customers (by email) and products; flush only."""
    outcome = BatchOutcome()
    emails = _email_keys(rows, outcome)
    bad = {line for line, _ in outcome.rejected}
    fresh = _new_rows(session, [row for row in rows if row.line not in bad], Order, outcome)
    customers = _customers(session, {row.line: emails[row.line] for row in fresh}, now)
    products = product_ids(session, (row.product or "" for row in fresh), now=now)
    session.add_all(
        Order(
            customer_id=customers[row.line],
            product_id=products.get(row.product or ""),
            external_id=row.external_id,
            ordered_at=row.ordered_at,
            amount_cents=row.amount_cents,
            currency=row.currency,
        )
        for row in fresh
    )
    session.flush()
    outcome.stored = len(fresh)
    return outcome
