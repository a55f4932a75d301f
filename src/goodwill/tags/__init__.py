"""Goodwill tags package."""
