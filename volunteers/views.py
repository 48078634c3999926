"""Pages of the volunteer action. Thin: parse, call a service or selector, render."""

import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views import View
from django.views.generic import TemplateView
from openpyxl import Workbook

from core.access import StaffRequiredMixin
from core.errors import error_text
from grids.jurisdiction import get_scoped_object_or_404
from privacy.services import personal_data_export_record
from volunteers import selectors, services
from volunteers.conf import action_name
from volunteers.forms import (
    ActivityForm,
    NeedsListItemForm,
    PeriodForm,
    RegistrationForm,
    ReturnForm,
    StaffRegistrationForm,
)
from volunteers.models import Activity, NeedsListItem, Registration, SignUp


# --- Member pages ----------------------------------------------------------------------------------
class MemberMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.member = selectors.member_of(request.user)
        return super().dispatch(request, *args, **kwargs)


class MineView(MemberMixin, TemplateView):
    """A member's own page (phone-first): registration, activities to sign up for, sign-ups,
    hours, points and star level, and the needs list of their community."""

    template_name = "volunteers/mine.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = self.member
        context["member"] = member
        if member is None:
            return context
        registrations = list(
            member.registrations.select_related("grid", "community").order_by("-submitted_at")
        )
        for registration in registrations:
            registration.expires_on = services.registration_expires_on(registration)
            registration.current = services.registration_is_current(registration)
        context.update(
            registrations=registrations,
            open_registration=next(
                (
                    r
                    for r in registrations
                    if r.status in (Registration.Status.SUBMITTED, Registration.Status.APPROVED)
                ),
                None,
            ),
            form=kwargs.get("form") or RegistrationForm(),
            summary=selectors.member_summary(member),
            activities=selectors.activities_open_to(member)[:30],
            signups=selectors.signups_of(member)[:30],
            needs=selectors.needs_open_to(member)[:20],
        )
        return context


class RegisterView(MineView):
    http_method_names = ["post"]

    def post(self, request):
        if self.member is None:
            raise Http404
        form = RegistrationForm(request.POST)
        if form.is_valid():
            grid = form.cleaned_data["grid"]
            try:
                services.registration_submit(
                    member=self.member,
                    community=grid.community,
                    grid=grid,
                    skills=form.cleaned_data["skills"],
                    by=request.user,
                )
            except ValidationError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(
                    request,
                    _("Registration sent to %(community)s for approval.")
                    % {"community": grid.community.name},
                )
                return redirect("volunteers:mine")
        return self.render_to_response(self.get_context_data(form=form))


class ReconfirmView(MemberMixin, View):
    def post(self, request, pk):
        if self.member is None:
            raise Http404
        registration = Registration.objects.filter(member=self.member, pk=pk).first()
        if registration is None:
            raise Http404
        try:
            services.registration_reconfirm(registration=registration, by=request.user)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Registration re-confirmed."))
        return redirect("volunteers:mine")


class SignUpView(MemberMixin, View):
    def post(self, request, pk):
        if self.member is None:
            raise Http404
        activity = Activity.objects.filter(pk=pk).first()
        if activity is None:
            raise Http404
        try:
            services.signup_create(activity=activity, member=self.member)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request, _("You are signed up for %(title)s.") % {"title": activity.title}
            )
        return redirect(reverse("volunteers:mine") + "#my-signups")


class CancelSignUpView(MemberMixin, View):
    def post(self, request, pk):
        signup = SignUp.objects.filter(pk=pk, member=self.member).first() if self.member else None
        if signup is None:
            raise Http404
        try:
            services.signup_cancel(signup=signup)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Sign-up cancelled."))
        return redirect("volunteers:mine")


class TakeNeedsListItemView(MemberMixin, View):
    def post(self, request, pk):
        if self.member is None:
            raise Http404
        item = selectors.needs_open_to(self.member).filter(pk=pk).first()
        if item is None:
            raise Http404
        try:
            services.needs_list_item_take(item=item, member=self.member)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request, _('Thank you: you took up "%(title)s".') % {"title": item.title}
            )
        return redirect("volunteers:mine")


class QrCheckView(MemberMixin, TemplateView):
    """The page a member's phone opens from the activity's QR code: check in, later check out."""

    template_name = "volunteers/qr_check.html"

    def get_activity(self):
        activity = (
            Activity.objects.select_related("community")
            .filter(pk=self.kwargs["pk"], qr_token=self.kwargs["token"])
            .first()
        )
        if activity is None:
            raise Http404
        return activity

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activity = self.get_activity()
        context["activity"] = activity
        context["member"] = self.member
        context["signup"] = (
            SignUp.objects.filter(
                activity=activity, member=self.member, status=SignUp.Status.SIGNED_UP
            ).first()
            if self.member
            else None
        )
        return context

    def post(self, request, pk, token):
        activity = self.get_activity()
        if self.member is None:
            raise Http404
        try:
            signup = services.signup_check_by_qr(
                activity=activity, token=str(token), member=self.member
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(
                request, error_text(exc) if isinstance(exc, ValidationError) else str(exc)
            )
        else:
            if signup.checked_out_at:
                messages.success(
                    request,
                    _("Checked out: %(hours)s service hours recorded.") % {"hours": signup.hours},
                )
            else:
                messages.success(request, _("Checked in. Scan again when you leave."))
        return redirect(request.path)


# --- Staff pages -----------------------------------------------------------------------------------
class StaffHomeView(StaffRequiredMixin, TemplateView):
    permission = "volunteers.view_activity"
    template_name = "volunteers/staff_home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["pending"] = selectors.registrations_for(
            user, status=Registration.Status.SUBMITTED
        ).count()
        context["rates"] = selectors.registration_rates(group="community", user=user)
        context["totals"] = selectors.registration_rates(group="district", user=user)
        context["teams"] = selectors.teams_for(user)[:50]
        context["action_name"] = action_name()
        return context


class RegistrationListView(StaffRequiredMixin, TemplateView):
    permission = "volunteers.view_registration"
    template_name = "volunteers/registrations.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", Registration.Status.SUBMITTED)
        if status not in Registration.Status.values:
            status = Registration.Status.SUBMITTED
        context["status"] = status
        context["statuses"] = Registration.Status.choices
        context["registrations"] = selectors.registrations_for(self.request.user, status=status)[
            :200
        ]
        context["return_form"] = ReturnForm()
        context["entry_form"] = kwargs.get("entry_form") or StaffRegistrationForm(
            user=self.request.user
        )
        return context

    def post(self, request):
        """Staff entry of a registration on a member's behalf."""
        if not request.user.has_perm("volunteers.add_registration"):
            raise PermissionDenied
        form = StaffRegistrationForm(request.POST, user=request.user)
        if form.is_valid():
            grid = form.cleaned_data["grid"]
            try:
                services.registration_submit(
                    member=form.cleaned_data["member"],
                    community=grid.community,
                    grid=grid,
                    skills=form.cleaned_data["skills"],
                    by=request.user,
                )
            except ValidationError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("Registration entered; it awaits approval."))
                return redirect("volunteers:registrations")
        return self.render_to_response(self.get_context_data(entry_form=form))


class RegistrationDecideView(StaffRequiredMixin, View):
    permission = "volunteers.change_registration"

    def post(self, request, pk, decision):
        if decision not in ("approve", "return"):
            raise Http404
        registration = get_scoped_object_or_404(
            Registration.objects.select_related("member__user", "grid"), request.user, pk=pk
        )
        try:
            if decision == "approve":
                services.registration_approve(registration=registration, by=request.user)
                messages.success(request, _("Registration approved."))
            else:
                form = ReturnForm(request.POST)
                services.registration_return(
                    registration=registration, by=request.user, reason=form.data.get("reason", "")
                )
                messages.success(request, _("Registration returned to the member."))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("volunteers:registrations")


class ActivityListView(StaffRequiredMixin, TemplateView):
    permission = "volunteers.view_activity"
    template_name = "volunteers/activities.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["activities"] = selectors.activities_for(self.request.user)[:100]
        if self.request.user.has_perm("volunteers.add_activity"):
            context["form"] = kwargs.get("form") or ActivityForm(user=self.request.user)
        return context

    def post(self, request):
        if not request.user.has_perm("volunteers.add_activity"):
            raise PermissionDenied
        form = ActivityForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                activity = services.activity_save(activity=form.save(commit=False), by=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Activity published."))
                return redirect("volunteers:activity", pk=activity.pk)
        return self.render_to_response(self.get_context_data(form=form))


class ActivityDetailView(StaffRequiredMixin, TemplateView):
    permission = "volunteers.view_activity"
    template_name = "volunteers/activity.html"

    def get_activity(self):
        return get_scoped_object_or_404(
            selectors.activities_for(self.request.user), self.request.user, pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activity = self.get_activity()
        context["activity"] = activity
        context["roster"] = selectors.roster_of(activity)
        context["checkin_url"] = self.request.build_absolute_uri(
            reverse("volunteers:qr_check", args=[activity.pk, activity.qr_token])
        )
        context["can_change"] = self.request.user.has_perm("volunteers.change_signup")
        return context

    def post(self, request, pk):
        activity = self.get_activity()
        action = request.POST.get("action")
        try:
            if action == "certify":
                if not request.user.has_perm("volunteers.change_activity"):
                    raise PermissionDenied
                count = services.activity_certify(activity=activity, by=request.user)
                messages.success(
                    request, _("Record certified: %(n)s volunteers credited.") % {"n": count}
                )
            elif action == "check":
                if not request.user.has_perm("volunteers.change_signup"):
                    raise PermissionDenied
                signup = SignUp.objects.filter(
                    activity=activity, pk=request.POST.get("signup")
                ).first()
                if signup is None:
                    raise Http404
                services.signup_check(signup=signup, method="staff")
                messages.success(request, _("Saved."))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("volunteers:activity", pk=activity.pk)


class ActivityQrView(StaffRequiredMixin, View):
    """The per-activity check-in QR code as PNG (print) or SVG (screen)."""

    permission = "volunteers.view_activity"

    def get(self, request, pk, fmt):
        if fmt not in ("png", "svg"):
            raise Http404
        activity = get_scoped_object_or_404(Activity.objects.all(), request.user, pk=pk)
        url = request.build_absolute_uri(
            reverse("volunteers:qr_check", args=[activity.pk, activity.qr_token])
        )
        buffer = io.BytesIO()
        if fmt == "svg":
            qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
            content_type = "image/svg+xml"
        else:
            qrcode.make(url, box_size=8, border=2).save(buffer, format="PNG")
            content_type = "image/png"
        return HttpResponse(buffer.getvalue(), content_type=content_type)


class NeedsListView(StaffRequiredMixin, TemplateView):
    permission = "volunteers.view_needslistitem"
    template_name = "volunteers/needs.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["needs"] = selectors.needs_for(self.request.user)[:200]
        if self.request.user.has_perm("volunteers.add_needslistitem"):
            context["form"] = kwargs.get("form") or NeedsListItemForm(user=self.request.user)
        return context

    def post(self, request):
        user = request.user
        if "done" in request.POST:
            if not user.has_perm("volunteers.change_needslistitem"):
                raise PermissionDenied
            item = get_scoped_object_or_404(
                NeedsListItem.objects.all(), user, pk=request.POST["done"]
            )
            try:
                services.needs_list_item_done(item=item, note=request.POST.get("note", ""))
            except ValidationError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("Marked done."))
            return redirect("volunteers:needs")
        if not user.has_perm("volunteers.add_needslistitem"):
            raise PermissionDenied
        form = NeedsListItemForm(request.POST, user=user)
        if form.is_valid():
            form.save()
            messages.success(request, _("Published on the needs list."))
            return redirect("volunteers:needs")
        return self.render_to_response(self.get_context_data(form=form))


class StatsView(StaffRequiredMixin, TemplateView):
    permission = "volunteers.view_activity"
    template_name = "volunteers/stats.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = PeriodForm(self.request.GET or None)
        start = end = None
        by = "team"
        if form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            by = form.cleaned_data["by"] or "team"
        user = self.request.user
        context.update(
            form=form,
            by=by,
            ranking=selectors.hours_ranking(by=by, user=user, start=start, end=end),
            rates={
                group: selectors.registration_rates(group=group, user=user)
                for group in ("street", "community")
            },
            workplaces=selectors.registration_rates(group="workplace", user=user)[:30],
        )
        return context

    def post(self, request):
        """Export the ranking of the chosen period to .xlsx (names of members only: no phone or
        ID numbers; logged as an export of personal data when ranking members)."""
        form = PeriodForm(request.POST)
        if not form.is_valid():
            raise Http404
        by = form.cleaned_data["by"] or "team"
        rows = selectors.hours_ranking(
            by=by,
            user=request.user,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            limit=None,
        )
        if by == "member":
            personal_data_export_record(
                user=request.user,
                model=SignUp,
                purpose=_("volunteer hours ranking export"),
                record_count=len(rows),
                request=request,
            )
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Service hours")
        sheet.append(
            [
                _("Rank"),
                pgettext("ranked area or team", "Name"),
                _("Service hours"),
                _("Members"),
                _("Activities"),
            ]
        )
        for rank, row in enumerate(rows, start=1):
            sheet.append(
                [rank, row["name"], float(row["hours"] or 0), row["members"], row["activities"]]
            )
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="volunteer-hours-{by}-{timezone.localdate():%Y%m%d}.xlsx"'
        )
        return response
