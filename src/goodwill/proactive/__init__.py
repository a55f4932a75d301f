"""Goodwill proactive package."""
