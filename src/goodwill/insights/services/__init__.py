"""Insights services: facts, dashboards, drivers, causes, exports and reports."""
