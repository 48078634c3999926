"""How accounts reach their owner outside the site, for one-time password links and SMS codes.

The SMS gateway and the mail connection belong to the notifications app, which sits above
accounts (INSTALLED_APPS order), so accounts cannot import it: notifications registers a sender
for each channel here at start-up (notifications/account_channels.py).

Secrets are sent straight through the channel, never through the notification outbox: outbox
rows are kept and readable in the admin, and a password link must exist only in the message.
"""

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

SMS, EMAIL = "sms", "email"
_SENDERS: dict[str, Callable] = {}


class ChannelUnavailable(Exception):
    pass


def channel_register(name: str, send: Callable) -> None:
    """`send(*, user, subject, text)` delivers now and raises on failure."""
    _SENDERS[name] = send


def channels_for(user) -> list[str]:
    """The channels that can reach `user` (registered, and the account has the address)."""
    found = []
    if SMS in _SENDERS and getattr(user, "phone", ""):
        found.append(SMS)
    if EMAIL in _SENDERS and getattr(user, "email", ""):
        found.append(EMAIL)
    return found


def message_send(*, channel: str, user, subject: str, text: str) -> None:
    """Send now; ChannelUnavailable when the channel cannot reach the user or the send fails."""
    send = _SENDERS.get(channel)
    if send is None or channel not in channels_for(user):
        raise ChannelUnavailable(channel)
    try:
        send(user=user, subject=subject, text=text)
    except Exception as exc:  # noqa: BLE001 - any gateway or SMTP failure: the caller says so
        logger.warning("account message not sent by %s: %s", channel, type(exc).__name__)
        raise ChannelUnavailable(channel) from exc
