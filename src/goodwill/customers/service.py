"""Customer use-cases: create, find by identity, list, search, merge."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from goodwill.commerce.models import Order, Review
from goodwill.conversations.enums import EventKind
from goodwill.conversations.models import Conversation, ConversationEvent, Message
from goodwill.core.errors import Conflict, Invalid, NotFound
from goodwill.core.pagination import cursor_key, decode_cursor, encode_cursor
from goodwill.customers.identities import InvalidIdentity, normalise_identity
from goodwill.customers.models import (
    Company,
    Customer,
    CustomerIdentity,
    CustomerTag,
    IdentityKind,
)
from goodwill.customers.schemas import CustomerCreate, IdentityIn
from goodwill.surveys.models import SurveyInvitation, SurveyResponse
from goodwill.tags.models import Tag
from goodwill.tags.service import ensure_tags


@dataclass(frozen=True, slots=True)
class CustomerView:
    customer: Customer
    company: str | None
    identities: list[CustomerIdentity]
    tags: list[str]


def _normalised(kind: IdentityKind, value: str) -> str:
    try:
        return normalise_identity(kind, value)
    except InvalidIdentity as error:
        raise Invalid(str(error)) from error


def _find_or_create_company(session: Session, name: str, now: datetime) -> Company:
    company = session.scalar(select(Company).where(func.lower(Company.name) == name.lower()))
    if company is None:
        company = Company(name=name.strip(), created_at=now)
        session.add(company)
        session.flush()
    return company


def create_customer(session: Session, *, data: CustomerCreate, now: datetime) -> Customer:
    identities = [(item.kind, _normalised(item.kind, item.value)) for item in data.identities]
    for kind, value in identities:
        if find_customer_id_by_identity(session, kind=kind, value=value) is not None:
            raise Conflict(f"another customer already has the {kind} identity {value}")
    company = _find_or_create_company(session, data.company, now) if data.company else None
    customer = Customer(
        name=data.name.strip(),
        name_lower=data.name.strip().lower(),
        company_id=company.id if company else None,
        notes=data.notes,
        created_at=now,
        updated_at=now,
    )
    session.add(customer)
    session.flush()
    for position, (kind, value) in enumerate(dict.fromkeys(identities)):
        session.add(
            CustomerIdentity(
                customer_id=customer.id,
                kind=kind,
                value=value,
                is_primary=position == 0,
                created_at=now,
            )
        )
    for tag in ensure_tags(session, data.tags):
        session.add(CustomerTag(customer_id=customer.id, tag_id=tag.id))
    session.flush()
    return customer


def find_customer_id_by_identity(session: Session, *, kind: IdentityKind, value: str) -> int | None:
    return session.scalar(
        select(CustomerIdentity.customer_id).where(
            CustomerIdentity.kind == kind, CustomerIdentity.value == value
        )
    )


def find_or_create_customer(
    session: Session, *, kind: IdentityKind, value: str, name: str, now: datetime
) -> Customer:
    """The customer behind an identity (following merges), created on first contact."""
    normalised = _normalised(kind, value)
    customer_id = find_customer_id_by_identity(session, kind=kind, value=normalised)
    if customer_id is not None:
        return _follow_merges(session, get_customer(session, customer_id))
    data = CustomerCreate(name=name, identities=[IdentityIn(kind=kind, value=normalised)])
    return create_customer(session, data=data, now=now)


def _follow_merges(session: Session, customer: Customer) -> Customer:
    while customer.merged_into_id is not None:
        customer = get_customer(session, customer.merged_into_id)
    return customer


def get_customer(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"customer {customer_id} does not exist")
    return customer


def load_customer_views(session: Session, customers: list[Customer]) -> list[CustomerView]:
    """Identities, company and tags for many customers in three queries."""
    ids = [customer.id for customer in customers]
    identities: dict[int, list[CustomerIdentity]] = {i: [] for i in ids}
    for identity in session.scalars(
        select(CustomerIdentity)
        .where(CustomerIdentity.customer_id.in_(ids))
        .order_by(CustomerIdentity.is_primary.desc(), CustomerIdentity.id)
    ):
        identities[identity.customer_id].append(identity)
    company_ids = {c.company_id for c in customers if c.company_id}
    companies = dict(
        session.execute(select(Company.id, Company.name).where(Company.id.in_(company_ids))).all()
    )
    tags: dict[int, list[str]] = {i: [] for i in ids}
    for customer_id, tag_name in session.execute(
        select(CustomerTag.customer_id, Tag.name)
        .join(Tag, Tag.id == CustomerTag.tag_id)
        .where(CustomerTag.customer_id.in_(ids))
        .order_by(Tag.name)
    ):
        tags[customer_id].append(tag_name)
    return [
        CustomerView(
            c, companies.get(c.company_id) if c.company_id else None, identities[c.id], tags[c.id]
        )
        for c in customers
    ]


def get_customer_view(session: Session, customer_id: int) -> CustomerView:
    return load_customer_views(session, [get_customer(session, customer_id)])[0]


def list_customers(
    session: Session, *, cursor: str | None, limit: int, query: str | None = None
) -> tuple[list[CustomerView], str | None]:
    """Newest first, keyset-paginated; `query` matches a name prefix or an identity prefix."""
    statement = select(Customer).where(Customer.merged_into_id.is_(None))
    if query:
        needle = query.strip().lower()
        by_identity = select(CustomerIdentity.customer_id).where(
            CustomerIdentity.value.like(f"{_escape_like(needle)}%", escape="\\")
        )
        statement = statement.where(
            or_(
                Customer.name_lower.like(f"{_escape_like(needle)}%", escape="\\"),
                Customer.id.in_(by_identity),
            )
        )
    if cursor:
        (last_id,) = decode_cursor(cursor, size=1)
        statement = statement.where(Customer.id < cursor_key(last_id))
    rows = list(session.scalars(statement.order_by(Customer.id.desc()).limit(limit + 1)))
    next_cursor = encode_cursor([rows[limit - 1].id]) if len(rows) > limit else None
    return load_customer_views(session, rows[:limit]), next_cursor


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def merge_customers(session: Session, *, target_id: int, source_id: int, now: datetime) -> Customer:
    """Move the source's identities and history onto the target; the source remains as a pointer."""
    if target_id == source_id:
        raise Invalid("cannot merge a customer into itself")
    target = get_customer(session, target_id)
    source = session.get(Customer, source_id)
    if source is None:
        raise Invalid(f"source_id {source_id} does not exist")
    if source.merged_into_id is not None or target.merged_into_id is not None:
        raise Conflict("one of these customers was already merged; merge into the surviving one")
    _log_merge_on_conversations(session, source=source, target=target, now=now)
    for table, column in _CUSTOMER_REFERENCES:
        session.execute(update(table).where(column == source.id).values({column.key: target.id}))
    source_tags = select(CustomerTag.tag_id).where(CustomerTag.customer_id == target.id)
    session.execute(
        update(CustomerTag)
        .where(CustomerTag.customer_id == source.id, CustomerTag.tag_id.not_in(source_tags))
        .values(customer_id=target.id)
    )
    session.execute(delete(CustomerTag).where(CustomerTag.customer_id == source.id))
    session.execute(
        update(CustomerIdentity)
        .where(CustomerIdentity.customer_id == source.id)
        .values(customer_id=target.id, is_primary=False)
    )
    if not target.name and source.name:
        target.name, target.name_lower = source.name, source.name_lower
    source.merged_into_id = target.id
    source.updated_at = target.updated_at = now
    session.flush()
    return target


_CUSTOMER_REFERENCES = (
    (Conversation, Conversation.customer_id),
    (Message, Message.author_customer_id),
    (Order, Order.customer_id),
    (Review, Review.customer_id),
    (SurveyInvitation, SurveyInvitation.customer_id),
    (SurveyResponse, SurveyResponse.customer_id),
)


def _log_merge_on_conversations(
    session: Session, *, source: Customer, target: Customer, now: datetime
) -> None:
    conversation_ids = session.scalars(
        select(Conversation.id).where(Conversation.customer_id == source.id)
    ).all()
    for conversation_id in conversation_ids:
        session.add(
            ConversationEvent(
                conversation_id=conversation_id,
                kind=EventKind.CUSTOMER_MERGED,
                occurred_at=now,
                data={"from_customer_id": source.id, "to_customer_id": target.id},
            )
        )
