"""Goodwill: customer service that measures the satisfaction it produces."""
