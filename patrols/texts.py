"""The patrols' inbox messages as kinds and parameters (core.texts), read in the reader's language."""

from django.utils.translation import gettext_lazy

from core.texts import local_moment, text_kind

DUE = {"due": local_moment}
PATROL_DUE = text_kind("patrols.due", gettext_lazy("Patrol due: %(place)s"))
PATROL_DUE_NEVER_BODY = text_kind(
    "patrols.due_never_body",
    gettext_lazy(
        "%(place)s is to be patrolled every %(days)s days and has never been checked in at."
    ),
)
PATROL_DUE_BODY = text_kind(
    "patrols.due_body",
    gettext_lazy("%(place)s is to be patrolled every %(days)s days; it was due by %(due)s."),
    formats=DUE,
)
ESCALATED = text_kind("patrols.escalated", gettext_lazy("Escalated: %(place)s not patrolled"))
ESCALATED_BODY = text_kind(
    "patrols.escalated_body",
    gettext_lazy(
        "%(place)s in your grid is to be patrolled every %(days)s days; it was "
        "due by %(due)s and nobody has checked in since."
    ),
    formats=DUE,
)
