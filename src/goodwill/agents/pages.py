"""Routes for agents/pages (being written)."""

from fastapi import APIRouter

router = APIRouter()
