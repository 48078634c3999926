"""Sign-in rules applied on every request (after django-otp's OTPMiddleware):

* **Idle timeout for staff.** A user with a staff role (User.is_staff_role) who sends no request
  for REDGRID_STAFF_IDLE_SECONDS is signed out and sent to the login page. The last-seen time is
  kept in the session, started by the sign-in views (`session_started`) and written at most once
  a minute.
* **Second factor.** An account that may reveal personal data (User.requires_second_factor) uses
  the site only after confirming the sign-in with its authenticator app: pages redirect to the
  verification step (or to enrolment when it has no authenticator yet), the API answers 403.
* **Audit actor.** django-auditlog's middleware, with the client address taken the same way as
  the login lock-out's (accounts.throttling.client_address), not from a header anyone can send,
  and without its receiver connected per request (one receiver, `audit_entry_fill`).
"""

import time
from contextvars import ContextVar

from auditlog.cid import set_cid
from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import LazyObject, empty
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts import throttling

LAST_SEEN = "redgrid_last_seen"
# The request being answered, for the audit entries it writes (AuditActorMiddleware).
AUDIT_REQUEST: ContextVar = ContextVar("redgrid_audit_request", default=None)
TOUCH_EVERY = 60  # seconds: the session is written at most this often for the idle clock


class SignInPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None:
            # Every request asks who its user is here, so the page gets the user itself in place
            # of the two lazy wrappers (auth's, then django-otp's) that each `request.user.x`
            # went through: ≈ 50 such reads a staff page, 0.2 ms (issue 17).
            user = request.user = _evaluated(user)
        if user is not None and user.is_authenticated:
            response = self._idle(request, user)
            # Signed out for idleness on an API call, it goes on as an anonymous one.
            if response is None and request.user.is_authenticated:
                response = self._second_factor(request, request.user)
            if response is not None:
                return response
        return self.get_response(request)

    def _idle(self, request, user):
        limit = settings.REDGRID_STAFF_IDLE_SECONDS
        if not limit or not user.is_staff_role:
            return None
        last = request.session.get(LAST_SEEN)
        if last is None:
            return None  # a session not opened by a sign-in page (tests' force_login)
        now = int(time.time())
        if now - last > limit:
            logout(request)
            if _is_api(request):
                return None  # carries on as an anonymous request (401/403 from the API)
            messages.info(
                request,
                _("You were signed out after %(minutes)s minutes without activity.")
                % {"minutes": limit // 60},
            )
            return redirect_to_login(request.get_full_path())
        if now - last >= TOUCH_EVERY:
            request.session[LAST_SEEN] = now
        return None

    def _second_factor(self, request, user):
        if not user.requires_second_factor or user.is_verified():
            return None
        if _exempt(request.path):
            return None
        if _is_api(request):
            return JsonResponse(
                {
                    "detail": _("Confirm your sign-in with your authenticator app first."),
                    "code": "second_factor_required",
                },
                status=403,
            )
        target = reverse("accounts:second_factor")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


def _evaluated(value):
    """What a lazy object (or a lazy object of a lazy object) stands for, evaluated."""
    while isinstance(value, LazyObject):
        if value._wrapped is empty:
            value._setup()
        value = value._wrapped
    return value


def session_started(request) -> None:
    """Start the idle clock of a session that was just signed in (login, activation link)."""
    request.session[LAST_SEEN] = int(time.time())


def _is_api(request) -> bool:
    return request.path.startswith(("/api/", "/open311/"))


def _exempt(path: str) -> bool:
    """Pages an unverified session may open: the second-factor steps, logout, language."""
    return path.startswith(
        (
            reverse("accounts:second_factor"),
            reverse("accounts:logout"),
            "/i18n/",
            "/static/",
            "/healthz",
        )
    )


class AuditActorMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware without its per-request signal receiver: auditlog connects a
    `pre_save` receiver for its entries at the start of every request and disconnects it at the
    end (0.04–0.09 ms of every request, most of which write no entry; issue 17). Here the request
    is only put in the context (AUDIT_REQUEST), and one receiver connected once (audit_entry_fill,
    accounts.apps) gives an entry written during the request auditlog's actor, client address
    and port. The correlation id is auditlog's own (set_cid)."""

    def __call__(self, request):
        set_cid(request)
        token = AUDIT_REQUEST.set(request)
        try:
            return self.get_response(request)
        finally:
            AUDIT_REQUEST.reset(token)

    @staticmethod
    def _get_remote_addr(request):
        return throttling.client_address(request) or None


def audit_entry_fill(sender, instance, **kwargs) -> None:
    """`pre_save` of an audit entry (connected once, accounts.apps): an entry written while a
    request is answered gets what django-auditlog's own per-request receiver gives it — the
    signed-in person as actor unless the entry names one, the client address and port
    (AuditActorMiddleware.get_extra_data). Outside a request (tasks, commands) nothing."""
    request = AUDIT_REQUEST.get()
    if request is None:
        return
    extra = AuditActorMiddleware().get_extra_data(request)
    actor = extra.pop("actor")
    if actor is not None and instance.actor_id is None:
        instance.actor = actor
        instance.actor_email = getattr(actor, "email", None)
    for key, value in extra.items():
        if hasattr(sender, key):
            setattr(instance, key, value)
