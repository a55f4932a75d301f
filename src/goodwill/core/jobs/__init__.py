"""Goodwill core jobs package."""
