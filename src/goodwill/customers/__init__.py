"""Goodwill customers package."""
