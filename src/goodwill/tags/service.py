"""Tag use-cases: find or create tags by name."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from goodwill.core.errors import Invalid
from goodwill.tags.models import Tag

MAX_TAG_LENGTH = 64


def normalise_tag(name: str) -> str:
    tag = " ".join(name.strip().lower().split())
    if not tag:
        raise Invalid("a tag cannot be empty")
    if len(tag) > MAX_TAG_LENGTH:
        raise Invalid(f"tag {tag[:20]!r}... is longer than {MAX_TAG_LENGTH} characters")
    return tag


def ensure_tags(session: Session, names: list[str]) -> list[Tag]:
    wanted = sorted({normalise_tag(name) for name in names})
    if not wanted:
        return []
    existing = {tag.name: tag for tag in session.scalars(select(Tag).where(Tag.name.in_(wanted)))}
    for name in wanted:
        if name not in existing:
            tag = Tag(name=name)
            session.add(tag)
            existing[name] = tag
    session.flush()
    return [existing[name] for name in wanted]
