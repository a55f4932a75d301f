"""Goodwill web package."""
