"""Routes for conversations/api (being written)."""

from fastapi import APIRouter

router = APIRouter()
