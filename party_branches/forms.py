from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fields import AttachmentField
from core.query import IdField
from grids.jurisdiction import scope_queryset
from party_branches.models import (
    BranchCommitteeMember,
    CommitteePosition,
    Meeting,
    PartyMember,
)
from party_branches.services import committee_member_appoint, secretary_check


class CommunityFilterForm(forms.Form):
    """The list pages' filters (?community=<id>&q=…): a bad community id is a 400 with this
    form's message, not a database error."""

    community = IdField(label=_("Community"))
    q = forms.CharField(required=False, max_length=100)


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.community.name}）"


class AppointForm(forms.Form):
    """Seat a member on a branch committee (the secretary rule applies through the service)."""

    member = MemberChoiceField(label=_("Member"), queryset=PartyMember.objects.none())
    position = forms.ChoiceField(
        label=pgettext_lazy("committee seat", "Position"), choices=CommitteePosition.choices
    )
    source = forms.ChoiceField(label=_("Source"), choices=BranchCommitteeMember.Source.choices)
    start_date = forms.DateField(
        label=_("Term starts"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("Term ends"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, branch, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch = branch
        self.fields["member"].queryset = (
            scope_queryset(PartyMember.objects.filter(community=branch.grid.community), user)
            .select_related("community")
            .order_by("name")
        )

    def save(self):
        try:
            return committee_member_appoint(branch=self.branch, **self.cleaned_data)
        except ValidationError as exc:
            self.add_error(None, exc)
            return None


class BranchCommitteeMemberAdminForm(forms.ModelForm):
    """Admin form for committee seats: the same secretary rule as every other path."""

    class Meta:
        model = BranchCommitteeMember
        fields = ("branch", "member", "position", "source", "start_date", "end_date")

    def clean(self):
        cleaned = super().clean()
        if not self.errors and cleaned.get("position") == CommitteePosition.SECRETARY:
            secretary_check(
                branch=cleaned["branch"], member=cleaned["member"], on=cleaned["start_date"]
            )
        return cleaned


class MeetingForm(forms.ModelForm):
    present = forms.ModelMultipleChoiceField(
        label=_("Members present"),
        queryset=PartyMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    guests = forms.CharField(
        label=_("Non-member attendees"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name, affiliation (e.g. 李经理, 物业公司)."),
    )
    attachment = AttachmentField(label=_("Attachment"), required=False)

    class Meta:
        model = Meeting
        fields = ("kind", "held_on", "place", "place_name", "agenda", "minutes")
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "agenda": forms.Textarea(attrs={"rows": 3}),
            "minutes": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, branch, user, **kwargs):
        super().__init__(*args, **kwargs)
        from service_points.models import ServicePosition

        self.fields["present"].queryset = branch.members.order_by("name")
        self.fields["present"].label_from_instance = lambda m: m.name
        self.fields["place"].queryset = scope_queryset(
            ServicePosition.objects.filter(community=branch.grid.community), user
        )

    def clean_guests(self):
        guests = []
        for line in self.cleaned_data["guests"].splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("，", ",").split(",", 1)]
            guests.append((parts[0][:60], parts[1][:120] if len(parts) > 1 else ""))
        return guests


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=[("phone", _("mobile phone")), ("id_number", _("ID number"))])
    purpose = forms.CharField(label=_("Purpose"), max_length=200)


class ExportForm(forms.Form):
    purpose = forms.CharField(label=_("Purpose of the export"), max_length=200)
    unmasked = forms.BooleanField(label=_("Full phone and ID numbers (logged)"), required=False)


class ImportUploadForm(forms.Form):
    # Checked by content (a real .xlsx workbook), whatever the file is called.
    file = AttachmentField(label=_("Member sheet (.xlsx)"), allowed={".xlsx"})
    create_logins = forms.BooleanField(
        label=_("Create member logins"),
        required=False,
        help_text=_(
            "Each member gets a login (the 登录账号 column, or else their mobile number) bound to "
            "the grid of their branch; they set a password with the SMS code of “Forgot your "
            "password?”."
        ),
    )
