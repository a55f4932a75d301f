"""Goodwill agents package."""
