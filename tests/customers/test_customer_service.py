"""Customers: identities normalised and unique, merge moves history, search by prefix."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.core.clock import FixedClock
from goodwill.core.errors import Conflict, Invalid
from goodwill.customers.identities import InvalidIdentity, normalise_identity
from goodwill.customers.models import CustomerIdentity, IdentityKind
from goodwill.customers.schemas import CustomerCreate, IdentityIn
from goodwill.customers.service import (
    create_customer,
    find_or_create_customer,
    get_customer_view,
    list_customers,
    merge_customers,
)


@pytest.mark.parametrize(
    ("_case", "kind", "raw", "expected"),
    [
        ("email lower-cased", IdentityKind.EMAIL, " Ada@Example.COM ", "ada@example.com"),
        ("phone punctuation dropped", IdentityKind.PHONE, "+44 (20) 7946-0958", "+442079460958"),
        ("international 00 prefix", IdentityKind.PHONE, "0044 20 7946 0958", "+442079460958"),
        ("twitter handle without @", IdentityKind.TWITTER, "@AdaL", "adal"),
    ],
)
def test_normalise_identity(_case: str, kind: IdentityKind, raw: str, expected: str) -> None:
    assert normalise_identity(kind, raw) == expected


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        (IdentityKind.EMAIL, "not-an-email"),
        (IdentityKind.PHONE, "12ab"),
        (IdentityKind.EMAIL, "  "),
    ],
)
def test_bad_identity_is_refused(kind: IdentityKind, raw: str) -> None:
    with pytest.raises(InvalidIdentity):
        normalise_identity(kind, raw)


def test_identity_belongs_to_one_customer(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    make.customer(email="ada@example.com")
    with pytest.raises(Conflict):
        create_customer(
            session,
            data=CustomerCreate(
                name="Other",
                identities=[IdentityIn(kind=IdentityKind.EMAIL, value="ADA@example.com")],
            ),
            now=clock.now(),
        )


def test_invalid_email_is_invalid(session: Session, clock: FixedClock) -> None:
    with pytest.raises(Invalid):
        create_customer(
            session,
            data=CustomerCreate(
                name="X", identities=[IdentityIn(kind=IdentityKind.EMAIL, value="nope")]
            ),
            now=clock.now(),
        )


def test_find_or_create_reuses_the_customer(session: Session, clock: FixedClock) -> None:
    first = find_or_create_customer(
        session, kind=IdentityKind.EMAIL, value="Bo@Example.com", name="Bo", now=clock.now()
    )
    again = find_or_create_customer(
        session, kind=IdentityKind.EMAIL, value="bo@example.com", name="", now=clock.now()
    )
    assert first.id == again.id


def test_merge_moves_identities_and_conversations(
    session: Session, make: Factories, clock: FixedClock
) -> None:
    target = make.customer(name="Ada Lovelace", email="ada@example.com")
    source = make.customer(name="A. Lovelace", email="ada.work@example.com")
    conversation = make.conversation(customer=source)
    merge_customers(session, target_id=target.id, source_id=source.id, now=clock.now())
    assert conversation.customer_id == target.id or session.get(type(conversation), conversation.id)
    session.expire_all()
    view = get_customer_view(session, target.id)
    assert {i.value for i in view.identities} == {"ada@example.com", "ada.work@example.com"}
    moved = session.get(type(conversation), conversation.id)
    assert moved is not None and moved.customer_id == target.id
    found = find_or_create_customer(
        session, kind=IdentityKind.EMAIL, value="ada.work@example.com", name="", now=clock.now()
    )
    assert found.id == target.id
    with pytest.raises(Conflict):
        merge_customers(session, target_id=target.id, source_id=source.id, now=clock.now())


def test_list_customers_pages_and_searches(session: Session, make: Factories) -> None:
    for n in range(7):
        make.customer(name=f"Person {n}", email=f"person{n}@shop.example")
    make.customer(name="Zed Zebra", email="zed@else.example")
    seen: list[int] = []
    cursor = None
    while True:
        page, cursor = list_customers(session, cursor=cursor, limit=3, query="person")
        seen += [view.customer.id for view in page]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 7
    by_email, _ = list_customers(session, cursor=None, limit=10, query="zed@")
    assert [view.customer.name for view in by_email] == ["Zed Zebra"]
    assert session.scalar(
        select(CustomerIdentity.id).where(CustomerIdentity.value == "zed@else.example")
    )
