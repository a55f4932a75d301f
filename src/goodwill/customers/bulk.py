"""Finding or creating many customers by identity in a fixed number of queries (imports)."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from goodwill.core.errors import Invalid
from goodwill.customers.identities import InvalidIdentity, normalise_identity
from goodwill.customers.models import Customer, CustomerIdentity, IdentityKind

IdentityKey = tuple[str, str]


def _normalised_keys(wanted: Sequence[tuple[IdentityKind, str, str]]) -> dict[IdentityKey, str]:
    names: dict[IdentityKey, str] = {}
    for kind, value, name in wanted:
        names.setdefault(identity_key(kind, value), name)
    return names


def _existing(session: Session, keys: list[IdentityKey]) -> dict[IdentityKey, int]:
    rows = session.execute(
        select(CustomerIdentity.kind, CustomerIdentity.value, Customer.id, Customer.merged_into_id)
        .join(Customer, Customer.id == CustomerIdentity.customer_id)
        .where(tuple_(CustomerIdentity.kind, CustomerIdentity.value).in_(keys))
    )
    return {(str(kind), str(value)): merged or cid for kind, value, cid, merged in rows}


def find_or_create_customers(
    session: Session, wanted: Sequence[tuple[IdentityKind, str, str]], *, now: datetime
) -> dict[IdentityKey, int]:
    """Map each (kind, normalised value) to its customer id, creating the missing customers."""
    names = _normalised_keys(wanted)
    found = _existing(session, sorted(names))
    missing = [key for key in names if key not in found]
    customers = [
        Customer(
            name=names[key].strip(),
            name_lower=names[key].strip().lower(),
            notes="",
            created_at=now,
            updated_at=now,
        )
        for key in missing
    ]
    session.add_all(customers)
    session.flush()
    session.add_all(
        CustomerIdentity(
            customer_id=customer.id, kind=key[0], value=key[1], is_primary=True, created_at=now
        )
        for key, customer in zip(missing, customers, strict=True)
    )
    found.update({key: customer.id for key, customer in zip(missing, customers, strict=True)})
    return found


def identity_key(kind: IdentityKind, value: str) -> IdentityKey:
    try:
        return (kind.value, normalise_identity(kind, value))
    except InvalidIdentity as error:
        raise Invalid(str(error)) from error
