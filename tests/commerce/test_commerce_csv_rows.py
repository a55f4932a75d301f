"""Reading review and order CSV rows: dates, ratings, amounts and the reasons for bad rows."""

from datetime import UTC, datetime

import pytest

from goodwill.commerce.csv_rows import (
    OrderColumns,
    ReviewColumns,
    RowError,
    order_row,
    parse_date,
    review_row,
)

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-07-04", datetime(2025, 7, 4, tzinfo=UTC)),
        ("2025-07-04T10:00:00+02:00", datetime(2025, 7, 4, 8, tzinfo=UTC)),
        ("19th November 2023", datetime(2023, 11, 19, tzinfo=UTC)),
        ("2nd Feb 2020", datetime(2020, 2, 2, tzinfo=UTC)),
        ("31/12/2024", datetime(2024, 12, 31, tzinfo=UTC)),
    ],
)
def test_dates_in_common_formats(text: str, expected: datetime) -> None:
    assert parse_date(text) == expected


def test_review_row_with_defaults_and_a_content_hash() -> None:
    row = {"date": "2025-07-04", "rating": "4", "text": " Lovely ", "email": "Ada@Example.com"}
    review = review_row(row, 2, ReviewColumns(), scale=5, now=NOW)
    assert (review.rating, review.scale, review.text, review.email) == (
        4,
        5,
        "Lovely",
        "Ada@Example.com",
    )
    assert review.external_id.startswith("sha:")
    again = review_row(dict(row), 9, ReviewColumns(), scale=5, now=NOW)
    assert again.external_id == review.external_id


def test_a_given_id_is_namespaced_by_the_source() -> None:
    row = {"date": "2025-07-04", "rating": "4", "text": "x", "external_id": "17"}
    review = review_row(row, 2, ReviewColumns(), scale=5, now=NOW, source="shop")
    assert (review.external_id, review.source) == ("shop:17", "shop")


def test_review_scale_column_and_no_date_column() -> None:
    columns = ReviewColumns(date=None)
    review = review_row({"rating": "9", "text": "ok", "scale": "10"}, 2, columns, scale=5, now=NOW)
    assert (review.rating, review.scale, review.reviewed_at) == (9, 10, NOW)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"date": "", "rating": "4", "text": "x"}, "the date is empty"),
        ({"date": "someday", "rating": "4", "text": "x"}, "is not a date"),
        ({"date": "2025-01-01", "rating": "great", "text": "x"}, "is not a number"),
        ({"date": "2025-01-01", "rating": "7", "text": "x"}, "from 1 to 5"),
        ({"date": "2025-01-01", "rating": "3.5", "text": "x"}, "from 1 to 5"),
        ({"date": "2025-01-01", "rating": "3", "text": ""}, "neither text nor title"),
        ({"date": "2025-01-01", "rating": "3", "text": "x", "scale": "7"}, "neither 5 nor 10"),
    ],
)
def test_bad_review_rows_say_why(row: dict[str, str | None], reason: str) -> None:
    with pytest.raises(RowError, match=reason):
        review_row(row, 2, ReviewColumns(), scale=5, now=NOW)


def test_order_row_amount_in_cents_and_currency() -> None:
    row = {"email": "bo@example.com", "date": "2025-01-02", "amount": "1,234.5", "currency": "eur"}
    order = order_row(row, 2, OrderColumns())
    assert (order.amount_cents, order.currency, order.product) == (123450, "EUR", None)
    assert order.external_id.startswith("sha:")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"email": ""}, "email is empty"),
        ({"amount": "ten"}, "is not a number"),
        ({"amount": "-3"}, "negative"),
        ({"currency": "euro"}, "3-letter"),
    ],
)
def test_bad_order_rows_say_why(changes: dict[str, str | None], reason: str) -> None:
    row: dict[str, str | None] = {"email": "bo@example.com", "date": "2025-01-02", "amount": "10"}
    with pytest.raises(RowError, match=reason):
        order_row(row | changes, 2, OrderColumns())
