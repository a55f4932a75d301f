"""Email use-cases: accept, file, import, poll, send."""
