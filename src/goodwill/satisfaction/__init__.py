"""Satisfaction measured everywhere: sentiment of every message, predicted satisfaction, loyalty."""
