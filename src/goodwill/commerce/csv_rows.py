"""Reading review and order rows from CSV dictionaries: pure, one error sentence per bad row."""

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d %B %Y", "%d %b %Y", "%d/%m/%Y", "%m/%d/%Y")
ORDINAL = re.compile(r"^(\d{1,2})(st|nd|rd|th)\b", re.IGNORECASE)
MAX_TEXT = 20_000


class RowError(ValueError):
    """A row that cannot be imported; the message says why."""


@dataclass(frozen=True, slots=True)
class ReviewColumns:
    date: str | None = "date"
    rating: str = "rating"
    text: str = "text"
    title: str | None = "title"
    email: str | None = "email"
    product: str | None = "product"
    external_id: str | None = "external_id"
    scale: str | None = "scale"


@dataclass(frozen=True, slots=True)
class OrderColumns:
    email: str = "email"
    date: str = "date"
    amount: str = "amount"
    currency: str | None = "currency"
    product: str | None = "product"
    external_id: str | None = "external_id"


@dataclass(frozen=True, slots=True)
class ReviewRow:
    line: int
    reviewed_at: datetime
    rating: int
    scale: int
    text: str
    title: str
    email: str | None
    product: str | None
    external_id: str
    source: str


@dataclass(frozen=True, slots=True)
class OrderRow:
    line: int
    email: str
    ordered_at: datetime
    amount_cents: int
    currency: str
    product: str | None
    external_id: str


def _cell(row: dict[str, str | None], column: str | None) -> str:
    if column is None:
        return ""
    return (row.get(column) or "").strip()


def parse_date(value: str) -> datetime:
    """ISO 8601 (naive means UTC), '19th November 2023', '5 Sep 2012', d/m/Y."""
    if not value:
        raise RowError("the date is empty")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = _parse_other_date(ORDINAL.sub(r"\1", value))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _parse_other_date(value: str) -> datetime:
    for date_format in DATE_FORMATS:
        try:
            return datetime.strptime(value, date_format).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise RowError(f"the date {value[:40]!r} is not a date (use YYYY-MM-DD)")


def parse_rating(value: str, scale: int) -> int:
    try:
        rating = float(value)
    except ValueError:
        raise RowError(f"the rating {value[:20]!r} is not a number") from None
    if rating != int(rating) or not 1 <= rating <= scale:
        raise RowError(f"the rating {value} is not a whole number from 1 to {scale}")
    return int(rating)


def parse_scale(value: str, default: int) -> int:
    if not value:
        return default
    if value not in ("5", "10"):
        raise RowError(f"the scale {value[:10]!r} is neither 5 nor 10")
    return int(value)


def parse_amount_cents(value: str) -> int:
    try:
        amount = Decimal(value.replace(",", ""))
    except InvalidOperation:
        raise RowError(f"the amount {value[:20]!r} is not a number") from None
    if not amount.is_finite() or amount < 0 or amount > Decimal(10) ** 13:
        raise RowError(f"the amount {value[:20]} is negative or too large")
    return int((amount * 100).to_integral_value())


def content_key(*parts: str) -> str:
    """A stable external id for rows that have none: a hash of what identifies them."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
    return f"sha:{digest}"


def review_row(
    row: dict[str, str | None],
    line: int,
    columns: ReviewColumns,
    *,
    scale: int,
    now: datetime,
    source: str = "import",
) -> ReviewRow:
    """One review; raises RowError. Without a date column the review is dated `now`.

    A given id is namespaced by the source (`source:id`), so two files numbering their rows
    from 0 do not collide; without one, the id is a hash of date, email, title and text."""
    raw_date = _cell(row, columns.date)
    reviewed_at = parse_date(raw_date) if columns.date is not None else now
    row_scale = parse_scale(_cell(row, columns.scale), scale)
    rating = parse_rating(_cell(row, columns.rating), row_scale)
    text = _cell(row, columns.text)[:MAX_TEXT]
    title = _cell(row, columns.title)[:300]
    if not text and not title:
        raise RowError("the review has neither text nor title")
    email = _cell(row, columns.email) or None
    given = _cell(row, columns.external_id)
    external = f"{source}:{given}"[:120] if given else ""
    return ReviewRow(
        line=line,
        reviewed_at=reviewed_at,
        rating=rating,
        scale=row_scale,
        text=text,
        title=title,
        email=email,
        product=_cell(row, columns.product)[:200] or None,
        external_id=external or content_key(raw_date, (email or "").lower(), title, text),
        source=source,
    )


def order_row(row: dict[str, str | None], line: int, columns: OrderColumns) -> OrderRow:
    """One order; raises RowError."""
    email = _cell(row, columns.email)
    if not email:
        raise RowError("the customer email is empty")
    raw_date = _cell(row, columns.date)
    ordered_at = parse_date(raw_date)
    raw_amount = _cell(row, columns.amount)
    currency = (_cell(row, columns.currency) or "USD").upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise RowError(f"the currency {currency[:10]!r} is not a 3-letter code")
    product = _cell(row, columns.product)[:200] or None
    external = _cell(row, columns.external_id)[:120]
    return OrderRow(
        line=line,
        email=email,
        ordered_at=ordered_at,
        amount_cents=parse_amount_cents(raw_amount),
        currency=currency,
        product=product,
        external_id=external
        or content_key(raw_date, email.lower(), raw_amount, currency, product or ""),
    )
