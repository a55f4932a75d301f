"""Helpers that give the test suite real services: a throwaway PostgreSQL and Debian's Chromium."""
