"""Setting a password without knowing the old one: one-time links and SMS codes.

* A new account gets a one-time **link** (accounts.views: shown once to its creator, or sent by
  SMS or e-mail); a higher-level admin can issue a new link at any time (`link_issue`).
* A forgotten password: its owner asks with their login name (`reset_request`); an active account
  gets a 6-digit **SMS code** on its phone and a link by e-mail. The answer on the page is the same
  whether the account exists or not, and requests are rate-limited (accounts.throttling).

Only digests are stored (PasswordToken). A token is used once; a new token of the same kind ends
the earlier ones; every token ends when the account is deactivated.
"""

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import channels, credential_notices, rules
from accounts.conf import conf
from accounts.credential_notices import credential_changed_notify
from accounts.models import PasswordToken, User

logger = logging.getLogger(__name__)


def _link_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _code_digest(user_id: int, code: str) -> str:
    # Keyed: six digits are easy to try offline, so the digest needs the server's secret too.
    message = f"password-code:{user_id}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _end_open(user, kind: str | None = None) -> None:
    tokens = PasswordToken.objects.filter(user=user, used_at__isnull=True)
    if kind:
        tokens = tokens.filter(kind=kind)
    tokens.update(used_at=timezone.now())


def link_expired_message() -> str:
    return _(
        "This link has expired or was already used. Ask for a new one: “Forgot your password?” "
        "on the login page, or the person who created your account."
    )


@transaction.atomic
def link_issue(*, user: User, by) -> str:
    """A new one-time link for `user` (ends their earlier links); returns the secret, which is
    shown or sent once and never stored. `by` must manage the account (`by=None`: the system)."""
    if by is not None and not rules.may_manage(by, user):
        raise PermissionDenied(rules.refusal(by, user))
    if not user.is_active:
        raise ValidationError(_("This account is deactivated."))
    _end_open(user, PasswordToken.Kind.LINK)
    secret = secrets.token_urlsafe(32)
    PasswordToken.objects.create(
        user=user,
        kind=PasswordToken.Kind.LINK,
        digest=_link_digest(secret),
        created_by=by,
        expires_at=timezone.now() + timedelta(hours=conf.PASSWORD_LINK_HOURS),
    )
    return secret


def link_token(secret: str) -> PasswordToken | None:
    """The usable link token for `secret` (its account active), or None."""
    if not secret or len(secret) > 100:
        return None
    return (
        PasswordToken.objects.usable()
        .filter(kind=PasswordToken.Kind.LINK, digest=_link_digest(secret), user__is_active=True)
        .select_related("user")
        .first()
    )


@transaction.atomic
def password_set_with_link(*, secret: str, password: str) -> User:
    """Set the password of the link's account; the link (and every other open one) ends."""
    token = link_token(secret)
    if token is not None:
        token = PasswordToken.objects.select_for_update().get(pk=token.pk)
    if token is None or token.used_at is not None:
        raise ValidationError(link_expired_message(), code="link_expired")
    user = token.user
    validate_password(password, user)
    replacing = user.has_usable_password()  # a reset or a new link; not the first activation
    user.set_password(password)
    user.save(update_fields=["password"])
    _end_open(user)
    if replacing:
        transaction.on_commit(
            lambda: credential_changed_notify(user=user, what=credential_notices.PASSWORD)
        )
    return user


def reset_request(*, username: str, link_url) -> None:
    """Send a reset code by SMS and a reset link by e-mail to the active account `username`, if
    there is one. Says nothing either way (the caller shows the same page). `link_url(secret)`
    builds the absolute URL of the link page."""
    user = User.objects.filter(username=(username or "").strip(), is_active=True).first()
    if user is None or not user.may_sign_in:
        return
    reachable = channels.channels_for(user)
    if channels.SMS in reachable:
        code = f"{secrets.randbelow(10**6):06d}"
        with transaction.atomic():
            _end_open(user, PasswordToken.Kind.SMS_CODE)
            PasswordToken.objects.create(
                user=user,
                kind=PasswordToken.Kind.SMS_CODE,
                digest=_code_digest(user.pk, code),
                expires_at=timezone.now() + timedelta(minutes=conf.PASSWORD_CODE_MINUTES),
            )
        _send_quietly(
            channels.SMS,
            user,
            _("RedGrid password"),
            _(
                "RedGrid: your code to set a new password is %(code)s (valid %(minutes)s "
                "minutes). If you did not ask for it, ignore this message."
            )
            % {"code": code, "minutes": conf.PASSWORD_CODE_MINUTES},
        )
    if channels.EMAIL in reachable:
        secret = link_issue(user=user, by=None)
        _send_quietly(
            channels.EMAIL,
            user,
            _("Set a new RedGrid password"),
            _(
                "Someone asked to reset the password of the RedGrid account %(username)s.\n\n"
                "Open this link within %(hours)s hours to set a new one:\n%(url)s\n\n"
                "If it was not you, ignore this message: your password stays as it is."
            )
            % {
                "username": user.username,
                "hours": conf.PASSWORD_LINK_HOURS,
                "url": link_url(secret),
            },
        )


def _send_quietly(channel, user, subject, text) -> None:
    try:
        channels.message_send(channel=channel, user=user, subject=subject, text=text)
    except channels.ChannelUnavailable:
        # The page answers the same either way (no account enumeration); the log says why.
        logger.warning("password reset message not delivered (%s)", channel)


def code_wrong_message() -> str:
    return _("The login name or the code is wrong, or the code has expired. Ask for a new code.")


def password_set_with_code(*, username: str, code: str, password: str) -> User:
    """Set a new password with the SMS code. A wrong code counts against the code (after
    conf.PASSWORD_CODE_ATTEMPTS wrong tries it ends); the same message for every failure, so the form
    does not tell whether the account exists. The password rules are checked only after the code
    is right."""
    code = (code or "").strip()
    with transaction.atomic():
        user = User.objects.filter(username=(username or "").strip(), is_active=True).first()
        token = None
        if user is not None:
            token = (
                PasswordToken.objects.usable()
                .select_for_update()
                .filter(user=user, kind=PasswordToken.Kind.SMS_CODE)
                .order_by("-created_at")
                .first()
            )
        right = token is not None and hmac.compare_digest(token.digest, _code_digest(user.pk, code))
        if token is not None and not right:
            token.attempts += 1
            if token.attempts >= conf.PASSWORD_CODE_ATTEMPTS:
                token.used_at = timezone.now()
            token.save(update_fields=["attempts", "used_at"])
    if not right:
        raise ValidationError(code_wrong_message(), code="code_wrong")
    with transaction.atomic():
        token = PasswordToken.objects.select_for_update().get(pk=token.pk)
        if token.used_at is not None:
            raise ValidationError(code_wrong_message(), code="code_wrong")
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        _end_open(user)
    credential_changed_notify(user=user, what=credential_notices.PASSWORD)
    return user
