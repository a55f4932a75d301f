"""Goodwill commerce package."""
