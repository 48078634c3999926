"""API authentication with personal tokens (django-rest-knox: only a SHA-512 digest is stored,
every token has an expiry). The owner makes and revokes their tokens on /accounts/tokens/."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from rest_framework import exceptions


class ApiTokenAuthentication(TokenAuthentication):
    """knox's token check plus RedGrid's sign-in rule: an inactive or roleless account's tokens
    are refused like its password (accounts.models.User.may_sign_in)."""

    def validate_user(self, auth_token):
        if not auth_token.user.may_sign_in:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (auth_token.user, auth_token)


class ApiTokenScheme(KnoxTokenScheme):
    """The OpenAPI description of the scheme (header `Authorization: Token <token>`)."""

    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "apiToken"
