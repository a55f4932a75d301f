"""Goodwill channels package."""
