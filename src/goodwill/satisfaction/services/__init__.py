"""Satisfaction services: sentiment and predicted satisfaction."""
