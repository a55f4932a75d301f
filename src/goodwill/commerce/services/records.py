"""One order or review recorded through the API (idempotent on external id); listings."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.commerce.csv_rows import content_key
from goodwill.commerce.models import Order, Product, Review
from goodwill.commerce.schemas import CustomerRef, OrderIn, OrderOut, ReviewIn, ReviewOut
from goodwill.commerce.services.products import product_ids
from goodwill.core.errors import Conflict, NotFound
from goodwill.customers.bulk import find_or_create_customers, identity_key
from goodwill.customers.models import Customer, IdentityKind


def resolve_customer(session: Session, ref: CustomerRef, *, now: datetime) -> int:
    """The customer id of a reference; a merged customer resolves to the one it became."""
    if ref.customer_id is not None:
        return existing_customer(session, ref.customer_id)
    key = identity_key(IdentityKind.EMAIL, ref.customer_email or "")
    return find_or_create_customers(session, [(IdentityKind.EMAIL, key[1], key[1])], now=now)[key]


def existing_customer(session: Session, customer_id: int) -> int:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"customer {customer_id} does not exist")
    return customer.merged_into_id or customer.id


def _product_id(session: Session, name: str | None, now: datetime) -> int | None:
    return product_ids(session, [name], now=now)[name] if name else None


def record_order(session: Session, data: OrderIn, *, now: datetime) -> tuple[Order, bool]:
    """The order with this external id, created when new; (order, created)."""
    found = session.scalar(select(Order).where(Order.external_id == data.external_id))
    customer_id = resolve_customer(session, data, now=now)
    if found is not None:
        if found.customer_id != customer_id:
            raise Conflict(f"order {data.external_id} already belongs to another customer")
        return found, False
    order = Order(
        customer_id=customer_id,
        product_id=_product_id(session, data.product, now),
        external_id=data.external_id,
        ordered_at=data.ordered_at,
        amount_cents=data.amount_cents,
        currency=data.currency,
    )
    session.add(order)
    session.flush()
    return order, True


def record_review(session: Session, data: ReviewIn, *, now: datetime) -> tuple[Review, bool]:
    """The review with this external id (or content hash), created when new; (review, created)."""
    customer_id = resolve_customer(session, data, now=now)
    external = data.external_id or content_key(
        data.reviewed_at.isoformat(), str(customer_id), data.title, data.text
    )
    found = session.scalar(select(Review).where(Review.external_id == external))
    if found is not None:
        return found, False
    review = Review(
        customer_id=customer_id,
        product_id=_product_id(session, data.product, now),
        rating=data.rating,
        rating_scale=data.rating_scale,
        text=data.text,
        title=data.title,
        source=data.source,
        reviewed_at=data.reviewed_at,
        external_id=external,
    )
    session.add(review)
    session.flush()
    return review, True


def _product_names(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = [pid for pid in ids if pid is not None]
    if not wanted:
        return {}
    query = select(Product.id, Product.name).where(Product.id.in_(wanted))
    return {int(pid): str(name) for pid, name in session.execute(query)}


def orders_out(session: Session, orders: list[Order]) -> list[OrderOut]:
    names = _product_names(session, {order.product_id for order in orders})
    return [
        OrderOut(
            id=o.id,
            customer_id=o.customer_id,
            external_id=o.external_id,
            ordered_at=o.ordered_at,
            amount_cents=o.amount_cents,
            currency=o.currency,
            product=names.get(o.product_id) if o.product_id else None,
        )
        for o in orders
    ]


def reviews_out(session: Session, reviews: list[Review]) -> list[ReviewOut]:
    names = _product_names(session, {review.product_id for review in reviews})
    return [
        ReviewOut(
            id=r.id,
            customer_id=r.customer_id,
            rating=r.rating,
            rating_scale=r.rating_scale,
            text=r.text,
            title=r.title,
            source=r.source,
            reviewed_at=r.reviewed_at,
            external_id=r.external_id,
            product=names.get(r.product_id) if r.product_id else None,
            sentiment_label=r.sentiment_label,
            sentiment_score=r.sentiment_score,
        )
        for r in reviews
    ]


def customer_orders(session: Session, customer_id: int, *, limit: int = 200) -> list[Order]:
    """A customer's latest orders, newest first."""
    query = select(Order).where(Order.customer_id == customer_id)
    query = query.order_by(Order.ordered_at.desc(), Order.id.desc()).limit(limit)
    return list(session.scalars(query))


def customer_reviews(session: Session, customer_id: int, *, limit: int = 200) -> list[Review]:
    """A customer's latest reviews, newest first."""
    query = select(Review).where(Review.customer_id == customer_id)
    query = query.order_by(Review.reviewed_at.desc(), Review.id.desc()).limit(limit)
    return list(session.scalars(query))
