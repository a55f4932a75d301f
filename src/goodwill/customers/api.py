"""Routes for customers/api (being written)."""

from fastapi import APIRouter

router = APIRouter()
