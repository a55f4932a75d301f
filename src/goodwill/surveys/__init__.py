"""Goodwill surveys package."""
