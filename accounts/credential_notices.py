"""Telling an account's owner that its password or authenticator changed (OWASP ASVS 2.2.3 and
2.5.5): if it was not them, they learn it at once and can ask their administrator to lock the
account. The notice goes by SMS and e-mail where the account has them, names what changed and
when, and carries no secret and no link (a link in such a message is what phishing imitates)."""

import logging

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import channels

logger = logging.getLogger(__name__)

PASSWORD, AUTHENTICATOR_ADDED, AUTHENTICATOR_REMOVED = (
    "password",
    "authenticator",
    "no-authenticator",
)


def credential_changed_notify(*, user, what: str) -> int:
    """Send the notice on every channel that reaches `user`; returns how many were sent. A
    channel that fails is logged and skipped: the change itself has happened either way."""
    when = date_format(timezone.localtime(), "Y-m-d H:i")
    changed = {
        PASSWORD: _("the password of your RedGrid account %(username)s was changed"),
        AUTHENTICATOR_ADDED: _(
            "an authenticator app was set up for your RedGrid account %(username)s"
        ),
        AUTHENTICATOR_REMOVED: _(
            "the authenticator app of your RedGrid account %(username)s was removed"
        ),
    }[what] % {"username": user.username}
    text = _(
        "RedGrid: at %(when)s %(changed)s. If this was not you, tell your administrator at once."
    ) % {"when": when, "changed": changed}
    sent = 0
    for channel in channels.channels_for(user):
        try:
            channels.message_send(
                channel=channel, user=user, subject=_("Your RedGrid account changed"), text=text
            )
            sent += 1
        except channels.ChannelUnavailable:
            logger.warning("credential change notice not delivered (%s)", channel)
    return sent
