"""Conversation use-cases, one module per verb."""
