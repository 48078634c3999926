from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grids.jurisdiction import scope_queryset
from grids.models import AreaGrid, Community
from party_branches.models import PartyBranch, PartyMember
from volunteers.models import Activity, ActivityCategory, NeedsListItem, Registration


class GridChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class RegistrationForm(forms.Form):
    """A member's own registration: the grid (and so the community) they register with."""

    grid = GridChoiceField(label=_("Area grid"), queryset=AreaGrid.objects.none())
    skills = forms.CharField(label=_("Skills you can offer"), max_length=200, required=False)

    def __init__(self, *args, grids=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = (
            grids
            if grids is not None
            else AreaGrid.objects.current().select_related("community").order_by("code")
        )


class StaffRegistrationForm(RegistrationForm):
    member = forms.ModelChoiceField(label=_("Party member"), queryset=PartyMember.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(
            *args, grids=scope_queryset(AreaGrid.objects.current(), user).order_by("code"), **kwargs
        )
        # Only members who can register now (no registration awaiting approval or approved).
        self.fields["member"].queryset = (
            scope_queryset(PartyMember.objects.all(), user)
            .exclude(
                registrations__status__in=[
                    Registration.Status.SUBMITTED,
                    Registration.Status.APPROVED,
                ]
            )
            .order_by("name")
        )
        self.order_fields(["member", "grid", "skills"])


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"), widget=forms.Textarea(attrs={"rows": 2})
    )


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = (
            "title",
            "category",
            "community",
            "organiser_branch",
            "grid",
            "place",
            "address",
            "starts_at",
            "ends_at",
            "capacity",
            "required_skills",
            "description",
        )
        widgets = {
            "starts_at": LocalDateTimeInput(),
            "ends_at": LocalDateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from service_points.models import ServicePosition

        self.fields["category"].queryset = ActivityCategory.objects.filter(active=True)
        self.fields["community"].queryset = scope_queryset(Community.objects.current(), user)
        self.fields["organiser_branch"].queryset = scope_queryset(PartyBranch.objects.all(), user)
        self.fields["grid"].queryset = scope_queryset(AreaGrid.objects.current(), user)
        self.fields["place"].queryset = scope_queryset(ServicePosition.objects.all(), user)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M"]

    def clean_starts_at(self):
        value = self.cleaned_data["starts_at"]
        if self.instance.pk is None and value <= timezone.now():
            raise forms.ValidationError(_("A new activity must start in the future."))
        return value


class NeedsListItemForm(forms.ModelForm):
    class Meta:
        model = NeedsListItem
        fields = ("kind", "community", "grid", "title", "description", "requester")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = scope_queryset(Community.objects.current(), user)
        self.fields["grid"].queryset = scope_queryset(AreaGrid.objects.current(), user)

    def clean(self):
        cleaned = super().clean()
        grid, community = cleaned.get("grid"), cleaned.get("community")
        if grid and community and grid.community_id != community.pk:
            self.add_error("grid", _("The area grid must lie in the chosen community."))
        return cleaned


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    by = forms.ChoiceField(
        label=_("Rank by"),
        required=False,
        choices=[
            ("team", _("team")),
            ("branch", _("branch")),
            ("community", _("community")),
            ("street", _("street")),
            ("member", _("member")),
        ],
    )
