"""The volunteers' inbox messages as kinds and parameters (core.texts), read in the reader's
language."""

from django.utils.translation import gettext_lazy

from core.texts import text_kind

TOMORROW = text_kind("volunteers.tomorrow", gettext_lazy("Tomorrow: %(title)s"))
TOMORROW_BODY = text_kind(
    "volunteers.tomorrow_body",
    gettext_lazy('Your volunteer activity "%(title)s" starts at %(time)s tomorrow.'),
)
RECONFIRM = text_kind("volunteers.reconfirm", gettext_lazy("Please re-confirm your registration"))
RECONFIRM_BODY = text_kind(
    "volunteers.reconfirm_body",
    gettext_lazy(
        "Your registration with your community expires on %(date)s. Re-confirm it on "
        "your volunteering page."
    ),
)
APPROVED = text_kind("volunteers.approved", gettext_lazy("Your registration was approved"))
APPROVED_BODY = text_kind(
    "volunteers.approved_body",
    gettext_lazy("You are registered with %(grid)s. Please re-confirm before %(date)s."),
)
RETURNED = text_kind("volunteers.returned", gettext_lazy("Your registration was returned"))
