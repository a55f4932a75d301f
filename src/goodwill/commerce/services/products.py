"""Products found or created by name, in one query plus one insert (imports and the API)."""

import hashlib
import re
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.commerce.models import Product


def product_slug(name: str) -> str:
    """A readable slug made unique by a short hash of the exact name."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "product"
    return f"{base}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"


def product_ids(session: Session, names: Iterable[str], *, now: datetime) -> dict[str, int]:
    """Map each product name to its id, creating the products that do not exist yet."""
    wanted = sorted({name for name in names if name})
    if not wanted:
        return {}
    query = select(Product.name, Product.id).where(Product.name.in_(wanted))
    found = {str(name): int(pid) for name, pid in session.execute(query)}
    missing = [
        Product(name=name, slug=product_slug(name), created_at=now)
        for name in wanted
        if name not in found
    ]
    session.add_all(missing)
    session.flush()
    found.update({product.name: product.id for product in missing})
    return found
