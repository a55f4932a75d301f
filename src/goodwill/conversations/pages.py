"""Routes for conversations/pages (being written)."""

from fastapi import APIRouter

router = APIRouter()
