"""Insights: service, satisfaction and quality dashboards, drivers, root cause, exports, reports."""
