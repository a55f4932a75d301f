"""Goodwill core package."""
