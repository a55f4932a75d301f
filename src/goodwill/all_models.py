"""Imports every domain's models so SQLAlchemy and Alembic see the whole schema."""

from goodwill.agents import models as agents_models
from goodwill.commerce import models as commerce_models
from goodwill.conversations import models as conversations_models
from goodwill.core import idempotency as idempotency_models
from goodwill.core.db import Base
from goodwill.core.jobs import models as jobs_models
from goodwill.customers import models as customers_models
from goodwill.insights import models as insights_models
from goodwill.insights import rollup as insights_rollup
from goodwill.mail import models as mail_models
from goodwill.proactive import models as proactive_models
from goodwill.quality import models as quality_models
from goodwill.satisfaction import models as satisfaction_models
from goodwill.surveys import models as surveys_models
from goodwill.tags import models as tags_models

MODEL_MODULES = (
    agents_models,
    commerce_models,
    conversations_models,
    customers_models,
    insights_models,
    insights_rollup,
    idempotency_models,
    jobs_models,
    mail_models,
    proactive_models,
    quality_models,
    satisfaction_models,
    surveys_models,
    tags_models,
)

metadata = Base.metadata
