"""Imports every domain's job handlers so the worker can find them by name."""

from goodwill.conversations import jobs as conversations_jobs
from goodwill.core.jobs import maintenance as jobs_maintenance
from goodwill.insights import cause_jobs as insights_cause_jobs
from goodwill.insights import jobs as insights_jobs
from goodwill.insights import report_jobs as insights_report_jobs
from goodwill.mail import jobs as mail_jobs
from goodwill.quality import jobs as quality_jobs
from goodwill.satisfaction import jobs as satisfaction_jobs
from goodwill.satisfaction import prediction_jobs as satisfaction_prediction_jobs
from goodwill.surveys import jobs as surveys_jobs
from goodwill.surveys import loop_jobs as surveys_loop_jobs

JOB_MODULES = (
    conversations_jobs,
    jobs_maintenance,
    insights_jobs,
    insights_cause_jobs,
    insights_report_jobs,
    mail_jobs,
    quality_jobs,
    satisfaction_jobs,
    satisfaction_prediction_jobs,
    surveys_jobs,
    surveys_loop_jobs,
)
