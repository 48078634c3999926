"""Personal API tokens: each user makes and revokes their own, nobody else's.

Tokens are django-rest-knox tokens: the secret is shown once when made and only its SHA-512
digest (plus its first 15 characters, to tell tokens apart) is stored; each expires after
REDGRID_API_TOKEN_DAYS. There is no admin page for tokens, so nobody can make one for someone else.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from knox.models import AuthToken

from accounts.conf import conf


def api_tokens_of(user):
    return AuthToken.objects.filter(user=user).order_by("-created")


@transaction.atomic
def api_token_create(*, user) -> tuple[AuthToken, str]:
    """A new token for `user` (the signed-in owner); returns (token, secret shown once)."""
    if not user.is_authenticated or not user.may_sign_in:
        raise PermissionDenied
    if api_tokens_of(user).count() >= conf.API_TOKENS_PER_USER:
        raise ValidationError(
            _("You have %(n)s tokens already: revoke one you no longer use first.")
            % {"n": conf.API_TOKENS_PER_USER}
        )
    return AuthToken.objects.create(user=user)


def api_token_revoke(*, user, digest: str) -> int:
    """Revoke one of `user`'s own tokens (a digest of someone else's token matches nothing)."""
    deleted, _detail = AuthToken.objects.filter(user=user, digest=digest).delete()
    return deleted
