"""Imports every domain's job handlers so the worker can find them by name."""

from goodwill.conversations import jobs as conversations_jobs
from goodwill.core.jobs import maintenance as jobs_maintenance

JOB_MODULES = (conversations_jobs, jobs_maintenance)
