"""Demo customers: names, identities on their channels, companies, VIP tags, and their orders."""

import random
import re
from dataclasses import dataclass

from goodwill.demo.catalog import CURRENCY, TAG_VIP
from goodwill.demo.draw import choose
from goodwill.demo.names import EMAIL_DOMAINS, FIRST_NAMES, LAST_NAMES, LOCALES
from goodwill.demo.rows import Batch
from goodwill.demo.simulation import IdCounter
from goodwill.demo.world import CompanyRef

COMPANY_SHARE = 0.12
PHONE_SHARE = 0.35
TWITTER_SHARE = 0.12
VIP_SHARE_OF_COMPANIES = 0.5
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]")
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


@dataclass(slots=True)
class Person:
    id: int
    first_name: str
    full_name: str
    has_phone: bool
    has_twitter: bool
    surveyed_at: int | None = None  # the last CSAT or CES invitation (for the cool-down)


@dataclass(frozen=True, slots=True)
class OrderRef:
    id: int
    external_id: str
    product_index: int
    amount_cents: int


def base36(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = _BASE36[digit] + digits
        if not number:
            return digits


def new_person(
    rng: random.Random,
    ids: IdCounter,
    batch: Batch,
    *,
    at: int,
    channel: str,
    companies: tuple[CompanyRef, ...],
    vip_tag_id: int | None,
) -> Person:
    customer_id = ids.take("customers")
    first, last = choose(rng, FIRST_NAMES), choose(rng, LAST_NAMES)
    company = choose(rng, companies) if companies and rng.random() < COMPANY_SHARE else None
    person = Person(
        id=customer_id,
        first_name=first,
        full_name=f"{first} {last}",
        has_phone=channel in ("phone", "sms") or rng.random() < PHONE_SHARE,
        has_twitter=channel == "social" or rng.random() < TWITTER_SHARE,
    )
    batch.rows["customers"].append(
        (
            customer_id,
            person.full_name,
            person.full_name.lower(),
            company.id if company else None,
            "",
            choose(rng, LOCALES),
            False,
            at,
            at,
        )
    )
    batch.customers += 1
    _identities(rng, ids, batch, person, at=at, domain=company.domain if company else None)
    if company is not None and vip_tag_id is not None and rng.random() < VIP_SHARE_OF_COMPANIES:
        batch.rows["customer_tags"].append((customer_id, vip_tag_id))
    return person


def _identities(
    rng: random.Random, ids: IdCounter, batch: Batch, person: Person, *, at: int, domain: str | None
) -> None:
    first, last = (
        _NOT_ALPHANUMERIC.sub("", part.lower()) for part in person.full_name.split(" ", 1)
    )
    suffix = base36(person.id)
    local = choose(rng, (f"{first}{last}", f"{first}_{last}", f"{first[0]}{last}", first))
    email = f"{local}.{suffix}@{domain or choose(rng, EMAIL_DOMAINS)}"
    rows = batch.rows["customer_identities"]
    rows.append((ids.take("customer_identities"), person.id, "email", email, True, at))
    if person.has_phone:
        # +44 7xxx mobile numbers, unique per customer (7919 is coprime with 10**9).
        number = f"+447{(person.id * 7919 + 104_729) % 1_000_000_000:09d}"
        rows.append((ids.take("customer_identities"), person.id, "phone", number, False, at))
    if person.has_twitter:
        handle = f"{first}{last[:1]}_{suffix}"
        rows.append((ids.take("customer_identities"), person.id, "twitter", handle, False, at))


def new_order(
    ids: IdCounter,
    batch: Batch,
    *,
    customer_id: int,
    product: tuple[int, int, int],
    at: int,
    quantity: int = 1,
) -> OrderRef:
    """`product` is (index in the catalogue, product id, unit price in cents)."""
    index, product_id, price = product
    order_id = ids.take("orders")
    external_id = f"HW-{100_000 + order_id}"
    amount = price * quantity
    batch.rows["orders"].append(
        (order_id, customer_id, product_id, external_id, at, amount, CURRENCY)
    )
    return OrderRef(order_id, external_id, index, amount)


def vip_tag(tag_ids: dict[str, int]) -> int | None:
    return tag_ids.get(TAG_VIP)
