"""Goodwill conversations package."""
