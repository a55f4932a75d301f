"""Routes for customers/pages (being written)."""

from fastapi import APIRouter

router = APIRouter()
