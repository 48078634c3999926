"""Staff pages of the Party organisations. Thin: parse, call a service or selector, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.access import StaffRequiredMixin
from grids.jurisdiction import get_scoped_object_or_404, scope_queryset
from grids.models import Community
from party_branches import selectors
from party_branches.forms import (
    AppointForm,
    CommunityFilterForm,
    ExportForm,
    ImportUploadForm,
    MeetingForm,
    RevealForm,
)
from party_branches.member_import import (
    ImportRefused,
    import_batch_abandon,
    import_batch_commit,
    import_batch_create,
    member_import_preview,
    member_import_template,
    members_export_xlsx,
)
from party_branches.models import MeetingAttachment, MemberImportBatch, PartyMember
from party_branches.services import meeting_record, secretary_rule_text
from privacy.services import may_reveal, personal_data_export_record, personal_data_reveal

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CommunityFilterMixin:
    """?community=<id>&q=… read through CommunityFilterForm; invalid → the page with the
    form's message and status 400."""

    def filters(self) -> tuple[int | None, str]:
        if not hasattr(self, "filter_form"):
            self.filter_form = CommunityFilterForm(self.request.GET)
        if self.filter_form.is_valid():
            data = self.filter_form.cleaned_data
            return data["community"], data["q"].strip()
        return None, ""

    def render_to_response(self, context, **kwargs):
        self.filters()
        context["filter_form"] = self.filter_form
        if not self.filter_form.is_valid():
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)


class BranchListView(StaffRequiredMixin, CommunityFilterMixin, TemplateView):
    permission = "party_branches.view_partybranch"
    template_name = "party_branches/branch_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        community_id, query = self.filters()
        branches = list(selectors.branches_for(user, community_id=community_id, query=query))
        for branch in branches:
            branch.failures = selectors.branch_failures(branch, on=today)
        context.update(
            branches=branches,
            query=query,
            community_id=str(community_id or ""),
            communities=scope_queryset(Community.objects.current(), user).order_by("code"),
            uncovered=selectors.grids_without_branch(user).count(),
            non_compliant=sum(1 for b in branches if b.failures),
        )
        return context


class BranchDetailView(StaffRequiredMixin, TemplateView):
    permission = "party_branches.view_partybranch"
    template_name = "party_branches/branch_detail.html"

    def get_branch(self):
        return get_scoped_object_or_404(
            selectors.branches_with_secretary(), self.request.user, pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        branch = self.get_branch()
        branch.failures = selectors.branch_failures(branch, on=timezone.localdate())
        context.update(
            branch=branch,
            rule=secretary_rule_text(),
            committee=selectors.committee_of(branch),
            members=selectors.member_attendance(
                branch.members.select_related("community")
            ).order_by("name"),
            meetings=selectors.meetings_of(branch)[:50],
            attendance=selectors.branch_attendance(branch),
            sub_branches=branch.sub_branches.select_related("subgrid"),
        )
        if user.has_perm("party_branches.add_branchcommitteemember"):
            context["appoint_form"] = kwargs.get("appoint_form") or AppointForm(
                branch=branch, user=user, initial={"start_date": timezone.localdate()}
            )
        if user.has_perm("party_branches.add_meeting"):
            context["meeting_form"] = kwargs.get("meeting_form") or MeetingForm(
                branch=branch, user=user
            )
        return context

    def post(self, request, pk):
        branch = self.get_branch()
        user = request.user
        if request.POST.get("action") == "appoint":
            if not user.has_perm("party_branches.add_branchcommitteemember"):
                raise PermissionDenied
            form = AppointForm(request.POST, branch=branch, user=user)
            if form.is_valid() and form.save():
                messages.success(request, _("Committee seat saved."))
                return redirect("party_branches:detail", pk=branch.pk)
            return self.render_to_response(self.get_context_data(appoint_form=form))
        if not user.has_perm("party_branches.add_meeting"):
            raise PermissionDenied
        form = MeetingForm(request.POST, request.FILES, branch=branch, user=user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    meeting = meeting_record(
                        branch=branch,
                        kind=data["kind"],
                        held_on=data["held_on"],
                        agenda=data["agenda"],
                        minutes=data["minutes"],
                        place=data["place"],
                        place_name=data["place_name"],
                        present_member_ids=[m.pk for m in data["present"]],
                        guests=data["guests"],
                        by=user,
                    )
                    if data["attachment"]:
                        MeetingAttachment.objects.create(
                            meeting=meeting,
                            title=data["attachment"].title[:120],
                            file=data["attachment"],
                        )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Meeting recorded."))
                return redirect("party_branches:detail", pk=branch.pk)
        return self.render_to_response(self.get_context_data(meeting_form=form))


class CoverageView(StaffRequiredMixin, TemplateView):
    permission = "party_branches.view_partybranch"
    template_name = "party_branches/coverage.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["grids"] = selectors.grids_without_branch(self.request.user)
        return context


class ComplianceView(StaffRequiredMixin, TemplateView):
    permission = "party_branches.view_partybranch"
    template_name = "party_branches/compliance.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.compliance_list(self.request.user)
        context["rule"] = secretary_rule_text()
        return context


class MemberListView(StaffRequiredMixin, CommunityFilterMixin, TemplateView):
    permission = "party_branches.view_partymember"
    template_name = "party_branches/member_list.html"

    def members(self):
        community_id, query = self.filters()
        return selectors.members_for(self.request.user, query=query, community_id=community_id)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(self.members(), 50).get_page(self.request.GET.get("page"))
        context.update(
            page=page,
            query=self.filters()[1],
            community_id=str(self.filters()[0] or ""),
            communities=scope_queryset(Community.objects.current(), self.request.user).order_by(
                "code"
            ),
            export_form=kwargs.get("export_form") or ExportForm(),
            may_reveal=may_reveal(self.request.user),
        )
        return context

    def post(self, request):
        """Export the filtered members to .xlsx: masked unless asked and allowed; logged."""
        form = ExportForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(export_form=form))
        unmasked = form.cleaned_data["unmasked"]
        members = selectors.members_with_position(self.members())
        try:
            personal_data_export_record(
                user=request.user,
                model=PartyMember,
                purpose=form.cleaned_data["purpose"],
                record_count=members.count(),
                request=request,
                unmasked=unmasked,
            )
        except PermissionDenied as exc:
            form.add_error("unmasked", str(exc))
            return self.render_to_response(self.get_context_data(export_form=form))
        response = HttpResponse(members_export_xlsx(members, unmasked=unmasked), content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="party-members-{timezone.localdate():%Y%m%d}.xlsx"'
        )
        return response


class MemberDetailView(StaffRequiredMixin, TemplateView):
    permission = "party_branches.view_partymember"
    template_name = "party_branches/member_detail.html"

    def get_member(self):
        return get_scoped_object_or_404(
            selectors.member_attendance(
                PartyMember.objects.select_related("community", "branch__grid", "user")
            ),
            self.request.user,
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        member = kwargs.get("member") or self.get_member()
        context.update(
            member=member,
            may_reveal=may_reveal(self.request.user),
            reveal_form=kwargs.get("reveal_form") or RevealForm(),
            revealed=kwargs.get("revealed", {}),
            positions=member.branch_positions.select_related("branch"),
        )
        return context

    def post(self, request, pk):
        """Reveal one full value after stating a purpose (logged by privacy.services)."""
        member = self.get_member()
        form = RevealForm(request.POST)
        revealed = {}
        if form.is_valid():
            try:
                revealed[form.cleaned_data["field"]] = personal_data_reveal(
                    user=request.user,
                    subject=member,
                    field=form.cleaned_data["field"],
                    purpose=form.cleaned_data["purpose"],
                    subject_label=str(member),
                    request=request,
                )
            except PermissionDenied as exc:
                raise PermissionDenied(str(exc)) from exc
            except ValidationError as exc:
                form.add_error("purpose", exc)
        return self.render_to_response(
            self.get_context_data(member=member, reveal_form=form, revealed=revealed)
        )


class MemberImportView(StaffRequiredMixin, TemplateView):
    """Upload → preview with per-row errors → commit (all when clean, or the clean rows only)."""

    permission = "party_branches.add_partymember"
    template_name = "party_branches/member_import.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or ImportUploadForm()
        return context

    def post(self, request):
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        batch = import_batch_create(sheet=form.cleaned_data["file"], by=request.user)
        url = reverse("party_branches:import_preview", args=[batch.pk])
        return redirect(f"{url}?logins=1" if form.cleaned_data["create_logins"] else url)


class MemberImportTemplateView(StaffRequiredMixin, View):
    """The member import's template (.xlsx: the headers and an example row)."""

    permission = "party_branches.add_partymember"

    def get(self, request):
        response = HttpResponse(
            member_import_template(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="redgrid-members-template.xlsx"'
        return response


class MemberImportPreviewView(StaffRequiredMixin, TemplateView):
    permission = "party_branches.add_partymember"
    template_name = "party_branches/member_import_preview.html"

    def get_batch(self):
        batch = MemberImportBatch.objects.filter(
            pk=self.kwargs["pk"], uploaded_by=self.request.user
        ).first()
        if batch is None:
            raise Http404
        return batch

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = self.get_batch()
        context["batch"] = batch
        context["create_logins"] = self.create_logins()
        if batch.committed_at is None and batch.file:
            with batch.file.open("rb") as file:
                context["preview"] = kwargs.get("preview") or member_import_preview(
                    file, user=self.request.user, create_logins=self.create_logins()
                )
        return context

    def create_logins(self) -> bool:
        return (self.request.POST or self.request.GET).get("logins") == "1"

    def post(self, request, pk):
        batch = self.get_batch()
        if batch.committed_at is not None:
            messages.error(request, _("This file was already imported."))
            return redirect("party_branches:members")
        mode = request.POST.get("mode")
        if mode == "abandon":
            import_batch_abandon(batch=batch)
            messages.success(request, _("The import was abandoned and the file deleted."))
            return redirect("party_branches:import")
        try:
            count = import_batch_commit(
                batch=batch,
                user=request.user,
                clean_only=mode == "clean_only",
                create_logins=self.create_logins(),
            )
        except ImportRefused as refused:
            messages.error(request, refused.message)
            return self.render_to_response(self.get_context_data(preview=refused.preview))
        messages.success(request, _("Imported %(n)s Party members.") % {"n": count})
        if count.logins:
            messages.info(
                request,
                _(
                    "%(n)s member logins were created. Each member sets a password with the SMS "
                    "code of “Forgot your password?” on the login page (login name: the one in the "
                    "file, or else their mobile number)."
                )
                % {"n": count.logins},
            )
        return redirect("party_branches:members")
