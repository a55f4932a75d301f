"""Importing review and order CSVs: customers by email, idempotent, bad rows reported."""

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories import Factories
from goodwill.cli.imports_commerce import (
    CsvProblem,
    OrderOptions,
    ReviewOptions,
    order_parser,
    review_parser,
    run_import,
)
from goodwill.commerce.models import Order, Product, Review
from goodwill.commerce.services.import_rows import import_orders, import_reviews
from goodwill.core.db import Database
from goodwill.customers.models import Customer, CustomerIdentity

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
DATA = Path("/work/shared/data")

REVIEWS = """date,rating,text,title,email,product
2025-01-05,5,Lovely dress,Great,ada@example.com,Dress
2025-01-06,2,"Too small,
sadly",,bo@example.com,Dress
not a date,4,Fine,,,
2025-01-07,9,Out of scale,,ada@example.com,
2025-01-08,3,Middling,,not-an-email,
2025-01-09,4,No customer,,,Scarf
"""

ORDERS = """email,date,amount,currency,product,external_id
ada@example.com,2025-01-01,19.99,eur,Dress,A-1
ADA@example.com,2025-02-01,5,,,A-2
bo@example.com,2025-02-03,ten,,,B-1
,2025-02-04,3,,,C-1
bo@example.com,2025-02-05,7.5,,,A-2
"""


def reviews_import(database: Database, csv_text: str, **options: object) -> object:
    parser = review_parser(ReviewOptions(**options), NOW)  # type: ignore[arg-type]
    return run_import(
        database,
        io.BytesIO(csv_text.encode()),
        header_check=parser,
        store=lambda session, rows: import_reviews(session, rows, now=NOW),
        batch_size=2,
    )


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_reviews_import_links_customers_and_reports_bad_lines(
    database: Database, session: Session, make: Factories
) -> None:
    ada = make.customer(name="Ada Lovelace", email="ada@example.com")
    summary = reviews_import(database, REVIEWS)

    assert (summary.read, summary.stored, summary.duplicates) == (6, 3, 0)  # type: ignore[attr-defined]
    reasons = dict(summary.rejected)  # type: ignore[attr-defined]
    assert sorted(reasons) == [5, 6, 7]
    assert reasons[5] == "the date 'not a date' is not a date (use YYYY-MM-DD)"
    assert reasons[6] == "the rating 9 is not a whole number from 1 to 5"
    assert "not-an-email" in reasons[7]
    reviews = {r.text: r for r in session.scalars(select(Review))}
    assert reviews["Lovely dress"].customer_id == ada.id
    assert reviews["Lovely dress"].title == "Great"
    assert reviews["Too small,\nsadly"].customer_id not in (None, ada.id)
    assert reviews["No customer"].customer_id is None
    assert sorted(session.scalars(select(Product.name))) == ["Dress", "Scarf"]
    bo = session.scalar(select(CustomerIdentity).where(CustomerIdentity.value == "bo@example.com"))
    assert bo is not None and bo.customer_id == reviews["Too small,\nsadly"].customer_id


def test_importing_the_same_reviews_again_stores_nothing(
    database: Database, session: Session
) -> None:
    reviews_import(database, REVIEWS)
    customers = count(session, Customer)
    again = reviews_import(database, REVIEWS)
    assert (again.stored, again.duplicates) == (0, 3)  # type: ignore[attr-defined]
    assert count(session, Review) == 3
    assert count(session, Customer) == customers


def test_bad_line_numbers_are_physical_lines(database: Database) -> None:
    summary = reviews_import(database, REVIEWS)
    assert [line for line, _ in summary.rejected] == [5, 6, 7]  # type: ignore[attr-defined]


def test_review_columns_and_scale_from_options(database: Database, session: Session) -> None:
    text = "when,stars,body,id\n2025-03-01,8,Good flight,r1\n2025-03-02,10,Superb,r2\n"
    summary = reviews_import(
        database, text, date="when", rating="stars", text="body", external_id="id", scale=10
    )
    assert summary.stored == 2  # type: ignore[attr-defined]
    assert sorted(session.scalars(select(Review.external_id))) == ["import:r1", "import:r2"]
    assert set(session.scalars(select(Review.rating_scale))) == {10}


def test_ids_are_per_source_so_two_files_numbering_rows_alike_do_not_collide(
    database: Database, session: Session
) -> None:
    text = "date,rating,text,external_id\n2025-03-01,4,Good,0\n"
    assert reviews_import(database, text, source="shop").stored == 1  # type: ignore[attr-defined]
    assert reviews_import(database, text, source="airline").stored == 1  # type: ignore[attr-defined]
    assert reviews_import(database, text, source="shop").duplicates == 1  # type: ignore[attr-defined]
    assert sorted(session.scalars(select(Review.source))) == ["airline", "shop"]


def test_a_missing_required_column_is_a_sentence(database: Database) -> None:
    with pytest.raises(
        CsvProblem, match="there is no column 'rating'; name it with --rating-column"
    ):
        reviews_import(database, "date,stars,text\n2025-01-01,4,x\n")
    with pytest.raises(CsvProblem, match="there is no column 'score'"):
        reviews_import(database, "date,rating,text\n2025-01-01,4,x\n", rating="score")


def test_orders_import_is_idempotent_on_external_id(database: Database, session: Session) -> None:
    def run() -> object:
        return run_import(
            database,
            io.BytesIO(ORDERS.encode()),
            header_check=order_parser(OrderOptions()),
            store=lambda s, rows: import_orders(s, rows, now=NOW),
            batch_size=10,
        )

    first = run()
    assert (first.stored, first.duplicates) == (2, 1)  # type: ignore[attr-defined]
    assert [line for line, _ in first.rejected] == [4, 5]  # type: ignore[attr-defined]
    orders = list(session.scalars(select(Order).order_by(Order.ordered_at)))
    assert [(o.external_id, o.amount_cents, o.currency) for o in orders] == [
        ("A-1", 1999, "EUR"),
        ("A-2", 500, "USD"),
    ]
    assert orders[0].customer_id == orders[1].customer_id
    second = run()
    assert (second.stored, second.duplicates) == (0, 3)  # type: ignore[attr-defined]


def _real(path: str) -> Path:
    file = DATA / path
    if not file.exists():
        pytest.skip(f"{file} is absent")
    return file


def test_real_womens_clothing_reviews(database: Database, session: Session) -> None:
    file = _real("womens_clothing_reviews/womens_clothing_reviews_even_rows.csv")
    parser = review_parser(
        ReviewOptions(
            rating="Rating",
            text="Review Text",
            title="Title",
            product="Clothing ID",
            external_id="orig_row",
            source="clothing",
        ),
        NOW,
    )
    with file.open("rb") as handle:
        summary = run_import(
            database,
            handle,
            header_check=parser,
            store=lambda s, rows: import_reviews(s, rows, now=NOW),
            batch_size=2000,
        )
    assert summary.read > 11_000
    assert summary.stored + len(summary.rejected) == summary.read
    assert all("neither text nor title" in reason for _, reason in summary.rejected)
    assert count(session, Review) == summary.stored


def test_real_british_airways_reviews_on_a_ten_point_scale(
    database: Database, session: Session
) -> None:
    file = _real("ba_airline_reviews/ba_airline_reviews_even_reviewid.csv")
    parser = review_parser(
        ReviewOptions(
            date="Datetime",
            rating="OverallRating",
            text="ReviewBody",
            title="ReviewHeader",
            external_id="ReviewID",
            scale=10,
            source="british-airways",
        ),
        NOW,
    )
    with file.open("rb") as handle:
        summary = run_import(
            database,
            handle,
            header_check=parser,
            store=lambda s, rows: import_reviews(s, rows, now=NOW),
        )
    assert summary.stored > 1_800
    assert all("rating" in reason for _, reason in summary.rejected)
    earliest = session.scalar(select(func.min(Review.reviewed_at)))
    assert earliest is not None and earliest.year < 2023
