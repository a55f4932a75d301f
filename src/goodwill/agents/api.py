"""Routes for agents/api (being written)."""

from fastapi import APIRouter

router = APIRouter()
