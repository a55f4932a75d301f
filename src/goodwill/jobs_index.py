"""Imports every domain's job handlers so the worker can find them by name."""

from goodwill.conversations import jobs as conversations_jobs

JOB_MODULES = (conversations_jobs,)
