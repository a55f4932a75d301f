"""Shapes shared by every domain's JSON API: errors and their OpenAPI entries, ids, PATCH bodies."""

from typing import Annotated, Any, ClassVar, Self

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_ID = 2**31 - 1  # integer keys are 32-bit on PostgreSQL; larger ids can never exist


class ErrorOut(BaseModel):
    detail: str


class ValidationIssue(BaseModel):
    loc: list[str]
    msg: str
    type: str


class ValidationErrorOut(BaseModel):
    detail: str
    errors: list[ValidationIssue] = Field(
        default_factory=list,
        description="one entry per invalid field; absent when a business rule rejected the input",
    )


_DESCRIPTIONS = {
    400: "The body could not be read as JSON text (for example, it is not UTF-8)",
    401: "No API token, or an unknown or revoked one",
    403: "Your role may not do this",
    404: "It does not exist, or it is outside what you may see",
    409: "It conflicts with the current state (duplicate, forbidden transition, reused key)",
    422: "The request is not valid; `detail` says which field and why",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the error answers a route can give.

    Always 401 (every route needs a token) and 422 (any query may carry NUL characters).
    """
    return {
        code: {
            "model": ValidationErrorOut if code == 422 else ErrorOut,
            "description": _DESCRIPTIONS[code],
        }
        for code in sorted({401, 422, *codes})
    }


PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
PageLimit = Annotated[int, Query(ge=1, le=100, description="rows per page, 1 to 100")]
PageCursor = Annotated[
    str | None,
    Query(max_length=500, description="the next_cursor of the previous page; omit for the first"),
]


class PartialUpdate(BaseModel):
    """A PATCH body: only the fields sent change; fields named in NOT_NULL refuse a null."""

    model_config = ConfigDict(extra="forbid")
    NOT_NULL: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _no_null_for_required_fields(self) -> Self:
        for field in self.NOT_NULL:
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} cannot be null; leave it out to keep the current value")
        return self
