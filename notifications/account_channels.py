"""The SMS and e-mail channels, lent to accounts for one-time password links and codes
(accounts.channels). Sent at once through the configured backends, never stored in the outbox."""

import uuid

from django.core.mail import EmailMessage

from accounts.channels import EMAIL, SMS, channel_register
from notifications.sms import sms_backend


def _send_sms(*, user, subject: str, text: str) -> None:
    sms_backend().send(user.phone, text, message_id=f"redgrid-account-{uuid.uuid4().hex[:16]}")


def _send_email(*, user, subject: str, text: str) -> None:
    EmailMessage(subject=subject, body=text, to=[user.email]).send()


def register() -> None:
    channel_register(SMS, _send_sms)
    channel_register(EMAIL, _send_email)
