"""Household pairing's inbox messages as kinds and parameters (core.texts), read in the reader's
language."""

from django.utils.translation import gettext_lazy

from core.texts import text_kind

VISIT_DUE = text_kind("care.visit_due", gettext_lazy("Household visit due today: %(household)s"))
VISIT_DUE_BODY = text_kind(
    "care.visit_due_body",
    gettext_lazy(
        "The household %(household)s in %(grid)s is due for its visit today (every %(days)s days)."
    ),
)
VISIT_OVERDUE = text_kind(
    "care.visit_overdue", gettext_lazy("Household visit overdue: %(household)s")
)
VISIT_OVERDUE_BODY = text_kind(
    "care.visit_overdue_body",
    gettext_lazy(
        "The household %(household)s in %(grid)s was due for a visit on %(date)s and "
        "has not been visited."
    ),
)
ESCALATED = text_kind(
    "care.escalated", gettext_lazy("Escalated: household visit overdue: %(household)s")
)
ESCALATED_BODY = text_kind(
    "care.escalated_body",
    gettext_lazy(
        "The household %(household)s in your grid %(grid)s was due for a visit on "
        "%(date)s and is still not visited."
    ),
)
