from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from care.models import CareTag, Referral, Resident, ServiceProject, Visit
from care.services import CORRECTABLE
from core.fields import MultiplePhotoField


class DateInput(forms.DateInput):
    """<input type=date> needs ISO dates whatever the language's date format."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's argument name
        super().__init__(attrs, format=format)


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Date"), widget=DateInput, initial=timezone.localdate)
    mode = forms.ChoiceField(
        label=_("How"),
        choices=Visit.Mode.choices,
        widget=forms.RadioSelect,
        initial=Visit.Mode.IN_PERSON,
    )
    met = forms.CharField(label=_("Who was met"), max_length=200, required=False)
    condition = forms.CharField(
        label=_("Condition"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Stored encrypted. Write only what the care needs."),
    )
    needs = forms.CharField(
        label=_("Needs raised"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One need per line; each can become a request afterwards."),
    )
    photos = MultiplePhotoField(label=_("Photos"))
    follow_up_of = forms.TypedChoiceField(
        label=_("Follow-up of"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, follow_up_needs=(), **kwargs):
        super().__init__(*args, **kwargs)
        if follow_up_needs:
            self.fields["follow_up_of"].choices = [("", _("(an ordinary visit)"))] + [
                (need.pk, need.description[:60]) for need in follow_up_needs
            ]
        else:
            del self.fields["follow_up_of"]

    def clean_needs(self):
        return [line.strip() for line in self.cleaned_data["needs"].splitlines() if line.strip()]


class PurposeForm(forms.Form):
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=300,
        help_text=_("Why you need this; it is written to the audit log."),
    )


class RevealForm(PurposeForm):
    FIELDS = [
        ("phone", _("phone")),
        ("id_number", _("ID number")),
        ("tag_details", _("tag details")),
    ]
    field = forms.ChoiceField(label=_("Show"), choices=FIELDS)


class _ResidentFields(forms.ModelForm):
    """A person's record as a form: the fields care.services keeps and corrects (CORRECTABLE),
    phone and ID number as plain text (the model stores them encrypted)."""

    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)

    class Meta:
        model = Resident
        fields = CORRECTABLE
        widgets = {"birth_date": DateInput, "consent_date": DateInput}


class ResidentCorrectForm(_ResidentFields):
    purpose = forms.CharField(label=_("Reason for the correction"), max_length=300)


class PairingForm(forms.Form):
    worker = forms.ModelChoiceField(label=_("Grid worker"), queryset=None)
    members = forms.ModelMultipleChoiceField(
        label=_("Registered Party members"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    start_date = forms.DateField(
        label=_("Start date"), widget=DateInput, initial=timezone.localdate
    )

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(is_active=True)
        self.fields["worker"].queryset = users.filter(role="grid_worker", grid=household.grid)
        self.fields["members"].queryset = users.filter(
            role="party_member", grid__community=household.grid.community_id
        )


class PairingEndForm(forms.Form):
    end_reason = forms.CharField(label=_("Reason for ending"), max_length=200)


class ReferralForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Service project"), queryset=ServiceProject.objects.filter(active=True)
    )
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)


class ReferralAdvanceForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[(s.value, s.label) for s in Referral.Status if s != Referral.Status.REFERRED],
    )


class HouseholdForm(forms.Form):
    """Register a household: a map tap (or the phone's location) places it; without a point,
    the area grid chosen here does."""

    building = forms.CharField(
        label=_("Building"),
        max_length=100,
        required=False,
        help_text=_("Estate and building, e.g. 光明花园3栋 (shown in lists)."),
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=200,
        help_text=_("The full address with the door number; stored encrypted, shown masked."),
    )
    grid = forms.ModelChoiceField(
        label=_("Area grid"),
        queryset=None,
        required=False,
        help_text=_("Only when the point is unknown: the map decides otherwise."),
    )
    lat = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)
    lon = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)
    registered_on = forms.DateField(
        label=_("Registered on"), widget=DateInput, initial=timezone.localdate
    )

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids
        if grids.count() == 1:
            self.fields["grid"].initial = grids.first()

    @property
    def location(self):
        from django.contrib.gis.geos import Point

        lat, lon = self.cleaned_data.get("lat"), self.cleaned_data.get("lon")
        return Point(lon, lat, srid=4326) if lat is not None and lon is not None else None


class ResidentForm(_ResidentFields):
    """A resident of a household, with their care tags; each tag that asks for details (a
    disability's type and grade…) gets its own field, stored encrypted."""

    tags = forms.ModelMultipleChoiceField(
        label=_("Care tags"),
        queryset=CareTag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.detail_tags = [t for t in CareTag.objects.all() if t.details_label]
        for tag in self.detail_tags:
            self.fields[f"details_{tag.code}"] = forms.CharField(
                label=f"{tag.name}：{tag.details_label}",
                max_length=300,
                required=False,
                help_text=_("Stored encrypted; only if the tag is ticked."),
            )

    def tags_with_details(self):
        return [
            (tag, self.cleaned_data.get(f"details_{tag.code}", "") or "")
            for tag in self.cleaned_data["tags"]
        ]


class AddressRevealForm(PurposeForm):
    pass
