"""Messages of Django that its Chinese catalogue lacks, translated in accounts' catalogue (an app's
catalogue fills in what the catalogues before it in INSTALLED_APPS do not have). Nothing calls
these; `makemessages` finds them here."""

from django.utils.translation import ngettext_lazy

# django.contrib.auth.password_validation.MinimumLengthValidator (Django 5.2 changed the msgid
# from %(min_length)d to %d and the zh_Hans catalogue was not updated).
PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)
