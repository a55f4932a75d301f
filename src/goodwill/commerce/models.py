"""Products, orders and reviews: what customers buy and say, for repeat business and root cause."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from goodwill.core.db import Base
from goodwill.core.types import UtcDateTime


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_customer_ordered", "customer_id", "ordered_at"),
        UniqueConstraint("external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    external_id: Mapped[str | None] = mapped_column(String(120))
    ordered_at: Mapped[datetime] = mapped_column(UtcDateTime())
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="USD")


class Review(Base):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    rating: Mapped[int] = mapped_column(Integer)
    rating_scale: Mapped[int] = mapped_column(Integer, default=5)
    text: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(40), default="import")
    reviewed_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    external_id: Mapped[str | None] = mapped_column(String(120), unique=True)  # idempotent import
    title: Mapped[str] = mapped_column(String(300), default="", server_default="")
    sentiment_label: Mapped[str | None] = mapped_column(String(16))
    sentiment_score: Mapped[float | None] = mapped_column()
    cause: Mapped[str | None] = mapped_column(String(16))  # service | product | policy | none
    cause_detail: Mapped[str | None] = mapped_column(String(32))
