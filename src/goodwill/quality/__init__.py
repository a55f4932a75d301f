"""Goodwill quality package."""
