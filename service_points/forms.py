import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import form_add_errors
from service_points.hours import local_interval
from service_points.models import Booking, Facility, Function, ServicePosition, Tier


class PositionFilterForm(forms.Form):
    """The filters of the public list, map and GeoJSON API (all optional)."""

    q = forms.CharField(label=_("Name or address"), required=False, max_length=60)
    tier = forms.ChoiceField(
        label=_("Tier"), required=False, choices=[("", _("All tiers")), *Tier.choices]
    )
    function = forms.ModelChoiceField(
        label=_("Function"),
        required=False,
        to_field_name="code",
        queryset=Function.objects.all(),
        empty_label=_("Any function"),
    )
    facility = forms.ModelChoiceField(
        label=_("Facility"),
        required=False,
        to_field_name="code",
        queryset=Facility.objects.all(),
        empty_label=_("Any facility"),
    )
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    lat = forms.FloatField(
        label=_("Latitude"), required=False, min_value=-90, max_value=90, widget=forms.HiddenInput
    )
    lon = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.HiddenInput,
    )

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("lat") is None) != (cleaned.get("lon") is None):
            raise forms.ValidationError(
                _("Give both latitude and longitude for the nearest positions.")
            )
        return cleaned


class BookingForm(forms.Form):
    """A booking in local (Asia/Shanghai) time: a date, a start and an end time."""

    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start = forms.TimeField(
        label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(
        label=_("Until"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("An end before the start means the next day."),
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Booking.Purpose.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    attendees_expected = forms.IntegerField(
        label=_("Expected attendees"), required=False, min_value=1, max_value=1000
    )

    def period(self) -> tuple[datetime.datetime, datetime.datetime]:
        data = self.cleaned_data
        return local_interval(data["date"], data["start"], data["end"])


class ServicePositionAdminForm(forms.ModelForm):
    class Meta:
        model = ServicePosition
        fields = [
            "name",
            "tier",
            "parent",
            "community",
            "grid",
            "subgrid",
            "is_active",
            "address",
            "location",
            "floor_area",
            "contact_name",
            "contact_phone",
            "description",
            "functions",
            "facilities",
            "displays_grid_structure",
            "displays_rules",
            "displays_service_list",
        ]

    def _post_clean(self):
        # The instance carries the form's values only after ModelForm._post_clean.
        from django.core.exceptions import ValidationError

        from service_points.services import position_validate

        super()._post_clean()
        if self.errors:
            return
        try:
            position_validate(self.instance)
        except ValidationError as exc:
            form_add_errors(self, exc)
