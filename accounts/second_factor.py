"""The second factor: a TOTP authenticator app (django-otp), required for every account that may
reveal personal data (User.requires_second_factor).

Enrolment makes an unconfirmed device and shows its key as a QR code (and as text); the first right
code confirms it and marks the session verified. At each later sign-in the password is followed by
a code (accounts.middleware sends the person to the verification page). django-otp refuses codes
already used and slows down repeated wrong codes (ThrottlingMixin). Nobody resets their own second
factor: someone who manages the account does (`second_factor_reset`), after which the owner enrols
again at their next sign-in.
"""

import base64
import io

import django_otp
import qrcode
import qrcode.image.svg
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import credential_notices, rules
from accounts.credential_notices import credential_changed_notify


def totp_device_of(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("id").first()


@transaction.atomic
def totp_enrolment_start(*, user) -> TOTPDevice:
    """The unconfirmed device being enrolled (the same one until confirmed, so reloading the
    page keeps the QR code)."""
    device = totp_device_of(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def totp_enrolment_confirm(*, request, user, code: str) -> bool:
    """Confirm the device with its first code; the session counts as verified."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token((code or "").strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    django_otp.login(request, device)
    credential_changed_notify(user=user, what=credential_notices.AUTHENTICATOR_ADDED)
    return True


def totp_verify(*, request, user, code: str) -> bool:
    """Check a code at sign-in; on success the session counts as verified."""
    device = totp_device_of(user)
    if device is None:
        return False
    verified = django_otp.verify_token(user, device.persistent_id, (code or "").strip())
    if verified is None:
        return False
    django_otp.login(request, verified)
    return True


@transaction.atomic
def second_factor_reset(*, by, user) -> int:
    """Remove `user`'s authenticator (lost phone). Only someone who manages the account."""
    if by is not None and not rules.may_manage(by, user):
        raise PermissionDenied(rules.refusal(by, user))
    deleted, _detail = TOTPDevice.objects.filter(user=user).delete()
    if deleted:
        transaction.on_commit(
            lambda: credential_changed_notify(
                user=user, what=credential_notices.AUTHENTICATOR_REMOVED
            )
        )
    return deleted


def key_text(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (no script, no external request)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]
