"""Pages where the district admin, street staff and community staff look after the accounts below
them: the list of their jurisdiction's accounts, one form to create an account, rights, a new
one-time link, a lost authenticator, leaving with a handover, the staff .xlsx import, and the
history of account and admin changes (district admin). Thin: the rules are in accounts.rules and
the writes in accounts.services, accounts.passwords, accounts.handover, accounts.staff_import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import channels, passwords, rules, second_factor, selectors, staff_import
from accounts.conf import conf
from accounts.forms import (
    DeactivateForm,
    LinkIssueForm,
    PersonCreateForm,
    RightsForm,
    StaffImportUploadForm,
)
from accounts.handover import STEPS, handover_plan, user_deactivate
from accounts.models import Role, StaffImportBatch, User
from accounts.services import user_create, user_reactivate, user_rights_change
from grids.jurisdiction import get_scoped_object_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _managers_only(view):
    """Signed-in users who look after accounts (district admin, street and community staff)."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.manages_accounts:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _person(request, pk) -> User:
    """An account inside the jurisdiction (404 outside); one's own account is the "me" page."""
    return get_scoped_object_or_404(
        User.objects.select_related("district", "street", "community", "grid"),
        request.user,
        pk=pk,
    )


def _link_url(request, secret: str) -> str:
    return request.build_absolute_uri(reverse("accounts:password_link", args=[secret]))


def _deliver_link(request, person: User, secret: str, delivery: str) -> str | None:
    """Send the link, or return its URL to show once. A failed send shows it instead."""
    url = _link_url(request, secret)
    if delivery in (channels.SMS, channels.EMAIL):
        text = _(
            "RedGrid: set the password of your account %(username)s here (valid %(hours)s "
            "hours): %(url)s"
        ) % {"username": person.username, "hours": conf.PASSWORD_LINK_HOURS, "url": url}
        try:
            channels.message_send(
                channel=delivery, user=person, subject=_("Your RedGrid account"), text=text
            )
        except channels.ChannelUnavailable:
            messages.warning(request, _("The message could not be sent; pass the link on."))
            return url
        messages.success(request, _("The link was sent."))
        return None
    return url


def _link_page(request, person: User, url: str | None):
    response = render(request, "accounts/people/link_shown.html", {"person": person, "url": url})
    response["Cache-Control"] = "no-store"
    return response


@_managers_only
def people(request):
    query = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("role", "")
    status = request.GET.get("status", "")
    page = Paginator(
        selectors.people_for(request.user, query=query, role=role, status=status), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/people/list.html",
        {
            "page": page,
            "query": query,
            "role": role,
            "status": status,
            "roles": Role.choices,
        },
    )


@_managers_only
def person_create(request):
    form = PersonCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = user_create(
                    by=request.user,
                    username=data["username"],
                    name=data["name"],
                    role=data["role"],
                    node=data["node"],
                    phone=data["phone"],
                    email=data["email"],
                )
                secret = passwords.link_issue(user=person, by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or rules.refusal(request.user))
        else:
            messages.success(request, _("The account %(username)s is created.") % data)
            return _link_page(
                request, person, _deliver_link(request, person, secret, data["delivery"])
            )
    return render(request, "accounts/people/create.html", {"form": form})


@_managers_only
def person(request, pk):
    person = _person(request, pk)
    if person.pk == request.user.pk:
        return redirect("accounts:me")
    manage = rules.may_manage(request.user, person)
    rights_form = (
        RightsForm(request.POST or None, actor=request.user, person=person) if manage else None
    )
    if request.method == "POST":
        if rights_form is None:
            raise PermissionDenied
        if rights_form.is_valid():
            changes = rights_form.changes()
            try:
                if changes:
                    user_rights_change(by=request.user, user=person, **changes)
            except ValidationError as exc:
                rights_form.add_error(None, exc)
            except PermissionDenied as exc:
                rights_form.add_error(None, str(exc) or rules.refusal(request.user, person))
            else:
                messages.success(
                    request, _("The changes are saved.") if changes else _("Nothing changed.")
                )
                return redirect("accounts:person", pk=person.pk)
    history = list(selectors.account_history(person=person)[:20])
    return render(
        request,
        "accounts/people/detail.html",
        {
            "person": person,
            "manage": manage,
            "rights_form": rights_form,
            "link_form": LinkIssueForm(person=person) if manage and person.is_active else None,
            "open_links": selectors.open_links_of(person) if manage else [],
            "has_second_factor": second_factor.totp_device_of(person) is not None,
            "history": history,
        },
    )


@_managers_only
@require_POST
def person_link(request, pk):
    person = _person(request, pk)
    if not rules.may_manage(request.user, person):
        raise PermissionDenied
    form = LinkIssueForm(request.POST, person=person)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return redirect("accounts:person", pk=person.pk)
    try:
        secret = passwords.link_issue(user=person, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:person", pk=person.pk)
    return _link_page(
        request, person, _deliver_link(request, person, secret, form.cleaned_data["delivery"])
    )


@_managers_only
@require_POST
def person_second_factor_reset(request, pk):
    person = _person(request, pk)
    second_factor.second_factor_reset(by=request.user, user=person)
    messages.success(
        request,
        _("The authenticator of %(name)s is removed; they set up a new one at their next sign-in.")
        % {"name": person},
    )
    return redirect("accounts:person", pk=person.pk)


@_managers_only
def person_deactivate(request, pk):
    person = _person(request, pk)
    if not rules.may_manage(request.user, person):
        raise PermissionDenied
    form = DeactivateForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            done = user_deactivate(
                by=request.user, user=person, successor=form.cleaned_data["successor"]
            )
        except ValidationError as exc:
            form.add_error("successor", exc)
        else:
            text = _("%(name)s is deactivated.") % {"name": person}
            if done:
                items = "、".join(f"{STEPS[name].label} {count}" for name, count in done.items())
                text += " " + _("Handed over to %(successor)s: %(items)s.") % {
                    "successor": form.cleaned_data["successor"],
                    "items": items,
                }
            messages.success(request, text)
            return redirect("accounts:person", pk=person.pk)
    return render(
        request,
        "accounts/people/deactivate.html",
        {"person": person, "form": form, "plan": handover_plan(person)},
    )


@_managers_only
@require_POST
def person_reactivate(request, pk):
    person = _person(request, pk)
    user_reactivate(by=request.user, user=person)
    messages.success(request, _("%(name)s is active again.") % {"name": person})
    return redirect("accounts:person", pk=person.pk)


# --- Staff import ---------------------------------------------------------------------------------
@_managers_only
def staff_import_upload(request):
    form = StaffImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = staff_import.staff_import_upload(file=form.cleaned_data["file"], by=request.user)
        return redirect("accounts:import_preview", pk=batch.pk)
    return render(
        request,
        "accounts/people/import.html",
        {
            "form": form,
            "columns": staff_import.COLUMNS,
            "roles": rules.manageable_roles(request.user),
        },
    )


@_managers_only
def staff_import_template(request):
    response = HttpResponse(staff_import.staff_import_template(by=request.user), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="staff-import-template.xlsx"'
    return response


@_managers_only
def staff_import_preview(request, pk):
    batch = StaffImportBatch.objects.filter(pk=pk, uploaded_by=request.user).first()
    if batch is None:
        raise Http404
    if batch.committed_at is not None:
        return render(request, "accounts/people/import_preview.html", {"batch": batch})
    if request.method == "POST" and request.POST.get("mode") == "abandon":
        staff_import.staff_import_abandon(batch=batch)
        messages.success(request, _("The import was abandoned and the file deleted."))
        return redirect("accounts:import")
    if request.method == "POST":
        try:
            created = staff_import.staff_import_commit(
                batch, by=request.user, clean_only=request.POST.get("mode") == "clean_only"
            )
        except staff_import.ImportRefused as refused:
            messages.error(request, refused.message)
            preview = refused.preview
        else:
            delivery = request.POST.get("delivery", "screen")
            shown = []
            for item in created:
                url = _link_url(request, item.secret)
                if delivery == channels.SMS and channels.SMS in channels.channels_for(item.user):
                    try:
                        channels.message_send(
                            channel=channels.SMS,
                            user=item.user,
                            subject=_("Your RedGrid account"),
                            text=_(
                                "RedGrid: set the password of your account %(username)s here "
                                "(valid %(hours)s hours): %(url)s"
                            )
                            % {
                                "username": item.user.username,
                                "hours": conf.PASSWORD_LINK_HOURS,
                                "url": url,
                            },
                        )
                        url = None
                    except channels.ChannelUnavailable:
                        pass
                shown.append((item.user, url))
            messages.success(request, _("Imported %(n)s accounts.") % {"n": len(created)})
            response = render(
                request, "accounts/people/import_done.html", {"created": shown, "batch": batch}
            )
            response["Cache-Control"] = "no-store"
            return response
    else:
        preview = staff_import.staff_import_preview(batch, by=request.user)
    return render(
        request, "accounts/people/import_preview.html", {"batch": batch, "preview": preview}
    )


# --- History (district admin) ---------------------------------------------------------------------
@login_required
def history(request):
    """Account and rights changes (django-auditlog) and admin changes (Django's admin log)."""
    user = request.user
    if not (user.is_superuser or user.role == Role.DISTRICT_ADMIN):
        raise PermissionDenied
    tab = "admin" if request.GET.get("tab") == "admin" else "rights"
    entries = selectors.admin_history() if tab == "admin" else selectors.account_history()
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/history.html", {"page": page, "tab": tab})
