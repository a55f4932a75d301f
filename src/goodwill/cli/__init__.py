"""Goodwill cli package."""
