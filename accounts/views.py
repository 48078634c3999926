"""Signing in and one's own account: login with the second-factor step, password change, reset
by SMS code or e-mail link, setting a password through a one-time link, API tokens. Thin: the
rules are in accounts.passwords, accounts.second_factor and accounts.api_tokens."""

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import api_tokens, credential_notices, passwords, second_factor, throttling
from accounts.conf import conf
from accounts.credential_notices import credential_changed_notify
from accounts.forms import CodeForm, DetailsForm, LoginForm, ResetCodeForm, ResetRequestForm
from accounts.middleware import session_started
from accounts.services import user_details_change

BACKEND = "accounts.backends.RolePermissionBackend"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        session_started(self.request)
        return response


def _next(request, default: str = "") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or reverse("dashboards:start")


# --- Second factor --------------------------------------------------------------------------------
@login_required
def second_factor_verify(request):
    """The step after the password for accounts with an authenticator."""
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    if second_factor.totp_device_of(user) is None:
        return redirect(f"{reverse('accounts:second_factor_setup')}?{request.GET.urlencode()}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.totp_verify(request=request, user=user, code=form.cleaned_data["code"]):
            return redirect(_next(request))
        form.add_error(
            "code",
            _(
                "That code is not right (or was already used). Wait for the next code; after "
                "several wrong codes each try waits longer."
            ),
        )
    return render(request, "accounts/second_factor_verify.html", {"form": form})


@login_required
def second_factor_setup(request):
    """Enrolment: scan the QR code (or type the key), confirm with the first code. Only for the
    accounts that need it (User.requires_second_factor): for others it would protect nothing."""
    user = request.user
    if not user.requires_second_factor:
        messages.info(request, _("Your account does not need an authenticator app."))
        return redirect("accounts:me")
    if second_factor.totp_device_of(user) is not None:
        return redirect(f"{reverse('accounts:second_factor')}?{request.GET.urlencode()}")
    device = second_factor.totp_enrolment_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if second_factor.totp_enrolment_confirm(
            request=request, user=user, code=form.cleaned_data["code"]
        ):
            messages.success(request, _("Your authenticator app is set up."))
            return redirect(_next(request))
        form.add_error("code", _("That code is not right. Check the time on your phone."))
    return render(
        request,
        "accounts/second_factor_setup.html",
        {
            "form": form,
            "qr_svg": second_factor.qr_svg(device),
            "key_text": second_factor.key_text(device),
            "required": user.requires_second_factor,
        },
    )


# --- One's own account ----------------------------------------------------------------------------
@login_required
def me(request):
    user = request.user
    form = DetailsForm(
        request.POST or None,
        user=user,
        initial={
            "name": f"{user.last_name}{user.first_name}",
            "phone": user.phone,
            "email": user.email,
        },
    )
    if request.method == "POST" and form.is_valid():
        details = {k: form.cleaned_data[k] for k in ("name", "phone", "email")}
        try:
            user_details_change(by=user, user=user, **details)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your details are saved."))
            return redirect("accounts:me")
    return render(
        request,
        "accounts/me.html",
        {
            "form": form,
            "has_second_factor": second_factor.totp_device_of(user) is not None,
        },
    )


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)  # this session stays; the others end
        credential_changed_notify(user=form.user, what=credential_notices.PASSWORD)
        messages.success(request, _("Your password is changed."))
        return redirect("accounts:me")
    return render(request, "accounts/password_change.html", {"form": form})


# --- Forgotten password ---------------------------------------------------------------------------
def password_reset(request):
    """Ask for a code (SMS) or link (e-mail) with the login name. The same answer whether the
    account exists or not; limited per login name and per client address."""
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        address = throttling.client_address(request)
        if throttling.is_locked_out(username, address, throttling.PASSWORD_RESET):
            form.add_error(None, _("Too many requests. Please try again in an hour."))
        else:
            throttling.record_failure(username, address, throttling.PASSWORD_RESET)
            passwords.reset_request(
                username=username,
                link_url=lambda secret: request.build_absolute_uri(
                    reverse("accounts:password_link", args=[secret])
                ),
            )
            request.session["reset_username"] = username
            return redirect("accounts:password_reset_code")
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_code(request):
    form = ResetCodeForm(
        request.POST or None, initial={"username": request.session.get("reset_username", "")}
    )
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        address = throttling.client_address(request)
        if throttling.is_locked_out(username, address, throttling.PASSWORD_RESET):
            form.add_error(None, _("Too many tries. Please try again in an hour."))
        else:
            try:
                passwords.password_set_with_code(
                    username=username,
                    code=form.cleaned_data["code"],
                    password=form.cleaned_data["new_password1"],
                )
            except ValidationError as exc:
                if getattr(exc, "code", "") == "code_wrong":
                    throttling.record_failure(username, address, throttling.PASSWORD_RESET)
                    form.add_error("code", exc)
                else:
                    form.add_error("new_password2", exc)
            else:
                request.session.pop("reset_username", None)
                messages.success(request, _("Your new password is set. Please log in."))
                return redirect("accounts:login")
    return render(
        request,
        "accounts/password_reset_code.html",
        {"form": form, "minutes": conf.PASSWORD_CODE_MINUTES},
    )


def password_link(request, secret):
    """Set a password through a one-time link (a new account's activation, a link from a
    higher-level admin, or a reset by e-mail). Signs the owner in afterwards."""
    token = passwords.link_token(secret)
    if token is None:
        return render(
            request,
            "accounts/password_link.html",
            {"expired": True, "message": passwords.link_expired_message()},
            status=410,
        )
    form = SetPasswordForm(token.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = passwords.password_set_with_link(
                secret=secret, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as exc:
            form.add_error("new_password2", exc)
        else:
            login(request, user, backend=BACKEND)
            session_started(request)
            messages.success(request, _("Your password is set. Welcome to RedGrid."))
            return redirect("dashboards:start")
    response = render(
        request,
        "accounts/password_link.html",
        {"form": form, "person": token.user, "first": not token.user.has_usable_password()},
    )
    return response


# --- API tokens -----------------------------------------------------------------------------------
@login_required
def tokens(request):
    created = None
    if request.method == "POST":
        try:
            _token, created = api_tokens.api_token_create(user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    response = render(
        request,
        "accounts/tokens.html",
        {"tokens": api_tokens.api_tokens_of(request.user), "created": created},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request):
    if not api_tokens.api_token_revoke(user=request.user, digest=request.POST.get("digest", "")):
        raise Http404
    messages.success(request, _("The token is revoked: it no longer works."))
    return redirect("accounts:tokens")
