"""Goodwill demo package."""
